package dev.cove.secure.pull;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufFormatException;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.crypt.KeyEncryptionKey;
import dev.cove.secure.crypt.ModelCipher;
import dev.cove.secure.store.GgufSummary;
import dev.cove.secure.store.Manifest;
import dev.cove.secure.store.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code cove pull}: asks the hub for a file's SHA-256, downloads it (resuming a partial download
 * of the same content), verifies the digest and that it is a valid GGUF, and only then moves it
 * into the store, encrypted if asked. Nothing enters the store before all of that holds.
 */
public final class Puller {
    private final ModelStore store;
    private final HubClient hub;

    public Puller(ModelStore store, HubClient hub) {
        this.store = store;
        this.hub = hub;
    }

    /**
     * @param spec {@code hf://ORG/REPO/FILE[@REV]} or an alias
     * @param name the store name, or null for the alias or the file name
     * @param encryptWith the key to encrypt the model at rest with, or null
     * @param pinnedSha256 a digest the user expects, or null to rely on the hub's
     * @param replace whether an existing model of that name may be replaced
     */
    public record Request(String spec, String name, KeyEncryptionKey encryptWith, String pinnedSha256, boolean replace) {
    }

    /** The stored model, and whether anything was downloaded. */
    public record Outcome(Manifest manifest, boolean downloaded, boolean alreadyPresent) {
    }

    public Outcome pull(Request req, ProgressListener progress, AtomicBoolean cancel) {
        HubRef ref = HubRef.parse(req.spec());
        String alias = HubRef.aliasName(req.spec());
        String name = req.name() != null ? req.name() : alias != null ? alias : ref.defaultName();
        ModelStore.validateName(name);
        String source = ref.toString();
        Optional<Manifest> existing = store.find(name);
        if (existing.isPresent() && !req.replace()) {
            if (existing.get().source().startsWith(source) && (req.encryptWith() == null) == !existing.get().encrypted()) {
                return new Outcome(existing.get(), false, true);
            }
            throw new PullException("a model named '" + name + "' is already in the store (from " + existing.get().source()
                    + "); choose another --name, or remove it first");
        }
        HubClient.FileInfo info = hub.describe(ref);
        ModelDigest expected = expectedDigest(ref, info, req.pinnedSha256());
        String fullSource = source + (info.commit() != null ? " (commit " + info.commit() + ")" : "");

        if (req.encryptWith() == null) {
            Optional<Path> have = store.plainBlob(expected);
            if (have.isPresent()) {
                GgufSummary summary = summarize(have.get());
                Manifest m = new Manifest(Manifest.SCHEMA, name, fullSource, expected.sha256Hex(), sizeOf(have.get()),
                        expected.sha256Hex(), sizeOf(have.get()), null, summary, now(), List.of());
                return new Outcome(store.commitExisting(m, req.replace()), false, false);
            }
        }
        if (info.size() > 0) {
            store.checkSpace(req.encryptWith() == null ? info.size() : 2 * info.size());
        }
        Path partial = store.tmpDir().resolve(expected.sha256Hex() + ".partial");
        hub.download(info, expected, partial, progress, cancel);

        GgufSummary summary;
        long size;
        Path staged = null;
        try (GgufFile gguf = openDownloaded(ref, partial)) {
            summary = GgufSummary.of(gguf);
            size = gguf.fileSize();
            if (req.encryptWith() != null) {
                staged = Files.createTempFile(store.tmpDir(), "pull-", ".tmp");
                ModelCipher.Result r = ModelCipher.encrypt(gguf.segment(), ref.file(), staged, req.encryptWith());
                if (!r.plaintextDigest().equals(expected)) {
                    throw new PullException(ref + ": the downloaded file changed on disk before it was encrypted; try again");
                }
                Manifest m = new Manifest(Manifest.SCHEMA, name, fullSource, expected.sha256Hex(), size,
                        r.storedDigest().sha256Hex(), r.storedSize(), req.encryptWith().reference(), summary, now(), List.of());
                Manifest committed = store.commit(staged, m, req.replace());
                staged = null;
                deleteQuietly(partial);
                return new Outcome(committed, true, false);
            }
        } catch (IOException e) {
            throw new PullException("cannot store " + ref + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staged);
        }
        Manifest m = new Manifest(Manifest.SCHEMA, name, fullSource, expected.sha256Hex(), size, expected.sha256Hex(), size,
                null, summary, now(), List.of());
        return new Outcome(store.commit(partial, m, req.replace()), true, false);
    }

    private static ModelDigest expectedDigest(HubRef ref, HubClient.FileInfo info, String pinned) {
        ModelDigest announced = info.sha256() != null ? new ModelDigest(info.sha256()) : null;
        ModelDigest pin = null;
        if (pinned != null) {
            try {
                pin = ModelDigest.parse(pinned);
            } catch (IllegalArgumentException e) {
                throw new PullException("--sha256 must be 64 hex digits");
            }
        }
        if (announced != null && pin != null && !announced.equals(pin)) {
            throw new PullException(ref + ": the hub announces SHA-256 " + announced.sha256Hex() + " but --sha256 expects "
                    + pin.sha256Hex() + "; the file on the hub is not the one you pinned");
        }
        if (announced == null && pin == null) {
            throw new PullException(ref + ": the hub announces no SHA-256 for this file, so the download could not be"
                    + " verified; pass the expected digest with --sha256 HEX");
        }
        return announced != null ? announced : pin;
    }

    private static GgufFile openDownloaded(HubRef ref, Path partial) {
        try {
            return GgufFile.open(partial);
        } catch (GgufFormatException e) {
            deleteQuietly(partial);
            throw new PullException(ref + ": the downloaded file is not a valid GGUF model (" + e.getMessage()
                    + "); nothing was stored", e);
        }
    }

    private static GgufSummary summarize(Path blob) {
        try (GgufFile f = GgufFile.open(blob)) {
            return GgufSummary.of(f);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new PullException(p + ": cannot read: " + e.getMessage(), e);
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
                // in tmp/: harmless
            }
        }
    }
}
