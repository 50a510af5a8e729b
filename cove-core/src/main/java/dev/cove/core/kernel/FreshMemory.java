package dev.cove.core.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Large zeroed memory that is not touched when it is allocated: on Linux, an anonymous private
 * mapping straight from the kernel (whose pages are zero by definition), advised to use huge
 * pages; elsewhere {@link Arena#allocate}.
 *
 * <p>Why: {@code Arena.allocate} writes zeros over the whole block on the calling thread. For a
 * 7B model's repacked weights (3.6 GB) that one thread is the first to touch every page, and on
 * virtual machines that have handed freed memory back to the host each first touch is a slow
 * fault: 3.6 GB took 9.3 s zeroed on one thread, against 4.5 s touched by two threads (AMD EPYC
 * VM, 2 vCPUs). Left untouched here, the pages are faulted in by the packing itself, which runs on
 * every worker thread and writes each byte once instead of twice.
 *
 * <p>The mapping is made through {@link Linker}, a restricted method: it is used only where this
 * module has native access ({@code --enable-native-access}, as the {@code cove} launcher passes),
 * so that an application embedding Cove without that flag sees no JVM warning, only the slower
 * path.
 */
final class FreshMemory {

    // Linux's values on x86-64 and aarch64 alike (asm-generic/mman-common.h).
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final long MAP_FAILED = -1L;

    /** Below this, the arena's allocator is as fast and wastes no page rounding. */
    private static final long MIN_MAPPED_BYTES = 1L << 20;

    private static final Native NATIVE = Native.load();

    private FreshMemory() {
    }

    /** Zeroed, 64-byte-aligned memory of {@code bytes}, freed with {@code arena}. */
    static MemorySegment allocate(long bytes, Arena arena) {
        if (NATIVE != null && bytes >= MIN_MAPPED_BYTES) {
            MemorySegment mapped = NATIVE.map(bytes, arena);
            if (mapped != null) {
                return mapped;
            }
        }
        return arena.allocate(bytes, 64);
    }

    /** Whether allocations take the untouched mapping (for tests). */
    static boolean mapsFromKernel() {
        return NATIVE != null;
    }

    /** The libc calls, or null where they are unavailable or not allowed. */
    private record Native(MethodHandle mmap, MethodHandle munmap, MethodHandle madvise) {

        static Native load() {
            boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
            if (!linux || !FreshMemory.class.getModule().isNativeAccessEnabled()) {
                return null;
            }
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                ValueLayout size = ValueLayout.JAVA_LONG;
                MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, size));
                MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size));
                MethodHandle madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT));
                return new Native(mmap, munmap, madvise);
            } catch (RuntimeException | LinkageError e) {
                return null; // an unusual libc: the arena's allocator still works
            }
        }

        /** A fresh anonymous mapping unmapped when {@code arena} closes, or null if the kernel refused. */
        MemorySegment map(long bytes, Arena arena) {
            try {
                MemorySegment address = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, bytes, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (address.address() == MAP_FAILED) {
                    return null;
                }
                // Advice only: where huge pages are off the mapping works the same with 4 KiB pages.
                int ignored = (int) madvise.invokeExact(address, bytes, MADV_HUGEPAGE);
                return address.reinterpret(bytes, arena, segment -> unmap(segment.address(), bytes));
            } catch (Throwable e) {
                throw new IllegalStateException("mmap failed", e);
            }
        }

        private void unmap(long address, long bytes) {
            try {
                int ignored = (int) munmap.invokeExact(MemorySegment.ofAddress(address), bytes);
            } catch (Throwable e) {
                throw new IllegalStateException("munmap failed", e);
            }
        }
    }
}
