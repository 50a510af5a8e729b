package dev.cove.core.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of worker threads for data-parallel loops. {@link #parallelFor} splits a
 * range statically into one contiguous chunk per thread; the calling thread works on the first
 * chunk itself, so a pool of N threads starts N-1 workers. Workers spin briefly before parking,
 * because in a forward pass the next loop arrives within microseconds.
 *
 * <p>One loop runs at a time: calls from several threads are serialised. Tasks must not throw;
 * an exception in a worker is rethrown to the caller after all chunks have finished.
 */
public final class WorkerPool implements AutoCloseable {

    /** Work on the index range [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    /**
     * Work that every thread of the pool runs once, knowing its index: the task partitions the
     * work itself (e.g. rows of several matrices at once) and may use per-thread scratch memory.
     * Implementations are usually long-lived objects whose fields are set before each
     * {@link #runOnAll} call, so that the per-token path allocates nothing.
     */
    @FunctionalInterface
    public interface ThreadTask {
        void run(int thread, int threads);
    }

    private static final int SPINS_BEFORE_PARK = 20_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile ThreadTask threadTask;
    private volatile int count;
    private volatile Throwable failure;
    private final Thread[] waiting;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.waiting = new Thread[1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("cove-worker-" + index).start(() -> workLoop(index));
        }
    }

    /** A pool sized to the machine: one thread per available processor. */
    public static WorkerPool ofAvailableProcessors() {
        return new WorkerPool(Runtime.getRuntime().availableProcessors());
    }

    /** A pool of one thread per physical core (see {@link #physicalCores()}). */
    public static WorkerPool ofPhysicalCores() {
        return new WorkerPool(physicalCores());
    }

    /**
     * Physical cores available to this process: logical processors divided by the SMT width that
     * Linux reports in {@code /sys/devices/system/cpu/cpu0/topology/thread_siblings_list}. Matrix
     * kernels are limited by memory bandwidth and vector units, which hyper-threads share, so
     * one thread per core is the right default. Falls back to the logical count elsewhere.
     */
    public static int physicalCores() {
        int logical = Runtime.getRuntime().availableProcessors();
        try {
            java.nio.file.Path p = java.nio.file.Path.of("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list");
            if (java.nio.file.Files.isReadable(p)) {
                int siblings = 0;
                for (String part : java.nio.file.Files.readString(p).trim().split(",")) {
                    String[] range = part.split("-");
                    siblings += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1 : 1;
                }
                if (siblings > 1) {
                    return Math.max(1, logical / siblings);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or an unusual sysfs: use the logical count
        }
        return logical;
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, count) split into {@link #threads()} contiguous chunks, and waits. */
    public synchronized void parallelFor(int count, RangeTask task) {
        if (threads == 1 || count < 2) {
            task.run(0, count);
            return;
        }
        this.task = task;
        this.threadTask = null;
        this.count = count;
        this.failure = null;
        pending.set(workers.length);
        waiting[0] = Thread.currentThread();
        generation++; // publishes task and count to the workers (volatile write)
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            runChunk(0, task, count);
        } catch (Throwable t) {
            failure = t;
        }
        awaitWorkers();
        this.task = null;
        rethrowFailure();
    }

    /** Runs {@code task} once on every thread of the pool (the caller is thread 0), and waits. */
    public synchronized void runOnAll(ThreadTask task) {
        if (threads == 1) {
            task.run(0, 1);
            return;
        }
        this.threadTask = task;
        this.task = null;
        this.failure = null;
        pending.set(workers.length);
        waiting[0] = Thread.currentThread();
        generation++;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            task.run(0, threads);
        } catch (Throwable t) {
            failure = t;
        }
        awaitWorkers();
        this.threadTask = null;
        rethrowFailure();
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t != null) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    private void runChunk(int index, RangeTask task, int count) {
        int start = (int) ((long) count * index / threads);
        int end = (int) ((long) count * (index + 1) / threads);
        if (start < end) {
            task.run(start, end);
        }
    }

    private void workLoop(int index) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                ThreadTask tt = threadTask;
                if (tt != null) {
                    tt.run(index, threads);
                } else {
                    runChunk(index, task, count);
                }
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(waiting[0]);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
