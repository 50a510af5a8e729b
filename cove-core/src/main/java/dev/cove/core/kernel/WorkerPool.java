package dev.cove.core.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of worker threads for data-parallel loops. The calling thread takes part, so
 * a pool of N threads starts N-1 workers. Workers spin briefly before parking, because in a
 * forward pass the next loop arrives within microseconds.
 *
 * <p>Two ways to split work. {@link #runShares} cuts it into more shares than threads, and each
 * thread claims the next unclaimed share until none is left: a thread that the operating system
 * has descheduled (other processes on the cores, or a busy JVM) holds up the loop by at most the
 * one share it is running, instead of the whole region it was given, and unequal shares even
 * out. {@link #runOnAll} and {@link #parallelFor} give every thread exactly one static part,
 * for work that must run once per thread.
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

    /**
     * One share of a loop split by {@link #runShares}: {@code share} of {@code shares}, run by the
     * thread numbered {@code worker} (0 to {@link #threads()} - 1, 0 being the caller), which may
     * index per-thread scratch memory: no two shares run on the same worker at once.
     */
    @FunctionalInterface
    public interface ShareTask {
        void run(int share, int shares, int worker);
    }

    private static final int SPINS_BEFORE_PARK = 20_000;
    private static final int SHARES_PER_THREAD = 4;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    /** Even: the latest loop is published; odd: the caller is writing the next loop's fields. */
    private volatile long generation;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile ThreadTask threadTask;
    private volatile ShareTask shareTask;
    /** What the latest loop is: one of the kinds below, written before its generation. */
    private volatile int kind;
    private static final int RANGE = 0;
    private static final int THREADS = 1;
    private static final int SHARES = 2;
    /** The share loop being claimed: its generation's low 32 bits, share count (16 bits), next share (16). */
    private final AtomicLong claims = new AtomicLong(-1L << 32);
    private final AtomicInteger sharesDone = new AtomicInteger();
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

    /**
     * A share count for {@link #runShares} over {@code units} indivisible pieces of work:
     * {@value #SHARES_PER_THREAD} per thread, enough for a thread delayed by the operating system
     * to leave most of its work to the others, but no more shares than units, and at least one.
     */
    public int sharesFor(int units) {
        return Math.max(1, Math.min(units, threads * SHARES_PER_THREAD));
    }

    /** Runs {@code task} over [0, count) split into {@link #threads()} contiguous chunks, and waits. */
    public synchronized void parallelFor(int count, RangeTask task) {
        if (threads == 1 || count < 2) {
            task.run(0, count);
            return;
        }
        beginSetUp();
        this.task = task;
        this.kind = RANGE;
        this.count = count;
        this.failure = null;
        pending.set(workers.length);
        waiting[0] = Thread.currentThread();
        publish();
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
        beginSetUp();
        this.threadTask = task;
        this.kind = THREADS;
        this.failure = null;
        pending.set(workers.length);
        waiting[0] = Thread.currentThread();
        publish();
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

    /**
     * Runs {@code task} for shares 0 to {@code shares - 1}, claimed one at a time by whichever of
     * the pool's threads is free, and waits until all have run. At most 65535 shares.
     */
    public synchronized void runShares(int shares, ShareTask task) {
        if (shares < 1 || shares > 0xFFFF) {
            throw new IllegalArgumentException("shares must be in 1..65535: " + shares);
        }
        if (threads == 1 || shares == 1) {
            for (int i = 0; i < shares; i++) {
                task.run(i, shares, 0);
            }
            return;
        }
        beginSetUp();
        this.shareTask = task;
        this.kind = SHARES;
        this.failure = null;
        sharesDone.set(0);
        waiting[0] = Thread.currentThread();
        long next = generation + 1;
        claims.set(next << 32 | (long) shares << 16);
        publish();
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        runClaimedShares(next, 0);
        await(sharesDone, shares);
        this.shareTask = null;
        rethrowFailure();
    }

    /** Claims and runs shares of the share loop of {@code gen} until none is left (or it is over). */
    private void runClaimedShares(long gen, int worker) {
        while (true) {
            long c = claims.get();
            int share = (int) (c & 0xFFFF);
            int shares = (int) (c >>> 16 & 0xFFFF);
            if ((int) (c >>> 32) != (int) gen || share >= shares) { // the low 32 bits of the generation
                return;
            }
            if (!claims.compareAndSet(c, c + 1)) {
                continue;
            }
            // The caller cannot start another loop before this claimed share is done, so the
            // task read here is the one of generation gen.
            try {
                shareTask.run(share, shares, worker);
            } catch (Throwable t) {
                failure = t;
            }
            if (sharesDone.incrementAndGet() == shares) {
                LockSupport.unpark(waiting[0]);
            }
        }
    }

    /**
     * Makes the generation odd while the next loop's fields are written. A worker that woke late
     * for an earlier loop could otherwise read the kind and task of a loop not yet published, run
     * it, and count itself done for it before the caller had set the count up.
     */
    private void beginSetUp() {
        generation = generation + 1;
    }

    /** Makes the generation even again: the loop's fields are complete (volatile write). */
    private void publish() {
        generation = generation + 1;
    }

    private void awaitWorkers() {
        await(pending, 0);
    }

    /**
     * The caller's wait until {@code counter} reaches {@code target}: spinning first, then
     * parking in short naps (the last thread to finish also unparks the caller).
     */
    private static void await(AtomicInteger counter, int target) {
        int spins = 0;
        while (counter.get() != target) {
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
            long current = generation;
            if ((current & 1) != 0) {
                Thread.onSpinWait(); // the caller is writing the next loop's fields
                continue;
            }
            int k = kind;
            ThreadTask tt = threadTask;
            RangeTask rt = task;
            if (generation != current) {
                continue; // a newer loop was set up while reading: read it again
            }
            seen = current;
            if (k == SHARES) {
                // A share loop may already be over (the caller and the other workers took every
                // share): then there is nothing to do and nobody waits for this thread.
                runClaimedShares(current, index);
                continue;
            }
            // runOnAll and parallelFor wait for every worker, so their fields cannot change
            // before this thread has run its part.
            try {
                if (k == THREADS) {
                    tt.run(index, threads);
                } else {
                    runChunk(index, rt, count);
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
