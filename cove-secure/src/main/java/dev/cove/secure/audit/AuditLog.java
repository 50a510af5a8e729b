package dev.cove.secure.audit;

import dev.cove.secure.fs.CrossProcessLock;
import dev.cove.secure.fs.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends encrypted, hash-chained records to an audit directory.
 *
 * <p>Safe for many threads and many processes at once: every append takes a cross-process lock,
 * catches up with whatever other writers appended since (reading only the new bytes), writes
 * one frame, forces it to disk, and rewrites the authenticated checkpoint. The newest segment
 * file is the writer's only source of truth, so nothing is cached that another process could
 * make stale.
 *
 * <p>Damage is never repaired or overwritten: an interrupted append or unreadable bytes at the
 * end of a segment make the writer start a new segment, and a log shorter than its checkpoint
 * makes it continue <em>after</em> the checkpoint, so the gap stays visible to {@code verify}.
 * A checkpoint that fails authentication stops all appends (fail closed): it means tampering or
 * the wrong keystore, and writing on would destroy the evidence.
 */
public final class AuditLog {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    private final AuditLogConfig config;
    private final AuditKeys keys;
    private final RecordCipher cipher;
    private final Path lockFile;
    private final Path checkpointFile;

    // The writer's position. Read and written only while the cross-process lock is held (which
    // also orders it between threads), and re-validated against the files at every append.
    private Path segment;
    private long segmentIndex;
    private long end;
    private long segmentCreatedMillis;
    private long nextSeq;
    private byte[] head = ChainHash.genesis();
    private boolean mustRotate;

    private AuditLog(AuditLogConfig config, AuditKeys keys) {
        this.config = config;
        this.keys = keys;
        this.cipher = new RecordCipher(keys.recordKey());
        this.lockFile = config.directory().resolve(Segments.LOCK_FILE);
        this.checkpointFile = config.directory().resolve(Segments.CHECKPOINT_FILE);
    }

    public static AuditLog open(AuditLogConfig config, AuditKeys keys) {
        try {
            OwnerOnly.directory(config.directory());
        } catch (IOException e) {
            throw new AuditException(config.directory() + ": cannot create the audit directory: " + e.getMessage(), e);
        }
        return new AuditLog(config, keys);
    }

    public Path directory() {
        return config.directory();
    }

    /** Appends one record durably and returns its sequence number. */
    public long append(AuditRecord record) {
        byte[] plaintext = AuditRecordCodec.encode(record);
        try (CrossProcessLock _ = CrossProcessLock.acquire(lockFile)) {
            try {
                return appendLocked(plaintext);
            } catch (IOException | RuntimeException e) {
                segment = null; // re-read everything next time rather than trust a half-updated position
                throw e;
            }
        } catch (IOException e) {
            throw new AuditException(config.directory() + ": cannot append to the audit log: " + e.getMessage(), e);
        }
    }

    private long appendLocked(byte[] plaintext) throws IOException {
        catchUp();
        alignWithCheckpoint();
        long now = config.clock().millis();
        Frame frame = new Frame(nextSeq, head, cipher.seal(nextSeq, head, plaintext));
        byte[] bytes = frame.encode();
        if (needsNewSegment(bytes.length, now)) {
            startSegment(now);
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long pos = end;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
            if (config.fsync()) {
                ch.force(false);
            }
        }
        end += bytes.length;
        head = frame.chainHash();
        long seq = nextSeq++;
        new Checkpoint(nextSeq, head, now).write(checkpointFile, keys.checkpointKey());
        return seq;
    }

    /** Brings the writer's position up to date with the newest segment on disk. */
    private void catchUp() throws IOException {
        List<Path> segments = Segments.list(config.directory());
        if (segments.isEmpty()) {
            segment = null;
            nextSeq = 0;
            head = ChainHash.genesis();
            return;
        }
        Path latest = segments.getLast();
        long size = Files.size(latest);
        if (!latest.equals(segment) || size < end) {
            SegmentHeader header = SegmentHeader.parse(Segments.read(latest, 0, SegmentHeader.BYTES));
            if (header == null) {
                throw new AuditException(latest + ": not an audit segment (its header is damaged); run `cove audit verify`"
                        + " and move the file aside to continue");
            }
            segment = latest;
            segmentIndex = Segments.index(latest);
            end = SegmentHeader.BYTES;
            segmentCreatedMillis = header.createdEpochMillis();
            nextSeq = header.firstSeq();
            head = header.prevHash();
            mustRotate = false;
        }
        if (size > end) {
            ByteBuffer buf = Segments.read(latest, end, size);
            int pos = 0;
            while (pos < buf.limit()) {
                if (!(Frame.parse(buf, pos) instanceof Frame.Parse.Complete(Frame f, int length))) {
                    // A crashed writer or damage: leave the bytes as evidence and write elsewhere.
                    LOG.log(System.Logger.Level.WARNING, "audit segment {0} has {1} unreadable bytes at its end;"
                            + " starting a new segment", latest.getFileName(), buf.limit() - pos);
                    mustRotate = true;
                    break;
                }
                nextSeq = f.seq() + 1;
                head = f.chainHash();
                pos += length;
            }
            end += pos;
        }
    }

    /** Continues after the checkpoint if the files fell behind it, so a cut-off tail stays a visible gap. */
    private void alignWithCheckpoint() throws IOException {
        switch (Checkpoint.read(checkpointFile, keys.checkpointKey())) {
            case Checkpoint.Read.Invalid() -> throw new AuditException(checkpointFile
                    + ": the audit checkpoint fails authentication: it was altered, or this keystore holds other keys."
                    + " Appending is stopped to keep the evidence; run `cove audit verify`");
            case Checkpoint.Read.Missing() -> {
                if (segment != null && nextSeq > 0) {
                    LOG.log(System.Logger.Level.WARNING, "audit checkpoint {0} is missing; writing a new one", checkpointFile);
                }
            }
            case Checkpoint.Read.Valid(Checkpoint cp) -> {
                boolean behind = cp.count() > nextSeq || (cp.count() == nextSeq && !cp.matches(nextSeq, head));
                if (behind) {
                    LOG.log(System.Logger.Level.WARNING, "the audit log ends at record {0} but its checkpoint covers {1}"
                            + " records; continuing after the checkpoint. Run `cove audit verify`", nextSeq, cp.count());
                    nextSeq = cp.count();
                    head = cp.headHash().clone();
                    mustRotate = true;
                }
            }
        }
    }

    private boolean needsNewSegment(int frameBytes, long now) {
        if (segment == null || mustRotate) {
            return true;
        }
        boolean hasRecords = end > SegmentHeader.BYTES;
        return hasRecords && (end + frameBytes > config.maxSegmentBytes()
                || now - segmentCreatedMillis >= config.maxSegmentAge().toMillis());
    }

    private void startSegment(long now) throws IOException {
        long index = segment == null ? nextIndexOnDisk() : segmentIndex + 1;
        Path path = Segments.path(config.directory(), index);
        byte[] header = new SegmentHeader(now, nextSeq, head).encode();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(header);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (config.fsync()) {
                ch.force(true);
            }
        }
        OwnerOnly.restrict(path);
        segment = path;
        segmentIndex = index;
        end = header.length;
        segmentCreatedMillis = now;
        mustRotate = false;
    }

    private long nextIndexOnDisk() throws IOException {
        List<Path> segments = Segments.list(config.directory());
        return segments.isEmpty() ? 0 : Segments.index(segments.getLast()) + 1;
    }
}
