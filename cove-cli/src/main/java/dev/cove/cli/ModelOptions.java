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

    @Option(names = "--trust-policy", paramLabel = "off|warn|require",
            description = "Signature policy for this load (default: the store's).")
    String trustPolicy;

    /** Loads a store name or a GGUF path through the trust policy (and decryption, for encrypted models). */
    Model load(String nameOrPath) {
        return SecureCli.load(nameOrPath, SecureCli.threads(threads), trustPolicy);
    }

    /** The context to allocate: explicit, or the model's own capped so the cache stays small. */
    int contextFor(Model model) {
        if (contextLength < 0) {
            throw new IllegalArgumentException("--ctx-size must not be negative");
        }
        if (contextLength > 0) {
            return contextLength;
        }
        return Math.min(model.config().contextLength(), 4096);
    }
}
