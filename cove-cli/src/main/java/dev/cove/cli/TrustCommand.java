package dev.cove.cli;

import dev.cove.secure.sign.PemKeys;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.secure.sign.TrustedKey;
import dev.cove.secure.store.ModelStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cove trust add|list|rm|policy}: the keys whose signatures this store trusts, and the policy. */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = "Manage trusted signing keys and the trust policy (off, warn, require) checked at every model load.",
        subcommands = {TrustCommand.Add.class, TrustCommand.ListKeys.class, TrustCommand.Remove.class, TrustCommand.Policy.class})
final class TrustCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Trust a public key (PEM, as openssl writes it).")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KEY", description = "Public key PEM file (a private key file is accepted: only its public half is kept).")
        Path key;

        @Option(names = "--name", description = "A name for the key (default: its key id).")
        String name;

        @Override
        public Integer call() {
            TrustedKey k = SecureCli.store().trustStore().add(PemKeys.readPublicKey(key), name);
            System.err.println("trusted " + k.name() + ": key " + k.id() + " (" + k.algorithm().id() + ")");
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List trusted keys.")
    static final class ListKeys implements Callable<Integer> {
        @Override
        public Integer call() {
            ModelStore store = SecureCli.store();
            List<TrustedKey> keys = store.trustStore().list();
            PrintStream out = Stdout.utf8();
            out.println("trust policy: " + store.config().trustPolicy().id());
            if (keys.isEmpty()) {
                out.println("no trusted keys (add one with: cove trust add KEY.pem)");
            }
            for (TrustedKey k : keys) {
                out.printf("%-16s  %-13s  %-20s  added %s%n", k.id(), k.algorithm().id(), k.name(), k.added());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Stop trusting a key.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KEY", description = "Key id or name.")
        String key;

        @Override
        public Integer call() {
            TrustedKey k = SecureCli.store().trustStore().remove(key);
            System.err.println("no longer trusted: " + k.name() + " (" + k.id() + ")");
            return 0;
        }
    }

    @Command(name = "policy", mixinStandardHelpOptions = true,
            description = "Show or set the store's trust policy: off, warn (default) or require.")
    static final class Policy implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "POLICY", description = "off, warn or require.")
        String policy;

        @Override
        public Integer call() {
            ModelStore store = SecureCli.store();
            if (policy != null) {
                store.config().setTrustPolicy(TrustPolicy.parse(policy));
            }
            Stdout.utf8().append("trust policy: ").append(store.config().trustPolicy().id()).append('\n').flush();
            return 0;
        }
    }
}
