package dev.cove.secure.keys;

import dev.cove.secure.fs.AtomicFiles;
import dev.cove.secure.fs.CrossProcessLock;
import dev.cove.secure.fs.OwnerOnly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Secret keys in a password-protected PKCS#12 file: the one place the audit log (and, later,
 * model encryption) gets its keys from.
 *
 * <p>{@link #secretKey} creates a missing key on first use. Creation happens under a
 * cross-process lock with the file re-read inside it, because two processes that both found the
 * key missing and each generated one would leave half the audit log encrypted under a key that
 * no longer exists. The file is replaced atomically, so a crash never leaves a half-written
 * keystore. Thread-safe.
 */
public final class Pkcs12KeyStore {
    private static final String TYPE = "PKCS12";

    private final Path file;
    private final char[] password;

    private Pkcs12KeyStore(Path file, char[] password) {
        this.file = file.toAbsolutePath().normalize();
        this.password = password.clone();
    }

    /**
     * A keystore at {@code file}, which need not exist yet. Fails at once on a wrong password or
     * a file that is not a PKCS#12 keystore, so the mistake surfaces before any work is done.
     */
    public static Pkcs12KeyStore open(Path file, char[] password) {
        Pkcs12KeyStore ks = new Pkcs12KeyStore(file, password);
        if (Files.exists(ks.file)) {
            ks.load();
        }
        return ks;
    }

    public Path file() {
        return file;
    }

    /** The key under {@code alias}, created (and saved) if the keystore does not have it yet. */
    public SecretKey secretKey(String alias, KeyKind kind) {
        Optional<SecretKey> existing = findSecretKey(alias);
        if (existing.isPresent()) {
            return checkKind(alias, kind, existing.get());
        }
        try {
            Files.createDirectories(file.getParent());
            try (CrossProcessLock _ = CrossProcessLock.acquire(lockFile())) {
                KeyStore ks = Files.exists(file) ? load() : empty();
                SecretKey key = read(ks, alias);
                if (key == null) {
                    key = generate(kind);
                    ks.setEntry(alias, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(password));
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ks.store(out, password);
                    AtomicFiles.write(file, out.toByteArray());
                    OwnerOnly.restrict(file);
                }
                return checkKind(alias, kind, key);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new KeystoreException(file + ": cannot create key '" + alias + "': " + e.getMessage(), e);
        }
    }

    /** The key under {@code alias}, if there is one; never creates anything. */
    public Optional<SecretKey> findSecretKey(String alias) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(load(), alias));
    }

    private SecretKey read(KeyStore ks, String alias) {
        try {
            if (!ks.containsAlias(alias)) {
                return null;
            }
            if (!ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                throw new KeystoreException(file + ": entry '" + alias + "' is not a secret key");
            }
            return (SecretKey) ks.getKey(alias, password);
        } catch (UnrecoverableKeyException e) {
            throw new KeystoreException(file + ": cannot read key '" + alias + "': wrong password", e);
        } catch (GeneralSecurityException e) {
            throw new KeystoreException(file + ": cannot read key '" + alias + "': " + e.getMessage(), e);
        }
    }

    private KeyStore load() {
        try {
            // Read the bytes first so a concurrent atomic replace can never be seen half-way.
            byte[] bytes = Files.readAllBytes(file);
            KeyStore ks = KeyStore.getInstance(TYPE);
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                ks.load(in, password);
            }
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new KeystoreException(file + ": wrong keystore password", e);
            }
            throw new KeystoreException(file + ": not a readable PKCS#12 keystore (wrong password or damaged file): "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new KeystoreException(file + ": cannot load keystore: " + e.getMessage(), e);
        }
    }

    private static KeyStore empty() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(TYPE);
        ks.load(null, null);
        return ks;
    }

    private static SecretKey generate(KeyKind kind) throws GeneralSecurityException {
        KeyGenerator gen = KeyGenerator.getInstance(kind.algorithm());
        gen.init(kind.bits());
        return gen.generateKey();
    }

    private SecretKey checkKind(String alias, KeyKind kind, SecretKey key) {
        byte[] encoded = key.getEncoded();
        int bits = encoded == null ? -1 : encoded.length * 8;
        Arrays.fill(encoded == null ? new byte[0] : encoded, (byte) 0);
        boolean algorithmMatches = key.getAlgorithm().equalsIgnoreCase(kind.algorithm())
                // PKCS#12 may hand an HMAC key back under its OID-derived name.
                || (kind == KeyKind.HMAC_SHA256 && key.getAlgorithm().toUpperCase(java.util.Locale.ROOT).contains("HMAC"));
        if (!algorithmMatches || bits != kind.bits()) {
            throw new KeystoreException(file + ": key '" + alias + "' is " + key.getAlgorithm() + "/" + bits
                    + " bits, expected " + kind.algorithm() + "/" + kind.bits() + " bits");
        }
        return key;
    }

    private Path lockFile() {
        return file.resolveSibling(file.getFileName() + ".lock");
    }
}
