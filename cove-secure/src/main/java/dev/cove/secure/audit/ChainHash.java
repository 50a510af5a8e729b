package dev.cove.secure.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash chain: h(n) = SHA-256(domain, h(n-1), n, sealed record n). The head hash therefore
 * commits to every record before it, in order, and the checkpoint only needs to authenticate
 * the head to cover the whole log.
 */
final class ChainHash {
    static final int BYTES = 32;
    private static final byte[] DOMAIN = "cove-audit-chain-v1".getBytes(StandardCharsets.US_ASCII);

    private ChainHash() {
    }

    /** The "previous hash" of the first record. */
    static byte[] genesis() {
        return new byte[BYTES];
    }

    static byte[] next(byte[] prevHash, long seq, byte[] sealed) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(DOMAIN);
            md.update(prevHash);
            md.update(ByteBuffer.allocate(8).putLong(seq).array());
            md.update(sealed);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
