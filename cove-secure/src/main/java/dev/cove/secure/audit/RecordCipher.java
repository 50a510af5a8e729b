package dev.cove.secure.audit;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for audit records. The sequence number and the previous chain hash are the
 * associated data, so a record cannot be moved to another position or another log without
 * failing authentication. Nonces are 96 random bits: safe for far more records than one key
 * will ever see (the bound is about 2^32 per key).
 */
final class RecordCipher {
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    RecordCipher(SecretKey key) {
        this.key = key;
    }

    /** Returns nonce || ciphertext || tag. */
    byte[] seal(long seq, byte[] prevHash, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(seq, prevHash));
            byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            c.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new AuditException("cannot encrypt audit record: " + e.getMessage(), e);
        }
    }

    /** The plaintext, or null if the sealed bytes, sequence number or previous hash were altered. */
    byte[] open(long seq, byte[] prevHash, byte[] sealed) {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            c.updateAAD(aad(seq, prevHash));
            return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new AuditException("cannot decrypt audit record: " + e.getMessage(), e);
        }
    }

    private static byte[] aad(long seq, byte[] prevHash) {
        return ByteBuffer.allocate(8 + prevHash.length).putLong(seq).put(prevHash).array();
    }
}
