package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.secure.crypt.KeySettings;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.secure.store.CoveHome;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.SecureModelLoader;
import java.io.Console;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the store, pull, signing and encryption commands share: the environment (replaceable in
 * tests), the store, key settings with a passphrase prompt, and the loader that enforces the
 * trust policy for every command that runs a model.
 */
final class SecureCli {
    private static volatile Map<String, String> environment = System.getenv();

    private SecureCli() {
    }

    static Map<String, String> env() {
        return environment;
    }

    /** For tests: run commands as if these were the environment variables. */
    static void useEnvironment(Map<String, String> env) {
        environment = env == null ? System.getenv() : Map.copyOf(env);
    }

    static ModelStore store() {
        return ModelStore.open(CoveHome.resolve(env()));
    }

    static KeySettings keys(ModelStore store) {
        return KeySettings.fromEnvironment(store.home(), env(), SecureCli::askSecret);
    }

    /** A loader for run/chat/serve: {@code trustPolicy} is the command's --trust-policy, or null. */
    static SecureModelLoader loader(String trustPolicy) {
        ModelStore store = store();
        TrustPolicy override = trustPolicy == null ? null : TrustPolicy.parse(trustPolicy);
        return new SecureModelLoader(store, keys(store), override, SecureCli::warn);
    }

    /** Loads a model by store name or path, decrypting and checking signatures per the trust policy. */
    static Model load(String nameOrPath, int threads, String trustPolicy) {
        return loader(trustPolicy).load(nameOrPath, threads);
    }

    static void warn(String message) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        err.println("cove: " + message);
    }

    private static char[] askSecret(String prompt) {
        Console c = System.console();
        return c == null ? null : c.readPassword("%s", prompt);
    }

    static int threads(Integer requested) {
        int t = requested != null ? requested : dev.cove.core.kernel.WorkerPool.physicalCores();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        return t;
    }
}
