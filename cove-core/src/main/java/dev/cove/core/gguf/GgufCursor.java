package dev.cove.core.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Sequential, bounds-checked reading of a GGUF header from a mapped file. Every read checks the
 * bytes remain before touching them, so a damaged file fails with a message naming the offset,
 * never with an out-of-bounds error.
 */
final class GgufCursor {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** No metadata string in a real model comes near this; anything longer is hostile. */
    static final long MAX_STRING_BYTES = 64L << 20;

    private final MemorySegment data;
    private final String fileName;
    private long position;

    GgufCursor(MemorySegment data, String fileName) {
        this.data = data;
        this.fileName = fileName;
    }

    long position() {
        return position;
    }

    long remaining() {
        return data.byteSize() - position;
    }

    GgufFormatException error(String what) {
        return new GgufFormatException(fileName + ": " + what);
    }

    private void need(long bytes, String what) {
        if (bytes < 0 || bytes > remaining()) {
            throw error("truncated file: " + what + " at byte " + position + " needs " + bytes
                    + " bytes but only " + remaining() + " remain");
        }
    }

    byte readByte(String what) {
        need(1, what);
        return data.get(ValueLayout.JAVA_BYTE, position++);
    }

    short readShort(String what) {
        need(2, what);
        short v = data.get(SHORT, position);
        position += 2;
        return v;
    }

    int readInt(String what) {
        need(4, what);
        int v = data.get(INT, position);
        position += 4;
        return v;
    }

    long readLong(String what) {
        need(8, what);
        long v = data.get(LONG, position);
        position += 8;
        return v;
    }

    float readFloat(String what) {
        need(4, what);
        float v = data.get(FLOAT, position);
        position += 4;
        return v;
    }

    double readDouble(String what) {
        need(8, what);
        double v = data.get(DOUBLE, position);
        position += 8;
        return v;
    }

    /**
     * Reads a count and checks that {@code count} items of at least {@code minItemBytes} each can
     * fit in the rest of the file, so an absurd count is rejected before anything is allocated.
     */
    long readCount(String what, long minItemBytes) {
        long count = readLong(what);
        if (count < 0 || (count > 0 && count > remaining() / minItemBytes)) {
            throw error("absurd " + what + " " + Long.toUnsignedString(count) + " at byte " + (position - 8)
                    + ": the " + remaining() + " bytes left in the file cannot hold that many");
        }
        return count;
    }

    String readString(String what) {
        long length = readLong(what + " length");
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw error("absurd " + what + " length " + Long.toUnsignedString(length) + " at byte " + (position - 8));
        }
        need(length, what);
        byte[] bytes = data.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
        position += length;
        // Malformed UTF-8 (seen in some real vocabularies) becomes U+FFFD rather than an error.
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
