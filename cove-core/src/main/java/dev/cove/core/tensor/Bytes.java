package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian, alignment-free access to GGML block fields, shared by the codecs. */
final class Bytes {

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    /** Unsigned byte. */
    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** Signed byte. */
    static int i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    /** A {@code ggml_half} field as float. */
    static float half(MemorySegment s, long offset) {
        return Float16.toFloat(s.get(SHORT, offset));
    }

    /** A half stored in a block array at {@code at}, as float: GGML's {@code GGML_FP16_TO_FP32(y->d)} after storing. */
    static float half(byte[] block, int at) {
        return Float16.toFloat((short) ((block[at] & 0xFF) | (block[at + 1] << 8)));
    }

    /** Number of blocks in {@code count} elements of {@code type}; rejects partial blocks. */
    static int blocks(GgmlType type, int count) {
        int bs = type.blockSize();
        if (count < 0 || count % bs != 0) {
            throw new IllegalArgumentException(
                    type + " stores elements in blocks of " + bs + ", but " + count + " elements were asked for");
        }
        return count / bs;
    }

    /** Writes a block assembled in a byte array (quantizers build blocks like GGML's structs, then copy). */
    static void put(byte[] block, MemorySegment dst, long offset) {
        MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, offset, block.length);
    }

    /** Stores a half in a block array at {@code at}, little-endian. */
    static void putHalf(byte[] block, int at, float value) {
        short h = Float16.fromFloat(value);
        block[at] = (byte) h;
        block[at + 1] = (byte) (h >> 8);
    }
}
