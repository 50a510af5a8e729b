package dev.cove.secure.audit;

import dev.cove.secure.fs.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The authenticated head of the log: how many records there are and the chain hash of the last.
 * Records alone cannot reveal that the newest ones were cut off; the checkpoint can, because it
 * is rewritten (atomically, HMAC-SHA256 under its own key) after every append.
 *
 * <p>What it cannot do on its own: if someone with write access replaces it with an older
 * genuine checkpoint and cuts the log back to match, nothing local can tell. {@link #headHex()}
 * exists so an operator can copy the head elsewhere (a ticket, a SIEM) and compare later.
 */
record Checkpoint(long count, byte[] headHash, long writtenEpochMillis) {
    private static final byte[] MAGIC = "COVECKP1".getBytes(StandardCharsets.US_ASCII);
    private static final int BODY_BYTES = MAGIC.length + 8 + ChainHash.BYTES + 8;
    private static final int MAC_BYTES = 32;

    String headHex() {
        return HexFormat.of().formatHex(headHash);
    }

    boolean matches(long count, byte[] headHash) {
        return this.count == count && MessageDigest.isEqual(this.headHash, headHash);
    }

    void write(Path file, SecretKey key) throws IOException {
        byte[] body = ByteBuffer.allocate(BODY_BYTES)
                .put(MAGIC).putLong(count).put(headHash).putLong(writtenEpochMillis).array();
        byte[] out = Arrays.copyOf(body, BODY_BYTES + MAC_BYTES);
        System.arraycopy(mac(key, body), 0, out, BODY_BYTES, MAC_BYTES);
        AtomicFiles.write(file, out);
    }

    /** The outcome of reading the checkpoint file. */
    sealed interface Read {
        record Valid(Checkpoint checkpoint) implements Read {
        }

        record Missing() implements Read {
        }

        /** Present but malformed or failing authentication (edited, or written with another key). */
        record Invalid() implements Read {
        }
    }

    static Read read(Path file, SecretKey key) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Read.Missing();
        }
        if (bytes.length != BODY_BYTES + MAC_BYTES
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return new Read.Invalid();
        }
        byte[] body = Arrays.copyOf(bytes, BODY_BYTES);
        byte[] tag = Arrays.copyOfRange(bytes, BODY_BYTES, bytes.length);
        if (!MessageDigest.isEqual(tag, mac(key, body))) {
            return new Read.Invalid();
        }
        ByteBuffer b = ByteBuffer.wrap(body, MAGIC.length, BODY_BYTES - MAGIC.length);
        long count = b.getLong();
        byte[] head = new byte[ChainHash.BYTES];
        b.get(head);
        return new Read.Valid(new Checkpoint(count, head, b.getLong()));
    }

    private static byte[] mac(SecretKey key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new AuditException("cannot authenticate the audit checkpoint: " + e.getMessage(), e);
        }
    }
}
