package dev.cove.secure.crypt;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM through the JCA, as a Tink {@link Aead}: ciphertext is a random 12-byte nonce, then the
 * GCM output with its 16-byte tag. The provider may be a PKCS#11 token, where the key stays.
 */
final class JceGcmAead implements Aead {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final Provider provider;

    JceGcmAead(SecretKey key, Provider provider) {
        this.key = key;
        this.provider = provider;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        Cipher c = cipher();
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        if (associatedData != null) {
            c.updateAAD(associatedData);
        }
        byte[] ct = c.doFinal(plaintext);
        byte[] out = new byte[NONCE + ct.length];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        System.arraycopy(ct, 0, out, NONCE, ct.length);
        return out;
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        if (ciphertext.length < NONCE + TAG_BITS / 8) {
            throw new GeneralSecurityException("ciphertext too short");
        }
        Cipher c = cipher();
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE));
        if (associatedData != null) {
            c.updateAAD(associatedData);
        }
        return c.doFinal(ciphertext, NONCE, ciphertext.length - NONCE);
    }

    private Cipher cipher() throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance("AES/GCM/NoPadding") : Cipher.getInstance("AES/GCM/NoPadding", provider);
    }
}
