package dev.cove.bench;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.kernel.WorkerPool;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.model.ModelConfig;
import dev.cove.core.model.ModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End to end: one generated token (full forward pass with logits) of a real model, and a batched
 * prompt of 64 tokens. Give the model with {@code -p model=/path/to/file.gguf}; the default is the
 * small synthetic model of ../shared, skipped with a message when absent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DecodeBenchmark {

    @Param({"../shared/models/small-test/small-q4_0.gguf"})
    public String model;

    @Param({"2"})
    public int threads;

    private GgufFile file;
    private WorkerPool pool;
    private Transformer llama;
    private ForwardState state;
    private int position;
    private int[] prompt;

    @Setup(Level.Trial)
    public void setUp() {
        Path path = Path.of(model);
        if (!Files.exists(path)) {
            throw new IllegalStateException(path.toAbsolutePath() + " does not exist: give a model with -p model=FILE.gguf");
        }
        file = GgufFile.open(path);
        pool = new WorkerPool(threads);
        int vocab = (int) file.tensor("token_embd.weight").dim(1);
        ModelConfig config = ModelConfig.fromGguf(file.metadata(), vocab);
        llama = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
        state = llama.newState(Math.min(config.contextLength(), 512));
        prompt = new int[64];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 1 + (i * 7919) % (vocab - 1);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        file.close();
    }

    @Benchmark
    public float generateOneToken() {
        if (position >= state.contextLength()) {
            position = 0;
        }
        llama.forward(state, 1 + position % 100, position++, true);
        return state.logits()[0];
    }

    @Benchmark
    public float prompt64() {
        llama.forwardBatch(state, prompt, 0, true);
        return state.logits()[0];
    }
}
