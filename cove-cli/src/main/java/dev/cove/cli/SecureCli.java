package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.secure.crypt.KeySettings;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.secure.store.CoveHome;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.SecureModelLoader;
import java.io.Console;
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
        return new SecureModelLoader(store, keys(store), override, SecureCli::warn).warningOncePerFile();
    }

    /**
     * Opens a model by store name or path to read it (metadata, tensors, vocabulary), decrypting
     * an encrypted one in memory: every command that takes a MODEL accepts what {@code run} does.
     */
    static dev.cove.core.gguf.GgufFile inspect(String nameOrPath) {
        ModelStore store = store();
        return new SecureModelLoader(store, keys(store), null, SecureCli::warn).inspect(nameOrPath);
    }

    /** Loads a model by store name or path, decrypting and checking signatures per the trust policy. */
    static Model load(String nameOrPath, int threads, String trustPolicy) {
        return loader(trustPolicy).load(nameOrPath, threads);
    }

    /** The loader's warnings: a lowered trust policy always prints; the rest are notices, silenced by -q. */
    static void warn(String message) {
        if (message.startsWith("WARNING:")) {
            Notices.loud(message);
        } else {
            Notices.notice(message);
        }
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
