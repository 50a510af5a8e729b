package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class FreshMemoryTest {

    @Test
    void theTestsRunWithTheKernelMappingOnLinux() {
        // The build passes --enable-native-access, as the launcher does: the mapped path is the
        // one the other tests exercise through every repacked matrix.
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"));
        assertThat(FreshMemory.mapsFromKernel()).isTrue();
    }

    @Test
    void largeBlocksAreZeroedAlignedAndWritableToTheLastByte() {
        long bytes = (3L << 20) + 12_345;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = FreshMemory.allocate(bytes, arena);
            assertThat(m.byteSize()).isEqualTo(bytes);
            assertThat(m.address() % 64).isZero();
            for (long o = 0; o < bytes; o += 4093) {
                assertThat(m.get(ValueLayout.JAVA_BYTE, o)).isZero();
            }
            assertThat(m.get(ValueLayout.JAVA_BYTE, bytes - 1)).isZero();
            m.set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
            m.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 9);
            assertThat(m.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
            assertThat(m.get(ValueLayout.JAVA_BYTE, bytes - 1)).isEqualTo((byte) 9);
        }
    }

    @Test
    void closingTheArenaUnmapsTheBlock() throws IOException {
        assumeTrue(FreshMemory.mapsFromKernel());
        long address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = FreshMemory.allocate(64L << 20, arena);
            m.set(ValueLayout.JAVA_LONG, 0, 1);
            address = m.address();
            assertThat(mapped(address)).isTrue();
        }
        assertThat(mapped(address)).isFalse();
    }

    /** Whether a line of /proc/self/maps covers {@code address}. */
    private static boolean mapped(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            long from = Long.parseUnsignedLong(range[0], 16);
            long to = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(address, from) >= 0 && Long.compareUnsigned(address, to) < 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void smallBlocksComeFromTheArena() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = FreshMemory.allocate(100, arena);
            assertThat(m.byteSize()).isEqualTo(100);
            assertThat(m.address() % 64).isZero();
            assertThat(m.get(ValueLayout.JAVA_BYTE, 99)).isZero();
        }
    }
}
