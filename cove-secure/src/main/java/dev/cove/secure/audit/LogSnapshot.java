package dev.cove.secure.audit;

import dev.cove.secure.fs.CrossProcessLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;

/**
 * A consistent view of the log for reading: the checkpoint and each segment's length, taken
 * together under the writers' lock. Reading then happens without the lock, up to those lengths,
 * so writers are held up only for a moment and a half-written frame is never mistaken for damage.
 */
record LogSnapshot(Checkpoint.Read checkpoint, List<Extent> segments) {
    record Extent(Path file, long length) {
    }

    static LogSnapshot take(Path dir, SecretKey checkpointKey) {
        if (!Files.isDirectory(dir)) {
            throw new AuditException(dir + ": no audit log here (the directory does not exist)");
        }
        try (CrossProcessLock _ = CrossProcessLock.acquire(dir.resolve(Segments.LOCK_FILE))) {
            Checkpoint.Read cp = Checkpoint.read(dir.resolve(Segments.CHECKPOINT_FILE), checkpointKey);
            List<Extent> extents = new ArrayList<>();
            for (Path p : Segments.list(dir)) {
                extents.add(new Extent(p, Files.size(p)));
            }
            return new LogSnapshot(cp, List.copyOf(extents));
        } catch (IOException e) {
            throw new AuditException(dir + ": cannot read the audit log: " + e.getMessage(), e);
        }
    }
}
