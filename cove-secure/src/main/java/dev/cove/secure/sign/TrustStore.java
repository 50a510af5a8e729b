package dev.cove.secure.sign;

import dev.cove.secure.fs.AtomicFiles;
import dev.cove.secure.fs.CrossProcessLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The public keys whose signatures this machine trusts: one PEM file per key, named by key id,
 * in a directory (by default {@code $COVE_HOME/trust}). Each file is a plain
 * {@code PUBLIC KEY} PEM that {@code openssl} reads as is, preceded by comment lines holding the
 * name and the time it was added. Adding and removing hold a lock and replace files atomically,
 * so two processes never see a half-written key.
 */
public final class TrustStore {
    private final Path dir;

    public TrustStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path directory() {
        return dir;
    }

    /** Adds (or renames) a key. Returns what is now stored. */
    public TrustedKey add(PublicKey key, String name) {
        KeyAlgorithm.of(key); // rejects unsupported key types
        KeyId id = KeyId.of(key);
        String n = name == null || name.isBlank() ? id.hex() : name.strip();
        CoveSignature.checkSigner(n);
        if (n.matches("[0-9a-f]{16}") && !n.equals(id.hex())) {
            throw new SignException("a key name must not look like a key id");
        }
        try (CrossProcessLock _ = lock()) {
            for (TrustedKey other : list()) {
                if (other.name().equals(n) && !other.id().equals(id)) {
                    throw new SignException("the trust store already has a key named '" + n + "' (" + other.id() + ")");
                }
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String text = "# Cove trusted key\n# name: " + n + "\n# added: " + now + "\n" + PemKeys.toPem(key);
            AtomicFiles.write(file(id), text.getBytes(StandardCharsets.UTF_8));
            return new TrustedKey(id, n, key, now);
        } catch (IOException e) {
            throw new SignException(dir + ": cannot write to the trust store: " + e.getMessage(), e);
        }
    }

    /** All trusted keys, by name. Unreadable files are reported, never silently skipped. */
    public List<TrustedKey> list() {
        List<TrustedKey> keys = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return keys;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pem")) {
            for (Path f : files) {
                keys.add(read(f));
            }
        } catch (IOException e) {
            throw new SignException(dir + ": cannot read the trust store: " + e.getMessage(), e);
        }
        keys.sort(Comparator.comparing(TrustedKey::name));
        return keys;
    }

    public Optional<TrustedKey> find(KeyId id) {
        Path f = file(id);
        return Files.exists(f) ? Optional.of(read(f)) : Optional.empty();
    }

    /** Removes the key with this id or name; fails when there is none, or the name is ambiguous. */
    public TrustedKey remove(String idOrName) {
        try (CrossProcessLock _ = lock()) {
            List<TrustedKey> matches = new ArrayList<>();
            for (TrustedKey k : list()) {
                if (k.id().hex().equals(idOrName) || k.name().equals(idOrName) || k.fingerprint().equals(idOrName)) {
                    matches.add(k);
                }
            }
            if (matches.isEmpty()) {
                throw new SignException("no trusted key with id or name '" + idOrName + "' (see: cove trust list)");
            }
            if (matches.size() > 1) {
                throw new SignException("'" + idOrName + "' names " + matches.size() + " keys; remove by key id");
            }
            Files.delete(file(matches.get(0).id()));
            return matches.get(0);
        } catch (IOException e) {
            throw new SignException(dir + ": cannot change the trust store: " + e.getMessage(), e);
        }
    }

    private TrustedKey read(Path f) {
        try {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            String name = null;
            Instant added = Instant.EPOCH;
            for (String line : text.split("\n")) {
                if (line.startsWith("# name: ")) {
                    name = line.substring(8).strip();
                } else if (line.startsWith("# added: ")) {
                    added = Instant.parse(line.substring(9).strip());
                }
            }
            PemKeys.Pem pem = PemKeys.parsePem(f.toString(), text);
            if (!pem.label().equals("PUBLIC KEY")) {
                throw new SignException(f + ": a trusted key file must hold a PUBLIC KEY");
            }
            PublicKey key = PemKeys.publicFromSpki(pem.der());
            KeyId id = KeyId.of(key);
            if (!f.getFileName().toString().equals(id.hex() + ".pem")) {
                throw new SignException(f + ": file name does not match the key it holds (key id " + id + ")");
            }
            return new TrustedKey(id, name == null ? id.hex() : name, key, added);
        } catch (IOException | DateTimeParseException | GeneralSecurityException | IllegalArgumentException e) {
            throw new SignException(f + ": damaged trusted key file: " + e.getMessage(), e);
        }
    }

    private Path file(KeyId id) {
        return dir.resolve(id.hex() + ".pem");
    }

    private CrossProcessLock lock() throws IOException {
        Files.createDirectories(dir);
        return CrossProcessLock.acquire(dir.resolve(".lock"));
    }
}
