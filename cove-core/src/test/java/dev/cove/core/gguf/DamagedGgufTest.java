package dev.cove.core.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and damaged headers: each must be refused with a {@link GgufFormatException} whose
 * message names the problem, before any large allocation (the JVM running the tests would fail
 * with OutOfMemoryError on a multi-gigabyte allocation, so reaching the assertion proves it).
 */
class DamagedGgufTest {
    @TempDir
    Path dir;

    /** Writes a GGUF header by hand so each field can be set to a hostile value. */
    private static final class RawGguf {
        final ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        RawGguf header(int version, long tensors, long kvs) {
            b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(version).putLong(tensors).putLong(kvs);
            return this;
        }

        RawGguf string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            b.putLong(bytes.length).put(bytes);
            return this;
        }

        RawGguf kvString(String key, String value) {
            return string(key).i32(8).string(value);
        }

        RawGguf kvU32(String key, int value) {
            return string(key).i32(4).i32(value);
        }

        RawGguf tensor(String name, long[] shape, int type, long offset) {
            string(name).i32(shape.length);
            for (long d : shape) {
                b.putLong(d);
            }
            return i32(type).i64(offset);
        }

        RawGguf i32(int v) {
            b.putInt(v);
            return this;
        }

        RawGguf i64(long v) {
            b.putLong(v);
            return this;
        }

        RawGguf padAndData(int dataBytes) {
            int aligned = (b.position() + 31) / 32 * 32;
            b.position(aligned + dataBytes);
            return this;
        }

        byte[] bytes() {
            byte[] out = new byte[b.position()];
            b.duplicate().flip().get(out);
            return out;
        }
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "damaged", ".gguf");
        Files.write(p, bytes);
        return p;
    }

    private void assertRejected(byte[] bytes, String messagePart) throws IOException {
        Path p = write(bytes);
        assertThatThrownBy(() -> GgufFile.open(p).close())
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(messagePart);
    }

    private static RawGguf valid() {
        return new RawGguf().header(3, 2, 2)
                .kvString("general.architecture", "llama")
                .kvU32("general.alignment", 32)
                .tensor("a", new long[] {8}, 0, 0)
                .tensor("b", new long[] {32, 2}, 8, 32)
                .padAndData(32 + 68);
    }

    @Test
    void theHandMadeFileIsValid() throws IOException {
        try (GgufFile f = GgufFile.open(write(valid().bytes()))) {
            assertThat(f.tensors()).containsOnlyKeys("a", "b");
            assertThat(f.tensor("b").byteSize()).isEqualTo(68);
        }
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] bytes = valid().bytes();
        bytes[0] = 'X';
        assertRejected(bytes, "not a GGUF file");
    }

    @Test
    void emptyFile() throws IOException {
        assertRejected(new byte[0], "truncated");
    }

    @Test
    void unsupportedVersions() throws IOException {
        assertRejected(new RawGguf().header(1, 0, 0).bytes(), "version 1");
        assertRejected(new RawGguf().header(7, 0, 0).bytes(), "unsupported GGUF version 7");
        assertRejected(new RawGguf().header(Integer.reverseBytes(3), 0, 0).bytes(), "big-endian");
    }

    @Test
    void everyTruncationIsRejectedCleanly() throws IOException {
        byte[] full = valid().bytes();
        for (int length = 0; length < full.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(full, length);
            Path p = write(cut);
            assertThatThrownBy(() -> GgufFile.open(p).close())
                    .as("file cut to %d bytes", length)
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageMatching(".*(truncated|absurd).*");
            Files.delete(p);
        }
    }

    @Test
    void absurdCounts() throws IOException {
        assertRejected(new RawGguf().header(3, Long.MAX_VALUE / 2, 0).bytes(), "absurd tensor count");
        assertRejected(new RawGguf().header(3, 0, -1).bytes(), "absurd metadata key/value count");
        assertRejected(new RawGguf().header(3, 0, 1_000_000_000L).bytes(), "absurd metadata key/value count");
    }

    @Test
    void absurdStringLength() throws IOException {
        RawGguf r = new RawGguf().header(3, 0, 1);
        r.i64(1L << 40); // key length of a terabyte
        r.b.put(new byte[64]);
        assertRejected(r.bytes(), "absurd metadata key length");
    }

    @Test
    void absurdArrayLength() throws IOException {
        RawGguf r = new RawGguf().header(3, 0, 1).string("tokenizer.ggml.tokens").i32(9).i32(8).i64(2_000_000_000L);
        r.b.put(new byte[64]);
        assertRejected(r.bytes(), "absurd array length of metadata key tokenizer.ggml.tokens");
    }

    @Test
    void deeplyNestedArrays() throws IOException {
        RawGguf r = new RawGguf().header(3, 0, 1).string("deep").i32(9);
        for (int i = 0; i < 50; i++) {
            r.i32(9).i64(1);
        }
        r.b.put(new byte[64]);
        assertRejected(r.bytes(), "nests arrays");
    }

    @Test
    void unknownValueType() throws IOException {
        assertRejected(new RawGguf().header(3, 0, 1).string("k").i32(77).i64(0).bytes(), "unknown metadata value type 77");
    }

    @Test
    void offsetPastTheEnd() throws IOException {
        byte[] bytes = new RawGguf().header(3, 1, 0).tensor("w", new long[] {32, 1000}, 8, 0).padAndData(34).bytes();
        assertRejected(bytes, "tensor w ends at byte");
    }

    @Test
    void hugeOffset() throws IOException {
        byte[] bytes = new RawGguf().header(3, 1, 0).tensor("w", new long[] {8}, 0, Long.MAX_VALUE - 31).padAndData(32).bytes();
        assertRejected(bytes, "tensor w");
    }

    @Test
    void unknownTensorType() throws IOException {
        byte[] bytes = new RawGguf().header(3, 1, 0).tensor("w", new long[] {256}, 16, 0).padAndData(1024).bytes();
        assertRejected(bytes, "IQ2_XXS, which Cove does not support");
        byte[] bytes2 = new RawGguf().header(3, 1, 0).tensor("w", new long[] {256}, 999, 0).padAndData(1024).bytes();
        assertRejected(bytes2, "unknown type id 999");
    }

    @Test
    void overlappingTensors() throws IOException {
        byte[] bytes = new RawGguf().header(3, 2, 0)
                .tensor("first", new long[] {16}, 0, 0)
                .tensor("second", new long[] {16}, 0, 32)
                .padAndData(128).bytes();
        assertRejected(bytes, "tensors first and second overlap");
    }

    @Test
    void misalignedOffset() throws IOException {
        byte[] bytes = new RawGguf().header(3, 1, 0).tensor("w", new long[] {8}, 0, 4).padAndData(64).bytes();
        assertRejected(bytes, "not a multiple of the alignment");
    }

    @Test
    void badShapes() throws IOException {
        assertRejected(new RawGguf().header(3, 1, 0).tensor("w", new long[] {0}, 0, 0).padAndData(64).bytes(), "invalid dimension");
        assertRejected(new RawGguf().header(3, 1, 0).tensor("w", new long[] {1L << 40, 1L << 40}, 0, 0).padAndData(64).bytes(), "overflows");
        assertRejected(new RawGguf().header(3, 1, 0).tensor("w", new long[] {1, 1, 1, 1, 1}, 0, 0).padAndData(64).bytes(), "5 dimensions");
        assertRejected(new RawGguf().header(3, 1, 0).tensor("w", new long[] {33}, 8, 0).padAndData(64).bytes(), "block size");
    }

    @Test
    void badAlignment() throws IOException {
        assertRejected(new RawGguf().header(3, 0, 1).kvU32("general.alignment", 3).bytes(), "power of two");
    }

    @Test
    void duplicateKeysAndTensors() throws IOException {
        assertRejected(new RawGguf().header(3, 0, 2).kvU32("x", 1).kvU32("x", 2).bytes(), "duplicate metadata key x");
        assertRejected(new RawGguf().header(3, 2, 0).tensor("w", new long[] {8}, 0, 0)
                .tensor("w", new long[] {8}, 0, 32).padAndData(64).bytes(), "duplicate tensor name w");
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] original = valid().bytes();
        Random random = new Random(42);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] bytes = original.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                bytes[random.nextInt(Math.min(bytes.length, 200))] = (byte) random.nextInt(256);
            }
            Path p = write(bytes);
            try {
                GgufFile.open(p).close();
            } catch (GgufFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            Files.delete(p);
        }
    }
}
