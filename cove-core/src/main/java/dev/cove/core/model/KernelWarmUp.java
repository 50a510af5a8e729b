package dev.cove.core.model;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.tensor.GgmlType;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Compiles the vector kernels a big model uses on a thread of its own while the model's weights
 * are being repacked, so that its first prompt runs compiled code.
 *
 * <p>Why: until C2 has compiled them, the vector kernels run the Vector API's Java fallback, a
 * hundred times slower, and the first prompt of a model paid for it: a 21-token prompt ran at
 * 4-5 tok/s on a 7B Q4_0 file (17 warm) and 6 tok/s on a 1.1B one (60 warm). Warming up after the
 * load cost as much as it saved; beside the repacking, which waits on page faults much of the
 * time, it mostly hides. It needs the launcher's JIT flags (no profiled loop predicates, no C2
 * on-stack replacement): without them C2 spent the warm-up compiling code the first real call
 * threw away.
 *
 * <p>Once per process, and by default only for models of at least {@link #MIN_BYTES} of weights:
 * smaller models' prompts take a fraction of a second even cold, and tests build many of them.
 * Off where the JVM lacks the flags. {@code -Dcove.warmUp=true} or {@code false} forces it on or
 * off.
 */
final class KernelWarmUp {

    static final long MIN_BYTES = 256L << 20;

    /** A C2 on-stack-replacement threshold no kernel loop reaches (the launcher passes 10^8). */
    private static final long MIN_UNREACHABLE_BACKEDGES = 10_000_000L;

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private final FutureTask<Void> task;

    private KernelWarmUp(FutureTask<Void> task) {
        this.task = task;
    }

    /** Starts warming up for {@code weights} where that pays; {@link #await} before the first token. */
    static KernelWarmUp start(Kernels kernels, ModelWeights weights) {
        boolean wanted = switch (System.getProperty("cove.warmUp", "auto")) {
            case "true" -> true;
            case "false" -> false;
            default -> weights.bytesPerToken() >= MIN_BYTES && jitKeepsWarmUp();
        };
        if (!wanted || !kernels.vectorized() || !STARTED.compareAndSet(false, true)) {
            return new KernelWarmUp(null);
        }
        return run(kernels, weights.matrixTypes());
    }

    /** Starts {@link Kernels#warmUp} for {@code types} on a thread of its own. */
    static KernelWarmUp run(Kernels kernels, Set<GgmlType> types) {
        FutureTask<Void> task = new FutureTask<>(() -> kernels.warmUp(types), null);
        Thread.ofPlatform().daemon().name("cove-kernel-warm-up").start(task);
        return new KernelWarmUp(task);
    }

    /**
     * Whether this JVM runs with the launcher's JIT flags, without which the warm-up costs its time
     * and saves none (measured: the same 4-6 tok/s first prompt as without it).
     */
    static boolean jitKeepsWarmUp() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return vm != null
                    && !Boolean.parseBoolean(vm.getVMOption("UseProfiledLoopPredicate").getValue())
                    && Long.parseLong(vm.getVMOption("Tier4BackEdgeThreshold").getValue()) >= MIN_UNREACHABLE_BACKEDGES;
        } catch (RuntimeException | LinkageError e) {
            return false; // another JVM, or no jdk.management module: no warm-up
        }
    }

    /** Waits for the warm-up's calls (C2 may still be compiling what they asked for). */
    void await() {
        if (task == null) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    task.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("kernel warm-up failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
