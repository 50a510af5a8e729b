package dev.cove.secure.crypt;

import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * A key-encryption key on a hardware token (or SoftHSM2) reached through PKCS#11 with the JDK's
 * SunPKCS11 provider. The AES key is generated on the token and used there (AES-GCM runs on the
 * token); Cove never reads its bytes. Only the short model keyset is sent to the token to be
 * wrapped. Whether the token also marks the key non-extractable is left to SunPKCS11's defaults.
 */
public final class Pkcs11Kek implements KeyEncryptionKey {
    public static final String KIND = "pkcs11";
    private static final ConcurrentHashMap<String, Provider> PROVIDERS = new ConcurrentHashMap<>();

    /**
     * Where the token is: the PKCS#11 library, and the slot, by id ({@code slot}) or by position in
     * the list of slots that hold a token ({@code slotListIndex}, used when {@code slot} is null).
     */
    public record Token(Path library, Long slot, int slotListIndex) {
        public Token {
            if (library == null) {
                throw new CryptException("no PKCS#11 library given (set COVE_PKCS11_LIBRARY)");
            }
        }

        String config() {
            String name = "Cove-" + Integer.toHexString((library + "/" + slot + "/" + slotListIndex).hashCode());
            return "--name=" + name + "\nlibrary=" + library.toAbsolutePath() + "\n"
                    + (slot != null ? "slot=" + slot : "slotListIndex=" + slotListIndex) + "\n";
        }
    }

    private final String alias;
    private final Aead aead;

    private Pkcs11Kek(String alias, SecretKey key, Provider provider) {
        this.alias = alias;
        this.aead = new JceGcmAead(key, provider);
    }

    /** The token's AES key under {@code alias}, generated on the token if missing (for encrypting). */
    public static Pkcs11Kek getOrCreate(Token token, char[] pin, String alias) {
        return open(token, pin, alias, true);
    }

    /** The token's AES key under {@code alias}; fails when the token has none (for decrypting). */
    public static Pkcs11Kek existing(Token token, char[] pin, String alias) {
        return open(token, pin, alias, false);
    }

    private static Pkcs11Kek open(Token token, char[] pin, String alias, boolean create) {
        if (!Files.isRegularFile(token.library())) {
            throw new CryptException(token.library() + ": no such PKCS#11 library (for SoftHSM2: apt-get install softhsm2)");
        }
        Provider provider = provider(token);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            try {
                ks.load(null, pin);
            } catch (IOException e) {
                throw new CryptException("PKCS#11 token: login failed (wrong PIN, or no token in that slot): " + rootMessage(e), e);
            }
            Key key = ks.getKey(alias, null);
            if (key == null) {
                if (!create) {
                    throw new CryptException("PKCS#11 token has no key '" + alias
                            + "'; this model was encrypted with a key on another token");
                }
                synchronized (Pkcs11Kek.class) {
                    key = ks.getKey(alias, null);
                    if (key == null) {
                        KeyGenerator gen = KeyGenerator.getInstance("AES", provider);
                        gen.init(256);
                        SecretKey generated = gen.generateKey();
                        // Storing the entry makes it a token object under the alias.
                        ks.setEntry(alias, new KeyStore.SecretKeyEntry(generated), null);
                        key = ks.getKey(alias, null);
                    }
                }
            }
            if (!(key instanceof SecretKey sk) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new CryptException("PKCS#11 key '" + alias + "' is not an AES key");
            }
            return new Pkcs11Kek(alias, sk, provider);
        } catch (GeneralSecurityException e) {
            throw new CryptException("PKCS#11 token: cannot use key '" + alias + "': " + rootMessage(e), e);
        }
    }

    private static Provider provider(Token token) {
        String config = token.config();
        return PROVIDERS.computeIfAbsent(config, c -> {
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                throw new CryptException("this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
            }
            try {
                return base.configure(c);
            } catch (RuntimeException e) {
                throw new CryptException("cannot open PKCS#11 library " + token.library() + ": " + rootMessage(e), e);
            }
        });
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.toString() : r.getMessage();
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
