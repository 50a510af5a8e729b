package dev.cove.secure.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.secure.crypt.KeySettings;
import dev.cove.secure.store.Manifest;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cove pull} against a local hub that misbehaves on purpose. */
class PullTest {
    private static final String SPEC = "hf://cove-org/tiny-GGUF/tiny.Q8_0.gguf";

    @TempDir
    Path dir;

    private FakeHub hub;
    private ModelStore store;
    private byte[] model;
    private String sha;
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final AtomicLong lastProgress = new AtomicLong();

    @BeforeEach
    void setUp() throws IOException {
        hub = new FakeHub();
        store = ModelStore.open(dir.resolve("home"));
        // About 1.2 MB: many network chunks, a resumable middle.
        model = Files.readAllBytes(TestModels.tinyGguf(dir, "tiny.gguf", 300_000, 42));
        sha = hub.put("cove-org", "tiny-GGUF", "main", "tiny.Q8_0.gguf", model);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private HubSettings settings(int retries) {
        return new HubSettings(hub.endpoint(), null, false, Duration.ofSeconds(5), Duration.ofSeconds(5), retries,
                Duration.ofMillis(50));
    }

    private Puller.Outcome pull(HubSettings s, String spec) {
        return pull(s, spec, null, new AtomicBoolean());
    }

    private Puller.Outcome pull(HubSettings s, String spec, KeySettings encryptWith, AtomicBoolean cancel) {
        ProgressListener progress = new ProgressListener() {
            @Override
            public void progress(long done) {
                lastProgress.set(done);
            }

            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
        return new Puller(store, new HubClient(s)).pull(new Puller.Request(spec, null,
                encryptWith == null ? null : encryptWith.forEncryption("pkcs12"), null, false), progress, cancel);
    }

    private List<String> tmpFiles() throws IOException {
        try (Stream<Path> s = Files.list(store.tmpDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).toList();
        }
    }

    @Test
    void pullDownloadsVerifiesAndStores() throws IOException {
        Puller.Outcome o = pull(settings(0), SPEC);
        assertThat(o.downloaded()).isTrue();
        Manifest m = o.manifest();
        assertThat(m.name()).isEqualTo("tiny.Q8_0");
        assertThat(m.digest()).isEqualTo(sha);
        assertThat(m.source()).startsWith("hf://cove-org/tiny-GGUF/tiny.Q8_0.gguf@main (commit 0123");
        assertThat(Files.readAllBytes(store.blobPath(m))).isEqualTo(model);
        assertThat(lastProgress.get()).isEqualTo(model.length);
        assertThat(tmpFiles()).isEmpty();

        // Pulling again finds it in the store without touching the network.
        HubSettings offline = new HubSettings(hub.endpoint(), null, true, Duration.ofSeconds(5), Duration.ofSeconds(5), 0, Duration.ZERO);
        int before = hub.seen.size();
        assertThat(pull(offline, SPEC).alreadyPresent()).isTrue();
        assertThat(hub.seen).hasSize(before);
    }

    @Test
    void theTokenGoesToTheHubButNeverToTheCdn() {
        hub.requiredToken = "hf_secret";
        assertThatThrownBy(() -> pull(settings(0), SPEC)).isInstanceOf(PullException.class)
                .hasMessageContaining("401").hasMessageContaining("set HF_TOKEN");
        HubSettings wrong = new HubSettings(hub.endpoint(), "hf_wrong", false, Duration.ofSeconds(5), Duration.ofSeconds(5), 0, Duration.ZERO);
        assertThatThrownBy(() -> pull(wrong, SPEC)).hasMessageContaining("HF_TOKEN was not accepted");
        HubSettings right = new HubSettings(hub.endpoint(), "hf_secret", false, Duration.ofSeconds(5), Duration.ofSeconds(5), 0, Duration.ZERO);
        pull(right, SPEC);
        assertThat(hub.seen).filteredOn(s -> s.server().equals("hub")).last()
                .satisfies(s -> assertThat(s.authorization()).isEqualTo("Bearer hf_secret"));
        assertThat(hub.cdnRequests()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isNull());
    }

    @Test
    void aDroppedConnectionLeavesAResumablePartialAndTheNextPullResumesIt() throws IOException {
        hub.fault = FakeHub.Fault.DROP_ONCE;
        hub.dropAfter = 500_000;
        assertThatThrownBy(() -> pull(settings(0), SPEC)).isInstanceOf(PullException.class)
                .hasMessageContaining("run the same command again to resume");
        Path partial = store.tmpDir().resolve(sha + ".partial");
        assertThat(Files.size(partial)).isPositive().isLessThanOrEqualTo(500_000);
        long kept = Files.size(partial);
        assertThat(store.list()).isEmpty();

        Puller.Outcome o = pull(settings(0), SPEC);
        assertThat(Files.readAllBytes(store.blobPath(o.manifest()))).isEqualTo(model);
        assertThat(hub.cdnRequests()).last().satisfies(s -> assertThat(s.range()).isEqualTo("bytes=" + kept + "-"));
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void aDroppedConnectionIsResumedWithinOnePullWhenRetriesAreLeft() throws IOException {
        hub.fault = FakeHub.Fault.DROP_ONCE;
        hub.dropAfter = 300_000;
        Puller.Outcome o = pull(settings(2), SPEC);
        assertThat(Files.readAllBytes(store.blobPath(o.manifest()))).isEqualTo(model);
        assertThat(notes).anyMatch(n -> n.contains("resuming at byte"));
        assertThat(hub.cdnRequests()).anyMatch(s -> s.range() != null && !s.range().equals("bytes=0-"));
    }

    @Test
    void aServerThatCannotResumeIsReadFromTheStart() throws IOException {
        hub.fault = FakeHub.Fault.DROP_ONCE;
        assertThatThrownBy(() -> pull(settings(0), SPEC)).isInstanceOf(PullException.class);
        hub.fault = FakeHub.Fault.NO_RANGE;
        Puller.Outcome o = pull(settings(0), SPEC);
        assertThat(Files.readAllBytes(store.blobPath(o.manifest()))).isEqualTo(model);
        assertThat(notes).anyMatch(n -> n.contains("starting over"));
    }

    @Test
    void wrongBytesAreDiscardedAndNothingIsStored() throws IOException {
        hub.fault = FakeHub.Fault.WRONG_BYTES;
        assertThatThrownBy(() -> pull(settings(2), SPEC)).isInstanceOf(PullException.class)
                .hasMessageContaining("does not match its SHA-256").hasMessageContaining("nothing was stored");
        assertThat(store.list()).isEmpty();
        assertThat(tmpFiles()).isEmpty();
        try (Stream<Path> blobs = Files.list(store.home().resolve("blobs"))) {
            assertThat(blobs.toList()).isEmpty();
        }
    }

    @Test
    void httpErrorsSayWhatToDo() {
        hub.fault = FakeHub.Fault.STATUS;
        hub.status = 403;
        assertThatThrownBy(() -> pull(settings(0), SPEC)).hasMessageContaining("403").hasMessageContaining("accept");
        hub.status = 500;
        assertThatThrownBy(() -> pull(settings(1), SPEC)).hasMessageContaining("500").hasMessageContaining("try again later");
        hub.fault = FakeHub.Fault.NONE;
        assertThatThrownBy(() -> pull(settings(0), "hf://cove-org/tiny-GGUF/absent.gguf"))
                .hasMessageContaining("not found (404)");
        assertThatThrownBy(() -> pull(settings(0), "hf://cove-org/tiny-GGUF/tiny.Q8_0.gguf@no-such-branch"))
                .hasMessageContaining("404");
        assertThatThrownBy(() -> pull(settings(0), "https://example.org/x.gguf")).hasMessageContaining("hf://ORG/REPO/FILE");
        assertThatThrownBy(() -> pull(settings(0), "hf://org/../x.gguf")).hasMessageContaining("not a valid");
    }

    @Test
    void aServerErrorIsRetried() {
        // The hub fails once with 503, then recovers.
        hub.fault = FakeHub.Fault.STATUS;
        hub.status = 503;
        Thread healer = Thread.ofVirtual().start(() -> {
            long end = System.nanoTime() + 30_000_000_000L;
            while (hub.seen.isEmpty() && System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
            hub.fault = FakeHub.Fault.NONE;
        });
        pull(settings(3), SPEC);
        healer.interrupt();
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void offlineModeRefusesEveryNetworkAccess() {
        HubSettings offline = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString(), "COVE_OFFLINE", "1"), false);
        assertThatThrownBy(() -> pull(offline, SPEC)).isInstanceOf(OfflineException.class)
                .hasMessageContaining("offline mode");
        HubSettings flag = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString()), true);
        assertThatThrownBy(() -> pull(flag, SPEC)).isInstanceOf(OfflineException.class);
        assertThat(hub.seen).isEmpty();
    }

    @Test
    void aRedirectLoopIsCaught() {
        hub.fault = FakeHub.Fault.REDIRECT_LOOP;
        assertThatThrownBy(() -> pull(settings(0), SPEC)).hasMessageContaining("redirects in a loop");
    }

    @Test
    void aRenamedRepositoryIsFollowed() throws IOException {
        hub.rename("old-org/tiny-GGUF", "cove-org/tiny-GGUF");
        Puller.Outcome o = pull(settings(0), "hf://old-org/tiny-GGUF/tiny.Q8_0.gguf");
        assertThat(Files.readAllBytes(store.blobPath(o.manifest()))).isEqualTo(model);
    }

    @Test
    void aSlowServerStillCompletesAndAStalledOneIsAbandonedResumably() throws IOException {
        hub.fault = FakeHub.Fault.SLOW;
        pull(settings(0), SPEC);
        assertThat(store.list()).hasSize(1);
        store.remove("tiny.Q8_0");

        hub.fault = FakeHub.Fault.STALL;
        hub.stallMillis = 4_000;
        HubSettings impatient = settings(0).withStall(Duration.ofSeconds(1));
        assertThatThrownBy(() -> pull(impatient, SPEC)).hasMessageContaining("no data from the server for 1 s")
                .hasMessageContaining("resume");
        assertThat(Files.size(store.tmpDir().resolve(sha + ".partial"))).isPositive();
        hub.fault = FakeHub.Fault.NONE;
        pull(settings(0), SPEC);
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void anInterruptedPullKeepsItsPartialForNextTime() throws IOException {
        hub.fault = FakeHub.Fault.SLOW;
        AtomicBoolean cancel = new AtomicBoolean();
        Thread.ofVirtual().start(() -> {
            long end = System.nanoTime() + 30_000_000_000L;
            while (lastProgress.get() < 200_000 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            cancel.set(true); // what the CLI's Ctrl-C handler does
        });
        assertThatThrownBy(() -> pull(settings(3), SPEC, null, cancel)).hasMessageContaining("interrupted")
                .hasMessageContaining("resume");
        assertThat(store.list()).isEmpty();
        assertThat(tmpFiles()).containsExactly(sha + ".partial");
        hub.fault = FakeHub.Fault.NONE;
        Puller.Outcome o = pull(settings(0), SPEC);
        assertThat(Files.readAllBytes(store.blobPath(o.manifest()))).isEqualTo(model);
    }

    @Test
    void aFileWithoutAnnouncedDigestNeedsAPin() throws IOException {
        hub.fault = FakeHub.Fault.NO_DIGEST;
        assertThatThrownBy(() -> pull(settings(0), SPEC)).hasMessageContaining("--sha256");
        Puller.Outcome o = new Puller(store, new HubClient(settings(0))).pull(
                new Puller.Request(SPEC, "pinned", null, sha.toUpperCase(), false), ProgressListener.NONE, new AtomicBoolean());
        assertThat(o.manifest().digest()).isEqualTo(sha);
    }

    @Test
    void aDownloadThatIsNotGgufIsNotStored() throws IOException {
        hub.put("cove-org", "tiny-GGUF", "main", "notes.gguf", "hello, not a model".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> pull(settings(0), "hf://cove-org/tiny-GGUF/notes.gguf"))
                .hasMessageContaining("not a valid GGUF").hasMessageContaining("nothing was stored");
        assertThat(store.list()).isEmpty();
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void pullEncryptedStoresOnlyCiphertext() throws IOException {
        KeySettings keys = new KeySettings(dir.resolve("ks.p12"), () -> "pw".toCharArray(), null, () -> null);
        Puller.Outcome o = pull(settings(0), SPEC, keys, new AtomicBoolean());
        assertThat(o.manifest().encrypted()).isTrue();
        assertThat(o.manifest().digest()).isEqualTo(sha);
        assertThat(new String(Files.readAllBytes(store.blobPath(o.manifest())), StandardCharsets.ISO_8859_1)).doesNotContain("GGUF");
        assertThat(tmpFiles()).isEmpty();
    }
}
