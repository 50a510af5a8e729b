package dev.cove.secure.audit;

import static dev.cove.secure.audit.AuditFixtures.config;
import static dev.cove.secure.audit.AuditFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;
    private AuditKeys keys;

    @BeforeEach
    void keys() throws Exception {
        keys = AuditFixtures.randomKeys();
    }

    private List<AuditEntry> readAll() {
        List<AuditEntry> out = new ArrayList<>();
        new AuditReader(keys).read(dir, null, out::add);
        return out;
    }

    @Test
    void appendsAndReadsBackInOrder() {
        AuditLog log = AuditLog.open(config(dir), keys);
        for (int i = 0; i < 5; i++) {
            assertThat(log.append(record("alice", i))).isEqualTo(i);
        }
        List<AuditEntry> entries = readAll();
        assertThat(entries).extracting(AuditEntry::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(entries.get(3).record()).isEqualTo(record("alice", 3));
        assertThat(new AuditVerifier(keys).verify(dir).findings()).isEmpty();
    }

    @Test
    void recordsAreEncryptedOnDisk() throws Exception {
        AuditLog.open(config(dir), keys).append(record("very-identifiable-principal", 7));
        for (Path p : Files.list(dir).toList()) {
            assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1))
                    .doesNotContain("very-identifiable-principal").doesNotContain("CHAT").doesNotContain("SERVER");
        }
    }

    @Test
    void showFiltersBySince() {
        AuditLog log = AuditLog.open(config(dir), keys);
        for (int i = 0; i < 4; i++) {
            log.append(record("bob", i * 100));
        }
        List<AuditEntry> out = new ArrayList<>();
        AuditReader.Summary s = new AuditReader(keys).read(dir, record("bob", 200).time(), out::add);
        assertThat(out).extracting(e -> e.record().promptTokens()).containsExactly(200, 300);
        assertThat(s.shown()).isEqualTo(2);
    }

    @Test
    void aNewWriterContinuesTheChain() {
        AuditLog.open(config(dir), keys).append(record("a", 1));
        AuditLog.open(config(dir), keys).append(record("b", 2));
        AuditLog third = AuditLog.open(config(dir), keys);
        assertThat(third.append(record("c", 3))).isEqualTo(2);
        VerificationReport report = new AuditVerifier(keys).verify(dir);
        assertThat(report.findings()).isEmpty();
        assertThat(report.authentic()).isEqualTo(3);
        assertThat(report.checkpointCount()).isEqualTo(3);
    }

    @Test
    void rotatesBySize() throws Exception {
        AuditLog log = AuditLog.open(config(dir).withMaxSegmentBytes(1024), keys);
        for (int i = 0; i < 30; i++) {
            log.append(record("size", i));
        }
        List<Path> segments = Segments.list(dir);
        assertThat(segments).hasSizeGreaterThan(3);
        for (Path p : segments) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(1024);
        }
        assertThat(readAll()).hasSize(30);
        assertThat(new AuditVerifier(keys).verify(dir).findings()).isEmpty();
    }

    @Test
    void rotatesByAge() throws Exception {
        AtomicLong now = new AtomicLong(Instant.parse("2025-03-01T00:00:00Z").toEpochMilli());
        AuditLog log = AuditLog.open(config(dir).withMaxSegmentAge(Duration.ofHours(1)).withClock(() -> Instant.ofEpochMilli(now.get())), keys);
        log.append(record("t", 1));
        log.append(record("t", 2));
        now.addAndGet(Duration.ofMinutes(61).toMillis());
        log.append(record("t", 3));
        now.addAndGet(Duration.ofMinutes(10).toMillis());
        log.append(record("t", 4));
        assertThat(Segments.list(dir)).hasSize(2);
        assertThat(AuditFixtures.frames(Segments.list(dir).get(1))).extracting(AuditFixtures.FrameAt::seq).containsExactly(2L, 3L);
        assertThat(new AuditVerifier(keys).verify(dir).findings()).isEmpty();
    }

    @Test
    void anInterruptedAppendIsReportedButIsNotTampering() throws Exception {
        AuditLog log = AuditLog.open(config(dir), keys);
        log.append(record("a", 1));
        log.append(record("a", 2));
        // A writer died half-way through its frame: the frame is there, the checkpoint never moved.
        Path seg = AuditFixtures.onlySegment(dir);
        byte[] frame = new Frame(2, new byte[32], new byte[60]).encode();
        Files.write(seg, java.util.Arrays.copyOf(frame, 30), StandardOpenOption.APPEND);

        VerificationReport report = new AuditVerifier(keys).verify(dir);
        assertThat(report.intact()).isTrue();
        assertThat(report.findings()).singleElement().isInstanceOf(Finding.PartialRecord.class);
        assertThat(report.findings().getFirst().describe()).contains("append was interrupted");

        // The next writer leaves the torn bytes alone and starts a new segment.
        AuditLog.open(config(dir), keys).append(record("a", 3));
        assertThat(Segments.list(dir)).hasSize(2);
        assertThat(readAll()).extracting(AuditEntry::sequence).containsExactly(0L, 1L, 2L);
        assertThat(new AuditVerifier(keys).verify(dir).intact()).isTrue();
    }

    @Test
    void aForgedCheckpointStopsAppends() throws Exception {
        AuditLog log = AuditLog.open(config(dir), keys);
        log.append(record("a", 1));
        Path cp = dir.resolve(Segments.CHECKPOINT_FILE);
        byte[] bytes = Files.readAllBytes(cp);
        bytes[10] ^= 1;
        Files.write(cp, bytes);
        assertThatThrownBy(() -> log.append(record("a", 2)))
                .isInstanceOf(AuditException.class).hasMessageContaining("fails authentication");
    }

    @Test
    void principalsCannotCarryFreeText() {
        assertThatThrownBy(() -> new Principal("patient said: my chest hurts"))
                .hasMessageNotContaining("chest").hasMessageContaining("not shown");
        assertThat(new Principal("alice@hospital.example").name()).isEqualTo("alice@hospital.example");
    }

    @Test
    void missingDirectoryIsAClearError() {
        assertThatThrownBy(() -> new AuditVerifier(keys).verify(dir.resolve("nope")))
                .isInstanceOf(AuditException.class).hasMessageContaining("no audit log here");
    }
}
