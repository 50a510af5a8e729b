package dev.cove.secure.crypt;

import com.google.crypto.tink.Aead;
import dev.cove.secure.keys.KeyKind;
import dev.cove.secure.keys.Pkcs12KeyStore;
import javax.crypto.SecretKey;

/** A key-encryption key held in a passphrase-protected PKCS#12 keystore. */
public final class Pkcs12Kek implements KeyEncryptionKey {
    public static final String KIND = "pkcs12";

    private final String alias;
    private final Aead aead;

    private Pkcs12Kek(String alias, SecretKey key) {
        this.alias = alias;
        this.aead = new JceGcmAead(key, null);
    }

    /** The key under {@code alias}, generated and saved first if the keystore lacks it (for encrypting). */
    public static Pkcs12Kek getOrCreate(Pkcs12KeyStore store, String alias) {
        return new Pkcs12Kek(alias, store.secretKey(alias, KeyKind.AES_256));
    }

    /** The key under {@code alias}; fails when it is missing (for decrypting: a new key could not help). */
    public static Pkcs12Kek existing(Pkcs12KeyStore store, String alias) {
        SecretKey key = store.findSecretKey(alias).orElseThrow(() -> new CryptException(store.file()
                + ": has no key '" + alias + "'; this model was encrypted with a key from another keystore"));
        return new Pkcs12Kek(alias, key);
    }

    @Override
    public String reference() {
        return KIND + ":" + alias;
    }

    @Override
    public Aead aead() {
        return aead;
    }
}
