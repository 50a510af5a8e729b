package dev.cove.secure.audit;

import static dev.cove.secure.audit.AuditFixtures.config;
import static dev.cove.secure.audit.AuditFixtures.frames;
import static dev.cove.secure.audit.AuditFixtures.onlySegment;
import static dev.cove.secure.audit.AuditFixtures.record;
import static dev.cove.secure.audit.AuditFixtures.rewrite;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `verify` names each kind of tampering, and the exact record it touched. */
class AuditTamperTest {
    @TempDir
    Path dir;
    private AuditKeys keys;
    private Path segment;

    @BeforeEach
    void writeTenRecords() throws Exception {
        keys = AuditFixtures.randomKeys();
        AuditLog log = AuditLog.open(config(dir), keys);
        for (int i = 0; i < 10; i++) {
            log.append(record("writer", i));
        }
        segment = onlySegment(dir);
    }

    private VerificationReport verify() {
        return new AuditVerifier(keys).verify(dir);
    }

    private List<String> descriptions() {
        return verify().findings().stream().map(Finding::describe).toList();
    }

    @Test
    void intactLogHasNoFindings() {
        VerificationReport r = verify();
        assertThat(r.findings()).isEmpty();
        assertThat(r.intact()).isTrue();
        assertThat(r.records()).isEqualTo(10);
        assertThat(r.checkpointHead()).hasSize(64);
    }

    @Test
    void editedRecordIsNamed() throws Exception {
        byte[] bytes = Files.readAllBytes(segment);
        AuditFixtures.FrameAt third = frames(segment).get(3);
        bytes[(int) third.offset() + third.length() - 20] ^= 0x01; // one bit of record 3's ciphertext
        Files.write(segment, bytes);
        assertThat(verify().findings()).containsExactly(new Finding.RecordEdited(3, segment, third.offset()));
        assertThat(descriptions().getFirst()).startsWith("record 3 was edited");
    }

    @Test
    void editedSequenceNumberIsAnEditNotAGap() throws Exception {
        byte[] bytes = Files.readAllBytes(segment);
        AuditFixtures.FrameAt f = frames(segment).get(5);
        bytes[(int) f.offset() + 8 + 7] = 42; // claims to be record 42
        Files.write(segment, bytes);
        assertThat(verify().findings()).containsExactly(new Finding.RecordEdited(5, segment, f.offset()));
    }

    @Test
    void removedRecordIsNamed() throws Exception {
        rewrite(segment, 0, 1, 2, 3, 4, 6, 7, 8, 9);
        assertThat(verify().findings()).containsExactly(new Finding.RecordsRemoved(5, 5));
        assertThat(descriptions()).containsExactly("record 5 was removed");
    }

    @Test
    void removedRunAndFirstRecordAreNamed() throws Exception {
        rewrite(segment, 1, 2, 6, 7, 8, 9);
        assertThat(descriptions()).containsExactly("record 0 was removed", "records 3 to 5 were removed");
    }

    @Test
    void reorderedRecordsAreNamed() throws Exception {
        rewrite(segment, 0, 1, 3, 2, 4, 5, 6, 7, 8, 9);
        VerificationReport r = verify();
        assertThat(r.findings()).singleElement().isInstanceOf(Finding.RecordMoved.class);
        Finding.RecordMoved moved = (Finding.RecordMoved) r.findings().getFirst();
        assertThat(List.of(moved.seq())).containsAnyOf(2L, 3L);
        assertThat(moved.describe()).startsWith("records were reordered: record");
    }

    @Test
    void recordMovedFarIsTheOneNamed() throws Exception {
        rewrite(segment, 0, 7, 1, 2, 3, 4, 5, 6, 8, 9);
        assertThat(verify().findings()).containsExactly(new Finding.RecordMoved(7, 0L, 1L));
        assertThat(descriptions()).containsExactly("records were reordered: record 7 appears between record 0 and record 1");
    }

    @Test
    void duplicatedRecordIsNamed() throws Exception {
        rewrite(segment, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 4);
        assertThat(verify().findings()).singleElement().isInstanceOf(Finding.RecordDuplicated.class)
                .extracting(f -> ((Finding.RecordDuplicated) f).seq()).isEqualTo(4L);
    }

    @Test
    void cutOffTailIsDetectedThroughTheCheckpoint() throws Exception {
        rewrite(segment, 0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(verify().findings()).containsExactly(new Finding.TailCutOff(7, 10));
        assertThat(descriptions()).containsExactly(
                "the log was cut off after record 7: the signed checkpoint covers 10 records, so records 8 to 9 are missing");
    }

    @Test
    void cutInTheMiddleOfTheLastRecordIsTampering() throws Exception {
        AuditFixtures.FrameAt last = frames(segment).getLast();
        byte[] bytes = Files.readAllBytes(segment);
        Files.write(segment, Arrays.copyOf(bytes, (int) last.offset() + 20));
        VerificationReport r = verify();
        assertThat(r.intact()).isFalse();
        assertThat(r.findings()).contains(new Finding.TailCutOff(8, 10),
                new Finding.PartialRecord(segment, last.offset(), 9L, true));
    }

    @Test
    void everythingDeletedButTheCheckpointIsDetected() throws Exception {
        Files.delete(segment);
        assertThat(verify().findings()).containsExactly(new Finding.TailCutOff(-1, 10));
    }

    @Test
    void forgedCheckpointIsDetected() throws Exception {
        Path cp = dir.resolve(Segments.CHECKPOINT_FILE);
        byte[] bytes = Files.readAllBytes(cp);
        bytes[8 + 7] = 3; // claim only 3 records, without the key to re-sign
        Files.write(cp, bytes);
        assertThat(verify().findings()).containsExactly(new Finding.CheckpointInvalid());
    }

    @Test
    void deletedCheckpointIsReported() throws Exception {
        Files.delete(dir.resolve(Segments.CHECKPOINT_FILE));
        assertThat(verify().findings()).containsExactly(new Finding.CheckpointMissing());
        assertThat(verify().intact()).isFalse();
    }

    @Test
    void insertedGarbageIsLocatedAndRecordsAfterItStillVerify() throws Exception {
        AuditFixtures.FrameAt f = frames(segment).get(4);
        byte[] bytes = Files.readAllBytes(segment);
        byte[] junk = "inserted by hand".getBytes();
        byte[] out = new byte[bytes.length + junk.length];
        System.arraycopy(bytes, 0, out, 0, (int) f.offset());
        System.arraycopy(junk, 0, out, (int) f.offset(), junk.length);
        System.arraycopy(bytes, (int) f.offset(), out, (int) f.offset() + junk.length, bytes.length - (int) f.offset());
        Files.write(segment, out);
        VerificationReport r = verify();
        assertThat(r.findings()).containsExactly(new Finding.Unreadable(segment, f.offset(), f.offset() + junk.length));
        assertThat(r.authentic()).isEqualTo(10);
    }

    @Test
    void recordFromAnotherLogWithTheSameKeysBreaksTheChain() throws Exception {
        Path other = dir.resolveSibling(dir.getFileName() + "-other");
        AuditLog log = AuditLog.open(config(other), keys);
        for (int i = 0; i < 10; i++) {
            log.append(record("other", 100 + i));
        }
        // Swap in the other log's record 9 (same key, same sequence number) for ours.
        Path otherSeg = onlySegment(other);
        AuditFixtures.FrameAt theirs = frames(otherSeg).get(9);
        AuditFixtures.FrameAt ours = frames(segment).get(9);
        byte[] mine = Files.readAllBytes(segment);
        byte[] frame = Arrays.copyOfRange(Files.readAllBytes(otherSeg), (int) theirs.offset(), (int) theirs.offset() + theirs.length());
        byte[] out = Arrays.copyOf(mine, (int) ours.offset() + frame.length);
        System.arraycopy(frame, 0, out, (int) ours.offset(), frame.length);
        Files.write(segment, out);
        // It authenticates (same key, and its own previous hash), but does not link to our record 8.
        assertThat(verify().findings()).containsExactly(new Finding.ChainBroken(9));
        assertThat(descriptions().getFirst()).contains("replaced by a record from elsewhere");
    }

    @Test
    void deletedMiddleSegmentShowsAsRemovedRecords() throws Exception {
        Path other = dir.resolveSibling(dir.getFileName() + "-rotated");
        AuditLog log = AuditLog.open(config(other).withMaxSegmentBytes(1024), keys);
        for (int i = 0; i < 30; i++) {
            log.append(record("rot", i));
        }
        List<Path> segments = Segments.list(other);
        Path middle = segments.get(1);
        List<AuditFixtures.FrameAt> gone = frames(middle);
        Files.delete(middle);
        assertThat(new AuditVerifier(keys).verify(other).findings())
                .containsExactly(new Finding.RecordsRemoved(gone.getFirst().seq(), gone.getLast().seq()));
    }

    @Test
    void wrongKeysSaySoInsteadOfListingEveryRecord() throws Exception {
        VerificationReport r = new AuditVerifier(AuditFixtures.randomKeys()).verify(dir);
        assertThat(r.findings()).containsExactly(new Finding.WrongKeys(10));
    }

    @Test
    void aWriterAfterTruncationKeepsTheGapVisible() throws Exception {
        rewrite(segment, 0, 1, 2, 3, 4, 5, 6, 7);
        AuditLog.open(config(dir), keys).append(record("writer", 10));
        VerificationReport r = verify();
        // The new record continues after the checkpoint (as record 10), so records 8 and 9 stay missing.
        assertThat(r.findings()).containsExactly(new Finding.RecordsRemoved(8, 9));
        assertThat(r.checkpointCount()).isEqualTo(11);
    }
}
