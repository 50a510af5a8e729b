package dev.cove.secure.crypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.Model;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.secure.keys.Pkcs12KeyStore;
import dev.cove.secure.store.Sha256;
import dev.cove.secure.store.TestModels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encryption at rest with a PKCS#12 key: round trip, and every kind of damage refused. */
class ModelCipherTest {
    @TempDir
    Path dir;

    private Path model;
    private KeyEncryptionKey kek;
    private Function<String, KeyEncryptionKey> keys;

    @BeforeEach
    void setUp() {
        // 3 MiB of tensor data: several 1 MiB segments, and a short last one.
        model = TestModels.tinyGguf(dir, "model.gguf", 800_000, 1);
        kek = Pkcs12Kek.getOrCreate(Pkcs12KeyStore.open(dir.resolve("ks.p12"), "passphrase".toCharArray()), "cove-model-kek");
        keys = ref -> {
            assertThat(ref).isEqualTo("pkcs12:cove-model-kek");
            return kek;
        };
    }

    @Test
    void roundTripInMemoryAndToFile() throws IOException {
        Path enc = dir.resolve("model.gguf.enc");
        ModelCipher.Result r = ModelCipher.encryptFile(model, enc, kek);
        assertThat(r.plaintextDigest()).isEqualTo(Sha256.of(model));
        assertThat(r.storedDigest()).isEqualTo(Sha256.of(enc));
        assertThat(r.storedSize()).isEqualTo(Files.size(enc));
        assertThat(EncryptedHeader.isEncrypted(enc)).isTrue();
        assertThat(EncryptedHeader.isEncrypted(model)).isFalse();
        byte[] plain = Files.readAllBytes(model);
        byte[] cipher = Files.readAllBytes(enc);
        // No run of the model's bytes appears in the encrypted file.
        assertThat(indexOf(cipher, Arrays.copyOfRange(plain, 4096, 4096 + 64))).isEqualTo(-1);

        for (int threads : new int[] {1, 2, 3}) {
            try (ModelCipher.Decrypted d = ModelCipher.decrypt(enc, keys, true, threads)) {
                assertThat(d.digest()).isEqualTo(r.plaintextDigest());
                assertThat(d.plaintext().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(plain);
            }
        }
        Path back = dir.resolve("back.gguf");
        assertThat(ModelCipher.decryptFile(enc, back, keys)).isEqualTo(r.plaintextDigest());
        assertThat(Files.readAllBytes(back)).isEqualTo(plain);
    }

    @Test
    void anEncryptedModelLoadsFromMemoryAndTellsTheSameStory() {
        Path stories = TestModels.stories260k();
        Path enc = dir.resolve("stories.enc");
        ModelCipher.encryptFile(stories, enc, kek);
        String expected;
        try (Model m = Model.load(stories, 1)) {
            expected = story(m);
        }
        ModelCipher.Decrypted d = ModelCipher.decrypt(enc, keys, false, 2);
        try (Model m = Model.load(GgufFile.fromSegment(d.plaintext(), "stories.gguf", d.arena()), 1)) {
            assertThat(story(m)).isEqualTo(expected);
        }
        // Closing the model zeroed and freed the plaintext.
        assertThat(d.plaintext().scope().isAlive()).isFalse();
    }

    private static String story(Model m) {
        return m.newSession(GenerationOptions.defaults().sampling(SamplingOptions.greedy()).maxTokens(40))
                .generate(new int[] {m.tokenizer().vocabulary().bos()}, t -> { }).text();
    }

    @Test
    void aWrongKeyIsRefused() {
        Path enc = dir.resolve("model.enc");
        ModelCipher.encryptFile(model, enc, kek);
        KeyEncryptionKey other = Pkcs12Kek.getOrCreate(Pkcs12KeyStore.open(dir.resolve("other.p12"), "x".toCharArray()), "cove-model-kek");
        assertThatThrownBy(() -> ModelCipher.decrypt(enc, ref -> other, true, 2))
                .isInstanceOf(CryptException.class).hasMessageContaining("wrong key");
        // A keystore without the alias says so, and a wrong passphrase too.
        assertThatThrownBy(() -> Pkcs12Kek.existing(Pkcs12KeyStore.open(dir.resolve("other.p12"), "x".toCharArray()), "absent"))
                .hasMessageContaining("has no key 'absent'");
        assertThatThrownBy(() -> Pkcs12KeyStore.open(dir.resolve("ks.p12"), "wrong".toCharArray()))
                .hasMessageContaining("password");
    }

    @Test
    void aFlippedBitAnywhereIsRefused() throws IOException {
        Path enc = dir.resolve("model.enc");
        ModelCipher.encryptFile(model, enc, kek);
        long size = Files.size(enc);
        int headerLength = new EncryptedHeader("x", "y", 0, new byte[0]).encode().length; // a lower bound
        for (long pos : new long[] {9, 30, headerLength + 200, size / 2, size - 1}) {
            Path bad = dir.resolve("bad-" + pos);
            Files.copy(enc, bad);
            flip(bad, pos);
            assertThatThrownBy(() -> ModelCipher.decrypt(bad, keys, true, 2).close())
                    .as("bit flipped at %d", pos).isInstanceOf(CryptException.class);
        }
    }

    @Test
    void truncatedOrExtendedFilesAreRefused() throws IOException {
        Path enc = dir.resolve("model.enc");
        ModelCipher.encryptFile(model, enc, kek);
        long size = Files.size(enc);
        long header = EncryptedHeader.read(enc).encode().length;
        // Cut mid-segment, exactly at a segment boundary (the stream's own header is 40 bytes,
        // then 1 MiB segments), inside the header, and to nothing.
        for (long cut : new long[] {size - 1, size - 1000, header + (1 << 20), header + 2L * (1 << 20), header + 10, 20, 0}) {
            Path bad = dir.resolve("cut-" + cut);
            Files.copy(enc, bad);
            try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
                f.setLength(cut);
            }
            assertThatThrownBy(() -> ModelCipher.decrypt(bad, keys, true, 2).close())
                    .as("cut at %d", cut).isInstanceOf(CryptException.class);
        }
        Path longer = dir.resolve("longer");
        Files.copy(enc, longer);
        Files.write(longer, new byte[100], java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ModelCipher.decrypt(longer, keys, true, 2).close()).isInstanceOf(CryptException.class);
    }

    @Test
    void theHeaderCannotBeEditedToMisleadTheReader() throws IOException {
        Path enc = dir.resolve("model.enc");
        ModelCipher.encryptFile(model, enc, kek);
        byte[] b = Files.readAllBytes(enc);
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        // Claim a smaller plaintext (same digit count so the header keeps its length).
        String size = "plaintext-size: " + Files.size(model);
        String smaller = "plaintext-size: " + (Files.size(model) - 1);
        assertThat(smaller.length()).isEqualTo(size.length());
        Path edited = Files.write(dir.resolve("edited"), s.replace(size, smaller).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ModelCipher.decrypt(edited, keys, true, 2).close()).isInstanceOf(CryptException.class);
    }

    private static void flip(Path p, long pos) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(pos);
            int v = f.read();
            f.seek(pos);
            f.write(v ^ 0x10);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
