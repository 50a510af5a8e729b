package dev.cove.bench;

import dev.cove.core.kernel.Activations;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.WeightMatrix;
import dev.cove.core.tensor.GgmlType;
import java.lang.foreign.Arena;
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
 * One thread, a 1024 x 2048 matrix times a batch of {@code tokens} activations: the kernel of
 * prompt processing. {@code packed} Q4_0 uses 16-bit integer products on repacked weights, eight
 * tokens per unpacked weight vector; {@code file} dequantizes four rows into scratch once and
 * multiplies them with four tokens at a time in float FMA (16 accumulators). GFLOP/s =
 * 2 * rows * cols * tokens / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatMulBenchmark {

    @Param({"Q4_0", "Q8_0", "F16"})
    public String type;

    @Param({"packed", "file"})
    public String layout;

    @Param({"64"})
    public int tokens;

    @Param({"1024"})
    public int rows;

    @Param({"2048"})
    public int cols;

    private Arena arena;
    private WeightMatrix w;
    private Activations x;
    private float[] out;
    private float[] scratch;
    private Kernels kernels;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        kernels = Kernels.get();
        WeightMatrix raw = BenchData.matrix(GgmlType.valueOf(type), rows, cols, arena, 1);
        w = layout.equals("packed") ? BenchData.prepared(raw, kernels, arena) : raw;
        x = BenchData.activations(cols, tokens, 2);
        out = new float[rows * tokens];
        scratch = new float[kernels.scratchSize(cols)];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float matMul() {
        kernels.matMul(w, x, out, rows, 0, rows, scratch);
        return out[0];
    }
}
