package dev.cove.cli;

import dev.cove.core.Model;
import picocli.CommandLine.Option;

/** Options shared by commands that load a model for inference. */
final class ModelOptions {
    @Option(names = {"-t", "--threads"}, description = "Threads for inference (default: one per physical core).")
    Integer threads;

    @Option(names = {"-c", "--ctx-size"}, description = "Context length in tokens (default: the model's, at most 4096).")
    int contextLength;

    @Option(names = "--context-shift",
            description = "When the context fills up, drop its older half and keep generating (default: stop).")
    boolean contextShift;

    @picocli.CommandLine.Mixin
    Notices.QuietOption quiet = new Notices.QuietOption();

    @picocli.CommandLine.Mixin
    KvCacheOption kvCache = new KvCacheOption();

    @Option(names = "--trust-policy", paramLabel = "off|warn|require",
            description = "Signature policy for this load (default: the store's).")
    String trustPolicy;

    /** Loads a store name or a GGUF path through the trust policy (and decryption, for encrypted models). */
    Model load(String nameOrPath) {
        kvCache.type(); // a misspelt type is refused before the (slow) load
        return kvCache.applyTo(SecureCli.load(nameOrPath, SecureCli.threads(threads), trustPolicy));
    }

    /** The context to allocate: explicit, or the model's own capped so the cache stays small. */
    int contextFor(Model model) {
        if (contextLength < 0) {
            throw new IllegalArgumentException("--ctx-size must not be negative");
        }
        if (contextLength > 0) {
            warnBeyondTraining(contextLength, model, "-c " + contextLength);
            return contextLength;
        }
        return Math.min(model.config().contextLength(), 4096);
    }

    /** A context longer than the model was trained on runs, but the text degrades past the limit: say so, with it. */
    static void warnBeyondTraining(int context, Model model, String what) {
        int trained = model.config().contextLength();
        if (context > trained) {
            Notices.notice("warning: " + what + " is beyond the " + trained + " tokens of context "
                    + name(model) + " was trained on: past " + trained + " its text degrades");
        }
    }

    private static String name(Model model) {
        java.nio.file.Path p = model.path() == null ? null : model.path().getFileName();
        return p == null ? "the model" : p.toString();
    }

    /** {@code -n}: -1 (no limit) or a count. */
    static int checkMaxTokens(int n) {
        if (n < -1) {
            throw new IllegalArgumentException("-n/--n-predict must be -1 (until the model stops) or 0 or more, not " + n);
        }
        return n;
    }
}
