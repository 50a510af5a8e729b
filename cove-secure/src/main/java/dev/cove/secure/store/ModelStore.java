package dev.cove.secure.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cove.core.gguf.GgufFile;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.crypt.KeyEncryptionKey;
import dev.cove.secure.crypt.ModelCipher;
import dev.cove.secure.fs.AtomicFiles;
import dev.cove.secure.fs.CrossProcessLock;
import dev.cove.secure.fs.OwnerOnly;
import dev.cove.secure.sign.TrustStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The local, content-addressed model store under {@code $COVE_HOME} (default {@code ~/.cove}):
 *
 * <pre>
 * blobs/sha256-HEX        model bytes, named by their SHA-256; never changed once written
 * manifests/NAME.json     one per named model: source, digests, GGUF summary, signatures
 * tmp/                    imports and downloads in progress (partial downloads resume from here)
 * trust/                  trusted public keys
 * keys/                   keystore and signing keys
 * config.properties       store settings (trust.policy)
 * </pre>
 *
 * <p>Safe for several Cove processes at once: blob and manifest changes happen under one
 * cross-process lock, every file appears by atomic rename after it is complete and flushed, so
 * no reader ever sees half a file, and a blob is only deleted when no manifest refers to it.
 * The slow parts (validating, hashing, copying, encrypting) run outside the lock. Directories
 * are restricted to their owner.
 */
public final class ModelStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path home;
    private final Path blobs;
    private final Path manifests;
    private final Path tmp;

    private ModelStore(Path home) {
        this.home = home;
        this.blobs = home.resolve("blobs");
        this.manifests = home.resolve("manifests");
        this.tmp = home.resolve("tmp");
    }

    /** Opens (creating if needed) the store at {@code home}. */
    public static ModelStore open(Path home) {
        ModelStore s = new ModelStore(home.toAbsolutePath().normalize());
        try {
            OwnerOnly.directory(s.home);
            for (Path d : new Path[] {s.blobs, s.manifests, s.tmp}) {
                OwnerOnly.directory(d);
            }
        } catch (IOException e) {
            throw new StoreException(home + ": cannot create the model store: " + e.getMessage(), e);
        }
        return s;
    }

    /** The store named by {@code COVE_HOME}, or {@code ~/.cove}. */
    public static ModelStore openDefault() {
        return open(CoveHome.resolve());
    }

    public Path home() {
        return home;
    }

    /** Where imports and downloads in progress live; on the same file system as the blobs. */
    public Path tmpDir() {
        return tmp;
    }

    public TrustStore trustStore() {
        return new TrustStore(home.resolve("trust"));
    }

    public StoreConfig config() {
        return new StoreConfig(home.resolve("config.properties"));
    }

    /** True when {@code s} is a valid model name: letters, digits, '.', '_' and '-', 1 to 128 long. */
    public static boolean isValidName(String s) {
        return s != null && NAME.matcher(s).matches() && !s.endsWith(".json") && !s.contains("..");
    }

    public static void validateName(String s) {
        if (!isValidName(s)) {
            throw new StoreException("'" + s + "' is not a valid model name: use 1 to 128 letters, digits, '.', '_' or"
                    + " '-', starting with a letter or digit");
        }
    }

    /** All named models, by name. */
    public List<Manifest> list() {
        List<Manifest> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(manifests, "*.json")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!n.startsWith(".")) {
                    readManifest(f).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new StoreException(manifests + ": cannot list models: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Manifest::name));
        return out;
    }

    public Optional<Manifest> find(String name) {
        if (!isValidName(name)) {
            return Optional.empty();
        }
        return readManifest(manifestPath(name));
    }

    public Manifest get(String name) {
        validateName(name);
        return find(name).orElseThrow(() -> new StoreException("no model named '" + name + "' in the store " + home
                + " (see: cove list)"));
    }

    /** The file holding the model's bytes (encrypted when the manifest says so). */
    public Path blobPath(Manifest m) {
        return blobs.resolve("sha256-" + new ModelDigest(m.blob()).sha256Hex());
    }

    /** How an import or pull should store the model. */
    public record ImportOptions(String source, KeyEncryptionKey encryptWith, boolean replace, List<StoredSignature> signatures) {
        public ImportOptions {
            signatures = signatures == null ? List.of() : List.copyOf(signatures);
        }

        public static ImportOptions plain(String source) {
            return new ImportOptions(source, null, false, List.of());
        }
    }

    /**
     * Imports a GGUF file under {@code name}: validates it, hashes and copies (or encrypts) it into
     * the store, then records the manifest. The source file is not changed.
     */
    public Manifest importFile(Path file, String name, ImportOptions options) {
        validateName(name);
        if (!options.replace() && find(name).isPresent()) {
            throw new StoreException("a model named '" + name + "' is already in the store (cove rm " + name
                    + " first, or import under another --name)");
        }
        Path staged = null;
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufSummary summary = GgufSummary.of(gguf);
            long size = gguf.fileSize();
            checkSpace(size);
            staged = Files.createTempFile(tmp, "import-", ".tmp");
            ModelDigest digest;
            ModelDigest blob;
            long blobSize;
            String encryption = null;
            if (options.encryptWith() == null) {
                try (FileChannel out = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                    digest = ModelDigest.of(Sha256.hashAndCopy(gguf.segment(), out));
                    out.force(true);
                }
                blob = digest;
                blobSize = size;
            } else {
                // Encrypted from the very mapping that was validated and is hashed on the way.
                ModelCipher.Result r = ModelCipher.encrypt(gguf.segment(), file.toString(), staged, options.encryptWith());
                digest = r.plaintextDigest();
                blob = r.storedDigest();
                blobSize = r.storedSize();
                encryption = options.encryptWith().reference();
            }
            Manifest m = new Manifest(Manifest.SCHEMA, name, options.source() != null ? options.source()
                    : "file:" + file.toAbsolutePath().normalize(), digest.sha256Hex(), size, blob.sha256Hex(), blobSize,
                    encryption, summary, now(), options.signatures());
            Manifest committed = commit(staged, m, options.replace());
            staged = null;
            return committed;
        } catch (IOException e) {
            throw new StoreException("cannot import " + file + ": " + Sha256.describeWriteFailure(e), e);
        } finally {
            deleteQuietly(staged);
        }
    }

    /**
     * Moves a complete, verified temporary file into the store as {@code m}'s blob (its SHA-256
     * must be {@code m.blob()}) and writes the manifest, both under the store lock. The staged
     * file must be in {@link #tmpDir()}; it is gone afterwards.
     */
    public Manifest commit(Path staged, Manifest m, boolean replace) {
        validateName(m.name());
        try (CrossProcessLock _ = lock()) {
            if (!replace && Files.exists(manifestPath(m.name()))) {
                Files.deleteIfExists(staged);
                throw new StoreException("a model named '" + m.name() + "' is already in the store (cove rm "
                        + m.name() + " first)");
            }
            Path target = blobPath(m);
            Optional<Manifest> previous = find(m.name());
            if (Files.exists(target)) {
                Files.delete(staged); // identical content is already stored
            } else {
                moveAtomically(staged, target);
                OwnerOnly.restrict(target);
            }
            writeManifest(m);
            if (previous.isPresent() && !previous.get().blob().equals(m.blob())) {
                collect(previous.get().blob());
            }
            return m;
        } catch (IOException e) {
            throw new StoreException("cannot store model '" + m.name() + "': " + Sha256.describeWriteFailure(e), e);
        }
    }

    /** The stored file of unencrypted content with this SHA-256, when the store has one. */
    public Optional<Path> plainBlob(ModelDigest digest) {
        Path p = blobs.resolve("sha256-" + digest.sha256Hex());
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        for (Manifest m : list()) {
            if (!m.encrypted() && m.blob().equals(digest.sha256Hex())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Records a manifest whose blob is already in the store (the same content under another
     * name or source). Fails when the blob has gone meanwhile.
     */
    public Manifest commitExisting(Manifest m, boolean replace) {
        validateName(m.name());
        try (CrossProcessLock _ = lock()) {
            if (!replace && Files.exists(manifestPath(m.name()))) {
                throw new StoreException("a model named '" + m.name() + "' is already in the store (cove rm "
                        + m.name() + " first)");
            }
            if (!Files.isRegularFile(blobPath(m))) {
                throw new StoreException("the stored data for '" + m.name() + "' disappeared meanwhile; try again");
            }
            Optional<Manifest> previous = find(m.name());
            writeManifest(m);
            if (previous.isPresent() && !previous.get().blob().equals(m.blob())) {
                collect(previous.get().blob());
            }
            return m;
        } catch (IOException e) {
            throw new StoreException("cannot store model '" + m.name() + "': " + e.getMessage(), e);
        }
    }

    /** Adds a signature to a model's manifest (kept once). */
    public Manifest addSignature(String name, StoredSignature signature) {
        try (CrossProcessLock _ = lock()) {
            Manifest updated = get(name).withSignature(signature);
            writeManifest(updated);
            return updated;
        } catch (IOException e) {
            throw new StoreException("cannot update model '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Removes a named model; its blob goes too unless another name still uses it. */
    public Manifest remove(String name) {
        validateName(name);
        try (CrossProcessLock _ = lock()) {
            Manifest m = get(name);
            Files.delete(manifestPath(name));
            collect(m.blob());
            return m;
        } catch (NoSuchFileException e) {
            throw new StoreException("no model named '" + name + "' in the store (see: cove list)");
        } catch (IOException e) {
            throw new StoreException("cannot remove model '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Deletes a blob no manifest refers to. Called with the lock held. */
    private void collect(String blobHex) throws IOException {
        for (Manifest other : list()) {
            if (other.blob().equals(blobHex)) {
                return;
            }
        }
        Files.deleteIfExists(blobs.resolve("sha256-" + blobHex));
    }

    private void writeManifest(Manifest m) throws IOException {
        Path target = manifestPath(m.name());
        AtomicFiles.write(target, JSON.writeValueAsBytes(m));
        OwnerOnly.restrict(target);
    }

    private Optional<Manifest> readManifest(Path f) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreException(f + ": cannot read manifest: " + e.getMessage(), e);
        }
        try {
            Manifest m = JSON.readValue(bytes, Manifest.class);
            if (m.schema() != Manifest.SCHEMA) {
                throw new StoreException(f + ": manifest schema " + m.schema() + " is not one this Cove reads ("
                        + Manifest.SCHEMA + ")");
            }
            if (m.name() == null || !(m.name() + ".json").equals(f.getFileName().toString()) || m.digest() == null
                    || m.blob() == null) {
                throw new StoreException(f + ": damaged manifest (name or digests missing or wrong)");
            }
            new ModelDigest(m.digest());
            new ModelDigest(m.blob());
            return Optional.of(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // In plain words: the parser's own message names its internals.
            throw new StoreException(f + ": damaged manifest: " + manifestProblem(e), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreException(f + ": damaged manifest: " + e.getMessage(), e);
        }
    }

    private static String manifestProblem(com.fasterxml.jackson.core.JsonProcessingException e) {
        String what = e instanceof com.fasterxml.jackson.core.JsonParseException
                || e instanceof com.fasterxml.jackson.core.io.JsonEOFException
                ? "not valid JSON" : "a field is missing, unknown or of the wrong type";
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? what : what + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private Path manifestPath(String name) {
        return manifests.resolve(name + ".json");
    }

    private CrossProcessLock lock() throws IOException {
        return CrossProcessLock.acquire(home.resolve("store.lock"));
    }

    /** Fails early, with a clear message, when the store's disk cannot take {@code bytes} more. */
    public void checkSpace(long bytes) {
        try {
            long free = Files.getFileStore(tmp).getUsableSpace();
            if (free < bytes + (16L << 20)) {
                throw new StoreException("not enough disk space in " + home + ": " + bytes + " bytes needed, " + free
                        + " free");
            }
        } catch (IOException e) {
            // Unknown free space: the write itself will tell.
        }
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        } catch (FileAlreadyExistsException e) {
            Files.delete(from);
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file in tmp/: harmless if it stays
            }
        }
    }
}
