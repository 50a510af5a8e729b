package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runOnAllRunsEveryThreadOnceWithItsIndex() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 1000; round++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(3);
                pool.runOnAll((thread, threads) -> {
                    assertThat(threads).isEqualTo(3);
                    seen.incrementAndGet(thread);
                });
                for (int i = 0; i < 3; i++) {
                    assertThat(seen.get(i)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void failuresReachTheCaller() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.runOnAll((thread, threads) -> {
                if (thread == 1) {
                    throw new IllegalStateException("boom");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            pool.parallelFor(10, (s, e) -> { });
        }
    }

    @Test
    void physicalCoresIsPositive() {
        assertThat(WorkerPool.physicalCores()).isBetween(1, Runtime.getRuntime().availableProcessors());
    }
}
