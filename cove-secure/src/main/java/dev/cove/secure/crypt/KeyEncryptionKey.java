package dev.cove.secure.crypt;

import com.google.crypto.tink.Aead;

/**
 * The long-lived key that wraps each model's own data key. It never encrypts model bytes itself,
 * so it can live where keys are slow but safe: a passphrase-protected PKCS#12 file or a
 * hardware token reached through PKCS#11, where it never leaves the token.
 */
public interface KeyEncryptionKey {
    /**
     * How an encrypted file names this key, e.g. {@code pkcs12:cove-model-kek}: the kind of key
     * store and the alias inside it. Where the store is and how it is unlocked come from settings
     * at load time, never from the file.
     */
    String reference();

    /** AES-256-GCM with this key, as a Tink {@link Aead}. */
    Aead aead();
}
