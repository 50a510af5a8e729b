package dev.cove.cli;

import dev.cove.core.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by commands that load a model for inference. */
final class ModelOptions {
    @Option(names = {"-t", "--threads"}, description = "Threads for inference (default: available processors).")
    Integer threads;

    @Option(names = {"-c", "--ctx-size"}, description = "Context length in tokens (default: the model's, at most 4096).")
    int contextLength;

    Model load(Path path) {
        if (!Files.exists(path)) {
            throw new dev.cove.core.CoveException(path + ": no such model file");
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        return Model.load(path, t);
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
