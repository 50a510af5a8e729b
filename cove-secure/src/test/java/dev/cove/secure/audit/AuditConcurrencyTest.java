package dev.cove.secure.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.secure.keys.Pkcs12KeyStore;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several threads of this JVM and two other JVMs append at once: every record arrives, once, chained. */
class AuditConcurrencyTest {
    private static final int PER_WRITER = 120;
    private static final int THREADS = 4;
    private static final int PROCESSES = 2;

    @TempDir
    Path dir;

    @Test
    void threadsAndProcessesLoseNothing() throws Exception {
        Path keystore = dir.resolve("keys.p12");
        Path auditDir = dir.resolve("audit");
        String password = "concurrency-test";
        AuditKeys keys = AuditKeys.from(Pkcs12KeyStore.open(keystore, password.toCharArray()));

        List<Process> processes = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    AuditAppenderMain.class.getName(), auditDir.toString(), keystore.toString(), password,
                    "process-" + p, Integer.toString(PER_WRITER));
            pb.redirectErrorStream(true).redirectOutput(dir.resolve("process-" + p + ".out").toFile());
            processes.add(pb.start());
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String writer = "thread-" + t;
            futures.add(pool.submit(() -> {
                go.await();
                AuditLog log = AuditLog.open(AuditFixtures.config(auditDir), keys);
                for (int i = 0; i < PER_WRITER; i++) {
                    log.append(AuditFixtures.record(writer, i));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        for (int p = 0; p < PROCESSES; p++) {
            Process proc = processes.get(p);
            assertThat(proc.waitFor(5, TimeUnit.MINUTES)).as("process %d finished", p).isTrue();
            File out = dir.resolve("process-" + p + ".out").toFile();
            assertThat(proc.exitValue()).as("process %d exit code; its output:%n%s", p,
                    java.nio.file.Files.readString(out.toPath())).isZero();
        }

        int total = PER_WRITER * (THREADS + PROCESSES);
        VerificationReport report = new AuditVerifier(keys).verify(auditDir);
        assertThat(report.findings()).isEmpty();
        assertThat(report.records()).isEqualTo(total);
        assertThat(report.checkpointCount()).isEqualTo(total);

        Map<String, Set<Integer>> seen = new HashMap<>();
        List<Long> seqs = new ArrayList<>();
        new AuditReader(keys).read(auditDir, null, e -> {
            seqs.add(e.sequence());
            boolean fresh = seen.computeIfAbsent(e.record().principal().name(), k -> new HashSet<>())
                    .add(e.record().promptTokens());
            assertThat(fresh).as("duplicate record").isTrue();
        });
        assertThat(seen).hasSize(THREADS + PROCESSES);
        seen.values().forEach(s -> assertThat(s).hasSize(PER_WRITER));
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
    }
}
