package dev.cove.secure.audit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Decrypts and hands out records, oldest first. Records that fail authentication are skipped
 * and counted, never shown: {@code verify} is the tool that explains them.
 */
public final class AuditReader {
    private final AuditKeys keys;

    public AuditReader(AuditKeys keys) {
        this.keys = keys;
    }

    /** What a read saw. */
    public record Summary(long shown, long skippedUnauthentic) {
    }

    /** Passes every authentic record with {@code time >= since} (all records if since is null) to {@code sink}. */
    public Summary read(Path directory, Instant since, Consumer<AuditEntry> sink) {
        LogSnapshot snapshot = LogSnapshot.take(directory, keys.checkpointKey());
        RecordCipher cipher = new RecordCipher(keys.recordKey());
        long[] shown = {0};
        long[] skipped = {0};
        FrameWalker.walk(snapshot, item -> {
            if (item instanceof FrameWalker.Item.Found(Path seg, long offset, Frame f)) {
                byte[] plaintext = cipher.open(f.seq(), f.prevHash(), f.sealed());
                if (plaintext == null) {
                    skipped[0]++;
                    return;
                }
                AuditRecord record = AuditRecordCodec.decode(plaintext);
                if (since == null || !record.time().isBefore(since)) {
                    shown[0]++;
                    sink.accept(new AuditEntry(f.seq(), record));
                }
            }
        });
        return new Summary(shown[0], skipped[0]);
    }
}
