package dev.cove.secure.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.gguf.GgufFormatException;
import dev.cove.secure.crypt.KeyEncryptionKey;
import dev.cove.secure.crypt.Pkcs12Kek;
import dev.cove.secure.keys.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    @TempDir
    Path dir;

    private ModelStore store() {
        return ModelStore.open(dir.resolve("home"));
    }

    @Test
    void aDamagedManifestIsReportedInPlainWordsWithItsPlace() throws IOException {
        ModelStore store = store();
        Path manifests = Files.createDirectories(store.home().resolve("manifests"));
        Files.writeString(manifests.resolve("broken.json"), "{\"schema\": 1,\n \"name\": \"broken\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.find("broken"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("broken.json: damaged manifest: not valid JSON at line 2")
                .message().doesNotContain("Source").doesNotContain("REDACTED").doesNotContain("StreamReadFeature");
        Files.writeString(manifests.resolve("typed.json"), "{\"schema\": \"one\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.find("typed"))
                .hasMessageContaining("typed.json: damaged manifest: a field is missing, unknown or of the wrong type")
                .message().doesNotContain("Source").doesNotContain("`");
    }

    @Test
    void importListShowRemove() throws IOException {
        ModelStore store = store();
        Path a = TestModels.tinyGguf(dir, "a.gguf", 10_000, 1);
        Manifest m = store.importFile(a, "tiny", ModelStore.ImportOptions.plain(null));
        assertThat(m.digest()).isEqualTo(Sha256.of(a).sha256Hex());
        assertThat(m.blob()).isEqualTo(m.digest());
        assertThat(m.size()).isEqualTo(Files.size(a));
        assertThat(m.source()).startsWith("file:").endsWith("a.gguf");
        assertThat(m.gguf().architecture()).isEqualTo("llama");
        assertThat(m.gguf().parameters()).isEqualTo(10_000);
        assertThat(m.gguf().type()).isEqualTo("F32");
        assertThat(m.gguf().contextLength()).isEqualTo(128);
        assertThat(Files.readAllBytes(store.blobPath(m))).isEqualTo(Files.readAllBytes(a));

        // Same content under a second name shares the blob; removing one keeps it for the other.
        store.importFile(a, "tiny-copy", ModelStore.ImportOptions.plain(null));
        assertThat(store.list()).extracting(Manifest::name).containsExactly("tiny", "tiny-copy");
        assertThat(store.get("tiny")).isEqualTo(m);
        store.remove("tiny");
        assertThat(Files.exists(store.blobPath(m))).isTrue();
        store.remove("tiny-copy");
        assertThat(Files.exists(store.blobPath(m))).isFalse();
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> store.remove("tiny")).hasMessageContaining("no model named 'tiny'");
        assertThatThrownBy(() -> store.get("tiny")).hasMessageContaining("cove list");
        assertThat(Files.list(store.tmpDir()).toList()).isEmpty();
    }

    @Test
    void importValidatesTheGgufAndTheNameFirst() throws IOException {
        ModelStore store = store();
        Path junk = Files.writeString(dir.resolve("junk.gguf"), "this is not a model", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.importFile(junk, "junk", ModelStore.ImportOptions.plain(null)))
                .isInstanceOf(GgufFormatException.class);
        Path truncated = dir.resolve("truncated.gguf");
        byte[] full = Files.readAllBytes(TestModels.tinyGguf(dir, "full.gguf", 10_000, 2));
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length - 100));
        assertThatThrownBy(() -> store.importFile(truncated, "t", ModelStore.ImportOptions.plain(null)))
                .isInstanceOf(GgufFormatException.class);
        Path ok = dir.resolve("full.gguf");
        for (String bad : new String[] {"", "../x", "a/b", ".hidden", "x".repeat(200), "sp ace", "x.json"}) {
            assertThatThrownBy(() -> store.importFile(ok, bad, ModelStore.ImportOptions.plain(null)))
                    .isInstanceOf(StoreException.class).hasMessageContaining("not a valid model name");
        }
        store.importFile(ok, "ok", ModelStore.ImportOptions.plain(null));
        assertThatThrownBy(() -> store.importFile(ok, "ok", ModelStore.ImportOptions.plain(null)))
                .hasMessageContaining("already in the store");
        assertThat(store.list()).extracting(Manifest::name).containsExactly("ok");
        try (Stream<Path> s = Files.list(store.tmpDir())) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void encryptedImportStoresNoPlaintext() throws IOException {
        ModelStore store = store();
        Path a = TestModels.tinyGguf(dir, "a.gguf", 300_000, 5);
        KeyEncryptionKey kek = Pkcs12Kek.getOrCreate(Pkcs12KeyStore.open(dir.resolve("ks.p12"), "pw".toCharArray()), "cove-model-kek");
        Manifest m = store.importFile(a, "secret", new ModelStore.ImportOptions(null, kek, false, List.of()));
        assertThat(m.encrypted()).isTrue();
        assertThat(m.encryption()).isEqualTo("pkcs12:cove-model-kek");
        assertThat(m.digest()).isEqualTo(Sha256.of(a).sha256Hex());
        assertThat(m.blob()).isNotEqualTo(m.digest()).isEqualTo(Sha256.of(store.blobPath(m)).sha256Hex());
        byte[] stored = Files.readAllBytes(store.blobPath(m));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("GGUF").doesNotContain("test-5");
        try (Stream<Path> s = Files.list(store.tmpDir())) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void threeProcessesShareOneStoreWithoutLosingOrTearingAnything() throws Exception {
        Path home = dir.resolve("home");
        ModelStore store = ModelStore.open(home);
        Path[] models = {TestModels.tinyGguf(dir, "x.gguf", 20_000, 11), TestModels.tinyGguf(dir, "y.gguf", 30_000, 12),
            TestModels.tinyGguf(dir, "z.gguf", 40_000, 13)};
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    StoreWorkerMain.class.getName(), home.toString()));
            for (Path m : models) {
                cmd.add(m.toString());
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("ITERATIONS", "60");
            pb.environment().put("SEED", String.valueOf(100 + i));
            children.add(pb.start());
        }
        StoreWorkerMain.work(home, models, 60, 7); // this process takes part too
        for (Process p : children) {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
        }
        // Every manifest points at a complete blob of the right content; no blob is orphaned;
        // nothing is left half-done.
        Set<String> referenced = new HashSet<>();
        for (Manifest m : store.list()) {
            assertThat(Sha256.of(store.blobPath(m)).sha256Hex()).isEqualTo(m.blob());
            referenced.add("sha256-" + m.blob());
        }
        try (Stream<Path> blobs = Files.list(home.resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrderElementsOf(referenced);
        }
        try (Stream<Path> tmp = Files.list(store.tmpDir()); Stream<Path> man = Files.list(home.resolve("manifests"))) {
            assertThat(tmp.toList()).isEmpty();
            assertThat(man.map(p -> p.getFileName().toString()).filter(n -> !n.matches("m[0-3]\\.json")).toList()).isEmpty();
        }
    }

    @Test
    void resolverPrefersStoreNamesThenFiles() throws IOException {
        ModelStore store = store();
        Path a = TestModels.tinyGguf(dir, "a.gguf", 1_000, 1);
        store.importFile(a, "a", ModelStore.ImportOptions.plain(null));
        ModelResolver resolver = new ModelResolver(store);
        assertThat(resolver.resolve("a")).isInstanceOf(ModelRef.Stored.class);
        assertThat(resolver.resolve(a.toString())).isInstanceOf(ModelRef.File.class);
        assertThatThrownBy(() -> resolver.resolve("nothing")).hasMessageContaining("no model named 'nothing'");
        assertThatThrownBy(() -> resolver.resolve(dir.resolve("none.gguf").toString())).hasMessageContaining("no such model file");
        assertThatThrownBy(() -> resolver.resolve("hf://a/b/c.gguf")).hasMessageContaining("cove pull");
        Files.delete(store.blobPath(store.get("a")));
        assertThatThrownBy(() -> resolver.resolve("a")).hasMessageContaining("missing from the store");
    }
}
