package dev.cove.cli;

import dev.cove.core.CoveException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cove} command: private LLM inference on your own machine. */
@Command(name = "cove",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Private LLM inference on your own machine, in pure Java.",
        subcommands = {
            RunCommand.class,
            BatchCommand.class,
            ChatCommand.class,
            TokenizeCommand.class,
            InfoCommand.class,
            ConvertCommand.class,
            ServeCommand.class,
            BenchCommand.class,
            QuantizeCommand.class,
            PerplexityCommand.class,
            EvalCommand.class,
            RedactCommand.class,
            AuditCommand.class,
            StoreCommands.ListCommand.class,
            StoreCommands.ShowCommand.class,
            StoreCommands.RmCommand.class,
            StoreCommands.ImportCommand.class,
            PullCommand.class,
            RouteCommand.class,
            KeygenCommand.class,
            SignCommand.class,
            VerifyCommand.class,
            TrustCommand.class,
            EncryptCommand.class,
            DecryptCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns the exit code; used by tests without exiting the JVM. */
    public static int execute(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        Notices.reset(); // -q is per command line (tests run many in one JVM)
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handleError);
        return cli;
    }

    /** User errors become one line on stderr and exit code 1: never a stack trace. */
    private static int handleError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof CoveException || e instanceof java.io.UncheckedIOException || e instanceof IllegalArgumentException) {
            err.println("cove: " + e.getMessage());
        } else if (e instanceof java.io.IOException io) {
            err.println("cove: " + io.getMessage());
        } else {
            err.println("cove: internal error: " + e);
            if (System.getenv("COVE_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set COVE_DEBUG=1 to see the stack trace)");
            }
        }
        err.flush();
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cove " + (v == null ? "development build" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
