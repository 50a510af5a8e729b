package dev.cove.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/**
 * What a command says on standard error besides its errors: progress, notices, timing lines.
 * {@code -q/--quiet} silences them; errors and loud warnings (a lowered trust policy) still print.
 */
final class Notices {
    private static volatile boolean quiet;

    private Notices() {
    }

    /** The {@code -q/--quiet} option, mixed into every command that prints progress or notices. */
    static final class QuietOption {
        @Option(names = {"-q", "--quiet"}, description = "Print no progress, notices or timings on standard error"
                + " (errors still).")
        void quiet(boolean value) {
            Notices.quiet = value;
        }
    }

    static boolean quiet() {
        return quiet;
    }

    /** Back to talking: each command line starts this way (tests run many in one JVM). */
    static void reset() {
        quiet = false;
    }

    /** Prints {@code cove: MESSAGE} on standard error unless quiet. */
    static void notice(String message) {
        if (!quiet) {
            err().println("cove: " + message);
        }
    }

    /** Prints {@code cove: MESSAGE} on standard error even when quiet: what must not go unseen. */
    static void loud(String message) {
        err().println("cove: " + message);
    }

    private static PrintStream err() {
        return new PrintStream(System.err, true, StandardCharsets.UTF_8);
    }
}
