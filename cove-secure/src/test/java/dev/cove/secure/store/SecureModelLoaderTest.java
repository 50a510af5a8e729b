package dev.cove.secure.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.Model;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.secure.crypt.KeySettings;
import dev.cove.secure.crypt.Pkcs11Kek;
import dev.cove.secure.sign.CoveSignature;
import dev.cove.secure.sign.KeyAlgorithm;
import dev.cove.secure.sign.PemKeys;
import dev.cove.secure.sign.Signer;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.secure.sign.UntrustedModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust policy is enforced at every load, for store names and paths, plain and encrypted. */
class SecureModelLoaderTest {
    @TempDir
    Path dir;

    private ModelStore store;
    private KeySettings keys;
    private final List<String> warnings = new ArrayList<>();
    private KeyPair signer;

    @BeforeEach
    void setUp() {
        store = ModelStore.open(dir.resolve("home"));
        keys = new KeySettings(dir.resolve("ks.p12"), () -> "pw".toCharArray(), null, () -> null);
        signer = PemKeys.generate(KeyAlgorithm.ED25519);
    }

    private SecureModelLoader loader(TrustPolicy policy) {
        return new SecureModelLoader(store, keys, policy, warnings::add);
    }

    private CoveSignature sign(Path file) throws IOException {
        return Signer.sign(signer, Sha256.of(file), Files.size(file), "release", Instant.now());
    }

    @Test
    void unsignedModelsWarnUnderWarnAndFailUnderRequire() {
        Path a = TestModels.tinyGguf(dir, "a.gguf", 1_000, 1);
        store.importFile(a, "a", ModelStore.ImportOptions.plain(null));
        try (SecureModelLoader.Opened o = loader(TrustPolicy.OFF).open("a", 1)) {
            assertThat(o.digest()).isNull(); // off: not even hashed
        }
        assertThat(warnings).isEmpty();
        try (SecureModelLoader.Opened o = loader(null).open("a", 1)) { // the store's default: warn
            assertThat(o.decision().policy()).isEqualTo(TrustPolicy.WARN);
        }
        assertThat(warnings).singleElement().asString().contains("a: no signature").contains("trust policy: warn");
        assertThatThrownBy(() -> loader(TrustPolicy.REQUIRE).open("a", 1))
                .isInstanceOf(UntrustedModelException.class)
                .hasMessageContaining("a: no signature").hasMessageContaining("require");
        store.config().setTrustPolicy(TrustPolicy.REQUIRE);
        assertThatThrownBy(() -> loader(null).open("a", 1)).isInstanceOf(UntrustedModelException.class);
        assertThatThrownBy(() -> loader(null).open(a.toString(), 1)).isInstanceOf(UntrustedModelException.class);
    }

    @Test
    void signedAndTrustedLoadsUnderRequireAndAChangedFileIsCaughtAtLoad() throws IOException {
        Path a = TestModels.tinyGguf(dir, "a.gguf", 50_000, 2);
        CoveSignature sig = sign(a);
        store.importFile(a, "a", ModelStore.ImportOptions.plain(null));
        store.addSignature("a", StoredSignature.of("cove sign", sig.toText().getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> loader(TrustPolicy.REQUIRE).open("a", 1))
                .hasMessageContaining("not in the trust store");
        store.trustStore().add(signer.getPublic(), "release");
        try (SecureModelLoader.Opened o = loader(TrustPolicy.REQUIRE).open("a", 1)) {
            assertThat(o.decision().trusted()).isTrue();
            assertThat(o.digest().sha256Hex()).isEqualTo(store.get("a").digest());
        }

        // A path with a signature file beside it.
        Files.writeString(dir.resolve("a.gguf.sig"), sig.toText());
        loader(TrustPolicy.REQUIRE).open(a.toString(), 1).close();

        // Someone edits the stored blob after it was signed: the next load refuses it.
        Path blob = store.blobPath(store.get("a"));
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length - 10] ^= 1;
        blob.toFile().setWritable(true);
        Files.write(blob, bytes);
        assertThatThrownBy(() -> loader(TrustPolicy.REQUIRE).open("a", 1))
                .isInstanceOf(UntrustedModelException.class).hasMessageContaining("changed after it was signed");
        warnings.clear();
        loader(TrustPolicy.WARN).open("a", 1).close();
        assertThat(warnings).singleElement().asString().contains("changed after it was signed");

        // A signature from a key removed from the trust store no longer counts.
        store.trustStore().remove("release");
        assertThatThrownBy(() -> loader(TrustPolicy.REQUIRE).open(a.toString(), 1)).hasMessageContaining("not in the trust store");
    }

    @Test
    void pulledSignedEncryptedAndTrustedModelLoadsAndGenerates() throws IOException {
        Path stories = TestModels.stories260k();
        CoveSignature sig = sign(stories);
        store.importFile(stories, "stories", new ModelStore.ImportOptions(null, keys.forEncryption("pkcs12"), false, List.of()));
        store.addSignature("stories", StoredSignature.of("cove sign", sig.toText().getBytes(StandardCharsets.UTF_8)));
        store.trustStore().add(signer.getPublic(), "release");
        store.config().setTrustPolicy(TrustPolicy.REQUIRE);

        String expected;
        try (Model m = Model.load(stories, 1)) {
            expected = story(m);
        }
        try (Model m = loader(null).load("stories", 1)) {
            assertThat(story(m)).isEqualTo(expected);
        }
        // Without the keystore's passphrase there is no model.
        KeySettings wrong = new KeySettings(dir.resolve("ks.p12"), () -> "wrong".toCharArray(), null, () -> null);
        assertThatThrownBy(() -> new SecureModelLoader(store, wrong, null, warnings::add).load("stories", 1))
                .hasMessageContaining("password");
        // Nor with another keystore.
        KeySettings other = new KeySettings(dir.resolve("other.p12"), () -> "pw".toCharArray(), null, () -> null);
        other.forEncryption("pkcs12");
        assertThatThrownBy(() -> new SecureModelLoader(store, other, null, warnings::add).load("stories", 1))
                .hasMessageContaining("wrong key");
    }

    @Test
    void aSignatureBelongsToTheBytesWhereverTheyAreLoadedFrom() throws IOException {
        Path a = TestModels.tinyGguf(dir, "a.gguf", 20_000, 4);
        store.importFile(a, "a", ModelStore.ImportOptions.plain(null));
        store.addSignature("a", StoredSignature.of("cove sign", sign(a).toText().getBytes(StandardCharsets.UTF_8)));
        store.trustStore().add(signer.getPublic(), "release");
        store.config().setTrustPolicy(TrustPolicy.REQUIRE);

        // The same bytes by path, with no signature file beside them: the store's signature counts.
        Path elsewhere = Files.createDirectories(dir.resolve("downloads")).resolve("copy.gguf");
        Files.copy(a, elsewhere);
        try (SecureModelLoader.Opened o = loader(null).open(elsewhere.toString(), 1)) {
            assertThat(o.decision().trusted()).isTrue();
        }
        assertThat(loader(null).verify(elsewhere.toString(), List.of(), 1).trusted()).isTrue();
        // A second, unsigned store entry of the same bytes is trusted too.
        store.importFile(elsewhere, "a-again", ModelStore.ImportOptions.plain(null));
        loader(null).open("a-again", 1).close();

        // Other bytes of the very same size borrow nothing: the digest decides, not the size or name.
        Path other = TestModels.tinyGguf(dir.resolve("downloads"), "other.gguf", 20_000, 5);
        assertThat(Files.size(other)).isEqualTo(Files.size(a));
        assertThatThrownBy(() -> loader(null).open(other.toString(), 1))
                .isInstanceOf(UntrustedModelException.class).hasMessageContaining("no signature");
        // One changed byte in the copy: refused.
        byte[] bytes = Files.readAllBytes(elsewhere);
        bytes[bytes.length - 5] ^= 1;
        Files.write(elsewhere, bytes);
        assertThatThrownBy(() -> loader(null).open(elsewhere.toString(), 1)).isInstanceOf(UntrustedModelException.class);
    }

    @Test
    void aFlagCannotSilentlyLowerTheConfiguredRequirePolicy() throws IOException {
        Path a = TestModels.tinyGguf(dir, "a.gguf", 1_000, 1);
        store.config().setTrustPolicy(TrustPolicy.REQUIRE);
        // Unlocked: lowering works, with one loud warning per loader.
        SecureModelLoader lowered = loader(TrustPolicy.OFF);
        lowered.open(a.toString(), 1).close();
        lowered.open(a.toString(), 1).close();
        assertThat(warnings).singleElement().asString().contains("WARNING").contains("--trust-policy off")
                .contains("lowers the trust policy 'require'").contains("trust.policy.locked=true");
        // Tightening is no news.
        warnings.clear();
        store.config().setTrustPolicy(TrustPolicy.WARN);
        assertThatThrownBy(() -> loader(TrustPolicy.REQUIRE).open(a.toString(), 1)).isInstanceOf(UntrustedModelException.class);
        assertThat(warnings).isEmpty();

        // Locked by the administrator: neither a flag nor the trust command may lower it.
        store.config().setTrustPolicy(TrustPolicy.REQUIRE);
        Files.writeString(store.config().file(), "trust.policy.locked=true\n", java.nio.file.StandardOpenOption.APPEND);
        for (TrustPolicy weaker : List.of(TrustPolicy.OFF, TrustPolicy.WARN)) {
            assertThatThrownBy(() -> loader(weaker).open(a.toString(), 1))
                    .isInstanceOf(UntrustedModelException.class).hasMessageContaining("is locked")
                    .hasMessageContaining("--trust-policy " + weaker.id());
            assertThatThrownBy(() -> store.config().setTrustPolicy(weaker))
                    .isInstanceOf(StoreException.class).hasMessageContaining("is locked");
        }
        assertThat(store.config().trustPolicy()).isEqualTo(TrustPolicy.REQUIRE);
        assertThatThrownBy(() -> loader(TrustPolicy.REQUIRE).open(a.toString(), 1))
                .isInstanceOf(UntrustedModelException.class).hasMessageContaining("no signature");

        // A lock value that is neither true nor false is an error, not "unlocked".
        Files.writeString(store.config().file(), "trust.policy=require\ntrust.policy.locked=maybe\n");
        assertThatThrownBy(() -> loader(TrustPolicy.OFF).open(a.toString(), 1))
                .isInstanceOf(StoreException.class).hasMessageContaining("must be true or false");
    }

    @Test
    void keySettingsComeFromTheEnvironment() {
        KeySettings k = KeySettings.fromEnvironment(dir, Map.of("COVE_KEYSTORE_PASSWORD", "pw"), null);
        assertThat(k.keystore()).isEqualTo(dir.resolve("keys/cove.p12"));
        assertThat(k.forEncryption("pkcs12:alias-1").reference()).isEqualTo("pkcs12:alias-1");
        KeySettings noPassword = KeySettings.fromEnvironment(dir.resolve("x"), Map.of(), null);
        assertThatThrownBy(() -> noPassword.forEncryption("pkcs12")).hasMessageContaining("COVE_KEYSTORE_PASSWORD");
        assertThatThrownBy(() -> k.forEncryption("vault")).hasMessageContaining("use pkcs12 or pkcs11");
        assertThatThrownBy(() -> new Pkcs11Kek.Token(null, null, 0)).hasMessageContaining("COVE_PKCS11_LIBRARY");
    }

    private static String story(Model m) {
        return m.newSession(GenerationOptions.defaults().sampling(SamplingOptions.greedy()).maxTokens(40))
                .generate(new int[] {m.tokenizer().vocabulary().bos()}, t -> { }).text();
    }
}
