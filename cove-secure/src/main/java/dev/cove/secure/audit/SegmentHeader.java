package dev.cove.secure.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The start of every segment file: when it was created (for rotation by age) and where the chain
 * stood when it began, so a writer can pick up from the newest segment alone, without reading
 * the ones before it. Not trusted by the verifier, which follows the frames themselves.
 */
record SegmentHeader(long createdEpochMillis, long firstSeq, byte[] prevHash) {
    static final byte[] MAGIC = "COVEAUD1".getBytes(StandardCharsets.US_ASCII);
    static final int BYTES = MAGIC.length + 8 + 8 + ChainHash.BYTES;

    byte[] encode() {
        return ByteBuffer.allocate(BYTES).put(MAGIC).putLong(createdEpochMillis).putLong(firstSeq).put(prevHash).array();
    }

    /** The header at the start of {@code buf}, or null if there is none. */
    static SegmentHeader parse(ByteBuffer buf) {
        if (buf.limit() < BYTES) {
            return null;
        }
        byte[] magic = new byte[MAGIC.length];
        buf.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return null;
        }
        byte[] prev = new byte[ChainHash.BYTES];
        buf.get(MAGIC.length + 16, prev);
        return new SegmentHeader(buf.getLong(MAGIC.length), buf.getLong(MAGIC.length + 8), prev);
    }
}
