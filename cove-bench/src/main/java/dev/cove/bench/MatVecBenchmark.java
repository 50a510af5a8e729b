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
 * One thread, one matrix-vector product of a 2048 x 2048 matrix (TinyLlama's attention shape):
 * the kernel of token generation. {@code layout}: {@code file} multiplies the file's block
 * layout (lanes along the row, float FMA on weights dequantized in registers); {@code packed}
 * uses the kernels' load-time repacking where they have one (Q4_0: lanes are rows, 16-bit integer
 * products with 8-bit activations). {@code scalar} is the reference codec's dot product.
 * Divide the matrix's bytes (printed by the setup) by the time for GB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatVecBenchmark {

    @Param({"Q4_0", "Q8_0", "F16", "BF16", "F32", "Q4_K", "Q6_K"})
    public String type;

    @Param({"packed", "file", "scalar"})
    public String layout;

    @Param({"2048"})
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
        kernels = layout.equals("scalar") ? Kernels.scalar() : Kernels.get();
        WeightMatrix raw = BenchData.matrix(GgmlType.valueOf(type), rows, cols, arena, 1);
        w = layout.equals("packed") ? BenchData.prepared(raw, kernels, arena) : raw;
        x = BenchData.activations(cols, 1, 2);
        out = new float[rows];
        scratch = new float[Math.max(1, kernels.scratchSize(cols))];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float matVec() {
        kernels.matVec(w, x, 0, out, 0, 0, rows, scratch);
        return out[rows - 1];
    }
}
