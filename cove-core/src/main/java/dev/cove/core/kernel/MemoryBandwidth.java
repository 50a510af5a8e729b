package dev.cove.core.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Measures this machine's memory read bandwidth the way token generation uses it: every thread of
 * a pool streams through its share of a buffer much larger than the caches. Generation speed is
 * bounded by bandwidth / bytes of weights per token (the roofline).
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {
    }

    /**
     * Best read bandwidth in bytes per second over {@code rounds} passes over a buffer of
     * {@code bytes} (rounded to 4 KiB), allocated and freed here.
     */
    public static double measure(WorkerPool pool, Kernels kernels, long bytes, int rounds) {
        long size = Math.max(1 << 20, bytes / 4096 * 4096);
        double best = 0;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(size, 4096);
            buffer.fill((byte) 1); // touch every page before timing
            float[] sink = new float[pool.threads()];
            for (int round = 0; round < rounds + 1; round++) {
                long start = System.nanoTime();
                pool.runOnAll((thread, threads) -> {
                    long chunk = size / threads / 256 * 256;
                    sink[thread] += kernels.streamRead(buffer, chunk * thread, chunk);
                });
                long elapsed = System.nanoTime() - start;
                if (round > 0) { // the first pass warms up the code
                    best = Math.max(best, (double) (size / pool.threads() / 256 * 256 * pool.threads()) / (elapsed / 1e9));
                }
            }
            if (Float.isNaN(sink[0])) {
                throw new AssertionError(); // keeps the reads alive
            }
        }
        return best;
    }
}
