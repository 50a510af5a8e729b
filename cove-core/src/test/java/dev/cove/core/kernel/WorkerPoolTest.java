package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
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
    void runSharesRunsEveryShareOnceAndNeverTwoAtOnceOnAWorker() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 1000; round++) {
                int shares = 1 + round % 17;
                AtomicIntegerArray runs = new AtomicIntegerArray(shares);
                AtomicIntegerArray busy = new AtomicIntegerArray(3);
                AtomicInteger overlaps = new AtomicInteger();
                pool.runShares(shares, (share, count, worker) -> {
                    assertThat(count).isEqualTo(shares);
                    if (busy.incrementAndGet(worker) != 1) {
                        overlaps.incrementAndGet();
                    }
                    runs.incrementAndGet(share);
                    busy.decrementAndGet(worker);
                });
                assertThat(overlaps.get()).isZero();
                for (int i = 0; i < shares; i++) {
                    assertThat(runs.get(i)).as("share %d of %d", i, shares).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void shareLoopsAndPerThreadLoopsCanAlternate() {
        // Workers that miss a share loop (the others took every share) must still take part in
        // the next per-thread loop exactly once.
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int round = 0; round < 20_000; round++) {
                AtomicInteger shareRuns = new AtomicInteger();
                pool.runShares(2, (share, count, worker) -> shareRuns.incrementAndGet());
                assertThat(shareRuns.get()).isEqualTo(2);
                AtomicIntegerArray seen = new AtomicIntegerArray(2);
                pool.runOnAll((thread, threads) -> seen.incrementAndGet(thread));
                assertThat(seen.get(0)).isEqualTo(1);
                assertThat(seen.get(1)).isEqualTo(1);
                // a worker waking late for a share loop must not run the next loop before it is
                // published (it used to, and then ran it twice or read a cleared task)
                pool.runShares(3, (share, count, worker) -> shareRuns.incrementAndGet());
                AtomicInteger covered = new AtomicInteger();
                pool.parallelFor(6, (start, end) -> covered.addAndGet(end - start));
                assertThat(covered.get()).isEqualTo(6);
            }
        }
    }

    @Test
    void aSlowThreadLeavesItsRemainingSharesToTheOthers() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray perWorker = new AtomicIntegerArray(2);
            pool.runShares(8, (share, count, worker) -> {
                perWorker.incrementAndGet(worker);
                if (worker == 1) {
                    try {
                        Thread.sleep(50); // descheduled, as under a loaded machine
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            assertThat(perWorker.get(0) + perWorker.get(1)).isEqualTo(8);
            // a static split would have given the slow thread 4 shares
            assertThat(perWorker.get(1)).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void shareFailuresReachTheCaller() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.runShares(6, (share, count, worker) -> {
                if (share == 4) {
                    throw new IllegalStateException("share 4");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("share 4");
            assertThatThrownBy(() -> pool.runShares(0, (share, count, worker) -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
            AtomicInteger runs = new AtomicInteger();
            pool.runShares(3, (share, count, worker) -> runs.incrementAndGet());
            assertThat(runs.get()).isEqualTo(3);
        }
    }

    @Test
    void physicalCoresIsPositive() {
        assertThat(WorkerPool.physicalCores()).isBetween(1, Runtime.getRuntime().availableProcessors());
    }
}
