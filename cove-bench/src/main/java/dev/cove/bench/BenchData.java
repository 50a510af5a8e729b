package dev.cove.bench;

import dev.cove.core.kernel.Activations;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.WeightMatrix;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodecs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Random weights and activations for the kernel benchmarks, quantized by the reference quantizers. */
final class BenchData {
    private BenchData() {
    }

    static WeightMatrix matrix(GgmlType type, int rows, int cols, Arena arena, long seed) {
        Random random = new Random(seed);
        long rowBytes = type.byteSize(cols);
        MemorySegment data = arena.allocate(rows * rowBytes, 64);
        float[] values = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                values[i] = (float) (random.nextGaussian() * 0.02);
            }
            TypeCodecs.of(type).quantize(values, 0, data, r * rowBytes, cols);
        }
        return new WeightMatrix(type + "-" + rows + "x" + cols, type, data, 0, rows, cols);
    }

    /** {@code w} prepared (repacked where the kernels repack) by {@code kernels}. */
    static WeightMatrix prepared(WeightMatrix w, Kernels kernels, Arena arena) {
        WeightMatrix p = kernels.prepare(w, arena);
        if (kernels.packGroups(p) > 0) {
            kernels.pack(p, 0, kernels.packGroups(p));
        }
        return p;
    }

    static Activations activations(int width, int tokens, long seed) {
        Random random = new Random(seed);
        Activations x = new Activations(width, tokens);
        x.setTokens(tokens);
        for (int i = 0; i < x.values().length; i++) {
            x.values()[i] = (float) random.nextGaussian();
        }
        if (x.quantizable()) {
            x.quantize();
        }
        return x;
    }
}
