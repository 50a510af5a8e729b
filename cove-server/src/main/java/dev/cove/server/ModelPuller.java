package dev.cove.server;

import dev.cove.core.Model;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetches a model into the local store and loads it, for Ollama's {@code /api/pull}: supplied by
 * the application that owns the store (the {@code cove} command, with its trust policy), since
 * the server itself neither downloads nor verifies files.
 */
@FunctionalInterface
public interface ModelPuller {

    /** Hears how a pull goes; called from the pulling thread. */
    interface Progress {
        /** For a caller that shows no progress. */
        Progress NONE = new Progress() {
            @Override
            public void downloading(String what, long completed, long total) {
            }

            @Override
            public void status(String status) {
            }
        };

        /** A download of {@code total} bytes (-1 when unknown) of {@code what} (a file name) starts or goes on. */
        void downloading(String what, long completed, long total);

        /** A step without bytes to count: {@code "verifying sha256 digest"}, {@code "writing manifest"}. */
        void status(String status);
    }

    /** The model pulled: its name in the store, its SHA-256 and the loaded model to serve. */
    record Pulled(String name, String sha256, Model model) {
    }

    /**
     * Pulls {@code spec} ({@code hf://ORG/REPO/FILE.gguf} or an alias) and loads it.
     *
     * @throws IllegalArgumentException for a spec it cannot pull (its message is shown to the client)
     * @throws RuntimeException when the download, the verification or the load fails (its message is shown)
     */
    Pulled pull(String spec, Progress progress, AtomicBoolean cancel);
}
