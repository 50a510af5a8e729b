package dev.cove.core;

import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.Session;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.kernel.WorkerPool;
import dev.cove.core.model.Transformer;
import dev.cove.core.model.ModelConfig;
import dev.cove.core.model.ModelWeights;
import dev.cove.core.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * A loaded model: the memory-mapped GGUF file, its tokenizer and its forward pass. Loading maps
 * the file without copying the weights. A {@code Model} is immutable and may be shared by
 * several threads; each conversation is a {@link Session}, used by one thread at a time.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("tinyllama.Q4_0.gguf"))) {
 *     Session s = model.newSession(GenerationOptions.defaults().temperature(0.7f));
 *     s.generate("Write a haiku about the sea", token -> System.out.print(token.text()));
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {
    private final GgufFile file;
    private final Tokenizer tokenizer;
    private final Transformer transformer;
    private final WorkerPool pool;

    private Model(GgufFile file, Tokenizer tokenizer, Transformer transformer, WorkerPool pool) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.transformer = transformer;
        this.pool = pool;
    }

    /** Loads a model using one thread per physical core. */
    public static Model load(Path path) {
        return load(path, WorkerPool.physicalCores());
    }

    /** Loads a model whose forward pass runs on {@code threads} threads. */
    public static Model load(Path path, int threads) {
        return load(GgufFile.open(path), threads);
    }

    /**
     * Builds a model on an opened GGUF file (for instance one decrypted into memory with
     * {@link GgufFile#fromSegment}). The model owns the file from now on and closes it.
     */
    public static Model load(GgufFile file, int threads) {
        WorkerPool pool = null;
        try {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), tokenizer.vocabulary().size());
            ModelWeights weights = ModelWeights.fromGguf(file, config);
            pool = new WorkerPool(threads);
            return new Model(file, tokenizer, new Transformer(config, weights, pool), pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            file.close();
            throw e;
        }
    }

    /** Size of the GGUF image in bytes (the file, or the decrypted memory it was loaded from). */
    public long fileSize() {
        return file.fileSize();
    }

    /** Parameters as {@link GgufFile#parameterCount()} counts them. */
    public long parameterCount() {
        return file.parameterCount();
    }

    public Session newSession(GenerationOptions options) {
        return new Session(this, options);
    }

    public Session newSession() {
        return newSession(GenerationOptions.defaults());
    }

    public ModelConfig config() {
        return transformer.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public GgufMetadata metadata() {
        return file.metadata();
    }

    public Path path() {
        return file.path();
    }

    /** The forward pass, for tools that drive it directly (perplexity, benchmarks). */
    public Transformer forwardPass() {
        return transformer;
    }

    public int threads() {
        return pool.threads();
    }

    /** Unmaps the file and stops the worker threads. No session may be used afterwards. */
    @Override
    public void close() {
        pool.close();
        file.close();
    }
}
