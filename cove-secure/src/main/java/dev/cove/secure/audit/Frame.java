package dev.cove.secure.audit;

import java.nio.ByteBuffer;

/**
 * One record as stored: sequence number, the chain hash of the record before it, and the sealed
 * (encrypted and authenticated) payload.
 *
 * <pre>
 *   magic   u32   'CAR1'
 *   length  u32   bytes that follow (seq + prevHash + sealed)
 *   seq     u64
 *   prev    32 bytes
 *   sealed  nonce(12) || ciphertext || tag(16)
 * </pre>
 *
 * The magic lets a verifier find the next frame after damaged bytes; the length is bounded so
 * a corrupted length can never make a reader allocate much.
 */
record Frame(long seq, byte[] prevHash, byte[] sealed) {
    static final int MAGIC = 0x43415231; // "CAR1"
    static final int PREFIX_BYTES = 8;   // magic + length
    static final int FIXED_BODY_BYTES = 8 + ChainHash.BYTES;
    static final int MAX_BODY_BYTES = 64 * 1024;

    int encodedLength() {
        return PREFIX_BYTES + FIXED_BODY_BYTES + sealed.length;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(encodedLength());
        b.putInt(MAGIC).putInt(FIXED_BODY_BYTES + sealed.length).putLong(seq).put(prevHash).put(sealed);
        return b.array();
    }

    byte[] chainHash() {
        return ChainHash.next(prevHash, seq, sealed);
    }

    /** What is found at a given offset of a segment. */
    sealed interface Parse {
        /** A complete frame. */
        record Complete(Frame frame, int length) implements Parse {
        }

        /** The bytes end before the frame does; {@code seq} is known if the header was there. */
        record Incomplete(Long seq) implements Parse {
        }

        /** No frame starts here: wrong magic or an impossible length. */
        record Garbage() implements Parse {
        }
    }

    static Parse parse(ByteBuffer buf, int pos) {
        int available = buf.limit() - pos;
        if (available < PREFIX_BYTES) {
            if (available >= 4 && buf.getInt(pos) != MAGIC) {
                return new Parse.Garbage();
            }
            return new Parse.Incomplete(null);
        }
        if (buf.getInt(pos) != MAGIC) {
            return new Parse.Garbage();
        }
        int bodyLength = buf.getInt(pos + 4);
        int minBody = FIXED_BODY_BYTES + RecordCipher.NONCE_BYTES + RecordCipher.TAG_BITS / 8;
        if (bodyLength < minBody || bodyLength > MAX_BODY_BYTES) {
            return new Parse.Garbage();
        }
        Long seq = available >= PREFIX_BYTES + 8 ? buf.getLong(pos + PREFIX_BYTES) : null;
        if (available < PREFIX_BYTES + bodyLength) {
            return new Parse.Incomplete(seq);
        }
        byte[] prev = new byte[ChainHash.BYTES];
        buf.get(pos + PREFIX_BYTES + 8, prev);
        byte[] sealed = new byte[bodyLength - FIXED_BODY_BYTES];
        buf.get(pos + PREFIX_BYTES + FIXED_BODY_BYTES, sealed);
        return new Parse.Complete(new Frame(seq, prev, sealed), PREFIX_BYTES + bodyLength);
    }
}
