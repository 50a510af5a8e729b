package dev.cove.secure.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.secure.InferenceFacts;
import dev.cove.secure.InferenceRecorder;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.Origin;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import dev.cove.secure.audit.AuditEntry;
import dev.cove.secure.audit.AuditKeys;
import dev.cove.secure.audit.AuditLog;
import dev.cove.secure.audit.AuditLogConfig;
import dev.cove.secure.audit.AuditReader;
import dev.cove.secure.audit.AuditVerifier;
import dev.cove.secure.audit.Principal;
import dev.cove.secure.audit.VerificationReport;
import dev.cove.secure.keys.Pkcs12KeyStore;
import dev.cove.secure.redact.CustomPattern;
import dev.cove.secure.redact.Redaction;
import dev.cove.secure.redact.Redactor;
import dev.cove.secure.telemetry.ExportSettings;
import dev.cove.secure.telemetry.Telemetry;
import dev.cove.secure.telemetry.TelemetryJson;
import dev.cove.secure.telemetry.TelemetrySettings;
import dev.cove.secure.telemetry.TestHttpsServer;
import dev.cove.secure.telemetry.TrustSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that nothing leaks: a canary string goes through a "prompt" and a model's "output"
 * and every privacy API on the way (redaction, audit log, telemetry with HTTPS export, and their
 * error paths), with every logger at its most verbose level and standard output and error
 * captured. Then the canary, and the personal data in the prompt, must appear in no file
 * written under the temporary directory, no byte the collector received, and no console output.
 *
 * <p>Generation runs the real stories260K model through cove-core: see {@link GenerationHook}.
 */
class CanaryLeakTest {
    private static final String EMAIL = "jane.roe@example.com";
    private static final String CARD = "4111 1111 1111 1111";

    @TempDir
    Path root;

    private final String canary = "CANARY-" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private Level savedLevel;
    private Handler[] savedHandlers;
    private final List<Handler> addedHandlers = new ArrayList<>();

    @BeforeEach
    void mostVerboseLoggingAndCapturedConsole() throws Exception {
        Logger rootLogger = LogManager.getLogManager().getLogger("");
        savedLevel = rootLogger.getLevel();
        savedHandlers = rootLogger.getHandlers();
        for (Handler h : savedHandlers) {
            rootLogger.removeHandler(h);
        }
        Files.createDirectories(root.resolve("logs"));
        FileHandler file = new FileHandler(root.resolve("logs").toString() + "/cove-%u.log");
        file.setFormatter(new SimpleFormatter());
        file.setLevel(Level.ALL);
        savedOut = System.out;
        savedErr = System.err;
        PrintStream captured = new PrintStream(console, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        System.setErr(captured);
        ConsoleHandler stderr = new ConsoleHandler(); // binds to the captured System.err
        stderr.setLevel(Level.ALL);
        addedHandlers.add(file);
        addedHandlers.add(stderr);
        addedHandlers.forEach(rootLogger::addHandler);
        rootLogger.setLevel(Level.ALL);
        System.getLogger("dev.cove.secure.canary").log(System.Logger.Level.TRACE, "canary test: logging at ALL");
    }

    @AfterEach
    void restore() {
        Logger rootLogger = LogManager.getLogManager().getLogger("");
        for (Handler h : addedHandlers) {
            rootLogger.removeHandler(h);
            h.close();
        }
        for (Handler h : savedHandlers) {
            rootLogger.addHandler(h);
        }
        rootLogger.setLevel(savedLevel);
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void theCanaryAppearsInNoFileNoPacketAndNoLogLine() throws Exception {
        Path serverKeystore = TestHttpsServer.makeServerKeystore(root, "collector");
        char[] trustPassword = "trust".toCharArray();
        Path trustStore = TestHttpsServer.makeTrustStore(serverKeystore, root.resolve("trust.p12"), trustPassword);
        byte[] received;
        try (TestHttpsServer collector = TestHttpsServer.start(serverKeystore)) {
            runInferences(collector, trustStore, trustPassword);
            assertThat(collector.acceptedLines()).hasSize(3); // telemetry did reach the collector
            received = collector.everythingReceived();
        }
        LogManager.getLogManager().getLogger("").getHandlers()[0].flush();

        List<String> forbidden = List.of(canary, EMAIL, CARD, CARD.replace(" ", ""));
        assertThat(console.size()).as("something was printed or logged to the console").isPositive();
        assertNoneIn("console (stdout, stderr, log console handler)", console.toByteArray(), forbidden);
        assertNoneIn("bytes received by the telemetry collector", received, forbidden);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).as("files written").hasSizeGreaterThan(8);
        assertThat(files).anyMatch(p -> p.toString().contains("logs") && sizeOf(p) > 0);
        for (Path f : files) {
            assertNoneIn(f.toString(), Files.readAllBytes(f), forbidden);
        }
    }

    /** A negative control: the scan must catch a planted canary in every encoding it claims to check. */
    @Test
    void theScanCatchesAPlantedCanary() {
        for (java.nio.charset.Charset cs : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            byte[] planted = ("log line: " + canary + " end").getBytes(cs);
            assertThatThrownBy(() -> assertNoneIn("planted", planted, List.of(canary))).isInstanceOf(AssertionError.class);
        }
        byte[] hex = HexFormat.of().formatHex(("x" + canary).getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> assertNoneIn("planted", hex, List.of(canary))).isInstanceOf(AssertionError.class);
    }

    private void runInferences(TestHttpsServer collector, Path trustStore, char[] trustPassword) throws Exception {
        String prompt = "Patient Jane Roe (" + EMAIL + ", card " + CARD + ") reports: " + canary + ". Please advise.";

        // 1. Redaction before anything else sees the prompt; the mapping stays in memory.
        Redactor redactor = Redactor.builder().withBuiltIns().add(CustomPattern.parse("CANARY_WORD=CANARY-[0-9a-f]{8}")).build();
        Redaction redacted = redactor.redact(prompt);
        assertThat(redacted.text()).doesNotContain(EMAIL).doesNotContain(CARD);

        // 2. "Generation" (see GenerationHook) on the redacted prompt; its answer carries the canary too.
        Path modelFile = GenerationHook.realModel();
        org.junit.jupiter.api.Assumptions.assumeTrue(modelFile != null, "../shared is absent: no model to generate with");
        GenerationHook.Generated answer = GenerationHook.engine(modelFile, canary + " I will e-mail [EMAIL_1] today.")
                .generate(redacted.text() + " " + canary);
        String restored = redacted.map().restore(answer.text());
        assertThat(restored).contains(canary).contains(EMAIL);

        // 3. Audit and telemetry through the one recorder the CLI and server use.
        Pkcs12KeyStore keystore = Pkcs12KeyStore.open(root.resolve("keys.p12"), "keystore-password".toCharArray());
        AuditKeys keys = AuditKeys.from(keystore);
        Path auditDir = root.resolve("audit");
        AuditLog audit = AuditLog.open(AuditLogConfig.defaults(auditDir), keys);
        ExportSettings export = ExportSettings.to(collector.endpoint(), new TrustSource.TrustStoreFile(trustStore, trustPassword))
                .withBatch(2).withRetry(2, Duration.ofMillis(10)).withInterval(Duration.ofHours(1));
        ModelDigest model = ModelDigest.of(MessageDigest.getInstance("SHA-256").digest(canary.getBytes(StandardCharsets.UTF_8)));
        try (Telemetry telemetry = Telemetry.open(TelemetrySettings.local(root.resolve("telemetry")).withExport(export))) {
            InferenceRecorder recorder = new InferenceRecorder(Optional.of(audit), telemetry);
            for (Outcome outcome : List.of(Outcome.OK, Outcome.TRUNCATED, Outcome.FAILED)) {
                recorder.record(new InferenceFacts(Instant.now(), new Principal("dr.house"), Origin.SERVER, model,
                        RequestKind.CHAT, answer.promptTokens(), answer.outputTokens(), Duration.ofMillis(420),
                        Runtime.getRuntime().totalMemory(), outcome));
            }
            assertThat(telemetry.flushNow().sent()).isEqualTo(3);

            // 4. Error paths, with the canary where a careless caller might put it. Their messages
            //    are logged at SEVERE here, as a server would log them.
            System.Logger log = System.getLogger("dev.cove.secure.canary");
            assertThatThrownBy(() -> new Principal("user " + canary))
                    .satisfies(e -> log.log(System.Logger.Level.ERROR, "rejected principal: " + e.getMessage(), e));
            assertThatThrownBy(() -> TelemetryJson.parse("{\"note\":\"" + canary + "\"}"))
                    .satisfies(e -> log.log(System.Logger.Level.ERROR, "rejected event: " + e.getMessage(), e));
            assertThatThrownBy(() -> CustomPattern.parse("lower_" + canary + "=x"))
                    .satisfies(e -> log.log(System.Logger.Level.ERROR, "rejected pattern: " + e.getMessage(), e));
            assertThatThrownBy(() -> ModelDigest.parse(canary))
                    .satisfies(e -> log.log(System.Logger.Level.ERROR, "rejected digest: " + e.getMessage(), e));
            // Values that hold secrets or text must not show them when printed.
            log.log(System.Logger.Level.DEBUG, "state: {0} {1} {2} {3}", redacted.map(), keys, answer, redacted.spans());
        }

        // 5. What `cove audit show` and `cove audit verify` print.
        List<AuditEntry> entries = new ArrayList<>();
        new AuditReader(keys).read(auditDir, null, entries::add);
        entries.forEach(System.out::println);
        assertThat(entries).hasSize(3);
        VerificationReport report = new AuditVerifier(keys).verify(auditDir);
        System.out.println(report);
        assertThat(report.intact()).isTrue();
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Looks for each forbidden string as UTF-8, UTF-16 (both orders) and hex, so no plain encoding slips by. */
    private static void assertNoneIn(String where, byte[] haystack, List<String> forbidden) {
        for (String s : forbidden) {
            List<byte[]> encodings = List.of(s.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_16LE),
                    s.getBytes(StandardCharsets.UTF_16BE),
                    HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII));
            for (byte[] needle : encodings) {
                assertThat(indexOf(haystack, needle)).as("'%s' found in %s", s.substring(0, Math.min(10, s.length())), where)
                        .isEqualTo(-1);
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
