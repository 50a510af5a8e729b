package dev.cove.secure.sign;

import static dev.cove.secure.store.TestModels.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.secure.ModelDigest;
import dev.cove.secure.store.Sha256;
import dev.cove.secure.store.TestModels;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signatures made by openssl verify in Cove, and Cove's verify with openssl. */
class OpensslSignatureTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsOpenssl() {
        assumeTrue(TestModels.hasOpenssl(), "openssl is not installed: skipping the openssl interoperability tests");
    }

    private Path model() {
        return TestModels.tinyGguf(dir, "model.gguf", 50_000, 7);
    }

    private Path genKey(String type) {
        Path key = dir.resolve(type + ".pem");
        switch (type) {
            case "ed25519" -> ok(dir, "openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString());
            case "ecdsa" -> ok(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
            case "rsa" -> ok(dir, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
            default -> throw new IllegalArgumentException(type);
        }
        ok(dir, "openssl", "pkey", "-in", key.toString(), "-pubout", "-out", dir.resolve(type + ".pub.pem").toString());
        return key;
    }

    private List<SignatureVerifier.Check> verify(TrustStore trust, Path model, Path sig) throws IOException {
        ModelDigest d = Sha256.of(model);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment content = arena.allocate(Files.size(model));
            content.copyFrom(MemorySegment.ofArray(Files.readAllBytes(model)));
            return new SignatureVerifier(trust).verify(List.of(new SignatureVerifier.Source(sig.getFileName().toString(),
                    Files.readAllBytes(sig))), d, Files.size(model), content);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecdsa", "rsa"})
    void opensslDgstSignaturesVerifyAsTheyAre(String type) throws IOException {
        Path model = model();
        Path key = genKey(type);
        Path sig = dir.resolve("model.sig");
        ok(dir, "openssl", "dgst", "-sha256", "-sign", key.toString(), "-out", sig.toString(), model.toString());
        TrustStore trust = new TrustStore(dir.resolve("trust"));
        trust.add(PemKeys.readPublicKey(dir.resolve(type + ".pub.pem")), "release");

        assertThat(verify(trust, model, sig)).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(SignatureVerifier.Status.TRUSTED);
            assertThat(c.keyName()).isEqualTo("release");
        });

        // The same signature over a changed file, or checked against another key, is refused.
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 3] ^= 1;
        Path tampered = Files.write(dir.resolve("tampered.gguf"), bytes);
        assertThat(verify(trust, tampered, sig)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(SignatureVerifier.Status.INVALID));
        TrustStore other = new TrustStore(dir.resolve("other"));
        other.add(PemKeys.generate(KeyAlgorithm.parseUserChoice(type)).getPublic(), "someone-else");
        assertThat(verify(other, model, sig)).singleElement()
                .satisfies(c -> assertThat(c.message()).contains("no trusted key verifies"));
    }

    @Test
    void opensslEd25519SignaturesOverTheDigestOrTheWholeFileVerify() throws IOException {
        Path model = model();
        Path key = genKey("ed25519");
        TrustStore trust = new TrustStore(dir.resolve("trust"));
        trust.add(PemKeys.readPublicKey(dir.resolve("ed25519.pub.pem")), "ed");
        // openssl dgst cannot sign with Ed25519 keys; pkeyutl -rawin signs a file as is.
        Path digest = dir.resolve("model.sha256");
        ok(dir, "openssl", "dgst", "-sha256", "-binary", "-out", digest.toString(), model.toString());
        Path overDigest = dir.resolve("digest.sig");
        ok(dir, "openssl", "pkeyutl", "-sign", "-inkey", key.toString(), "-rawin", "-in", digest.toString(), "-out", overDigest.toString());
        Path overFile = dir.resolve("file.sig");
        ok(dir, "openssl", "pkeyutl", "-sign", "-inkey", key.toString(), "-rawin", "-in", model.toString(), "-out", overFile.toString());

        assertThat(verify(trust, model, overDigest)).singleElement().satisfies(c -> assertThat(c.trusted()).isTrue());
        assertThat(verify(trust, model, overFile)).singleElement().satisfies(c -> assertThat(c.trusted()).isTrue());

        byte[] bytes = Files.readAllBytes(model);
        bytes[100] ^= 0x40;
        Path tampered = Files.write(dir.resolve("tampered.gguf"), bytes);
        assertThat(verify(trust, tampered, overDigest)).singleElement().satisfies(c -> assertThat(c.trusted()).isFalse());
        assertThat(verify(trust, tampered, overFile)).singleElement().satisfies(c -> assertThat(c.trusted()).isFalse());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void coveSignaturesVerifyWithOpenssl(String type) throws IOException {
        Path model = model();
        Path key = genKey(type);
        KeyPair pair = PemKeys.readPrivateKey(key);
        CoveSignature sig = Signer.sign(pair, Sha256.of(model), Files.size(model), "release@example.org", Instant.now());
        Path sigFile = Files.writeString(dir.resolve("model.gguf.sig"), sig.toText());

        // What the documentation tells a user to do, step by step.
        String text = Files.readString(sigFile);
        Path statement = Files.writeString(dir.resolve("statement"), text.substring(0, text.indexOf("\nsignature: ") + 1));
        String b64 = text.substring(text.indexOf("\nsignature: ") + 12).strip();
        Path raw = Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(b64));
        String pub = dir.resolve(type + ".pub.pem").toString();
        String out = type.equals("ed25519")
                ? ok(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", statement.toString(), "-sigfile", raw.toString())
                : ok(dir, "openssl", "dgst", "-sha256", "-verify", pub, "-signature", raw.toString(), statement.toString());
        assertThat(out).contains("Verified");
        assertThat(Files.readString(statement)).contains("file-sha256: " + Sha256.of(model).sha256Hex());

        // And openssl refuses a statement that was edited.
        Files.writeString(statement, Files.readString(statement).replace("release@", "mallory@"));
        TestModels.Result bad = type.equals("ed25519")
                ? TestModels.run(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", statement.toString(), "-sigfile", raw.toString())
                : TestModels.run(dir, "openssl", "dgst", "-sha256", "-verify", pub, "-signature", raw.toString(), statement.toString());
        assertThat(bad.exitCode()).isNotZero();
    }

    @Test
    void coveSignatureTellsAChangedFileFromAnUnknownKeyFromAForgery() throws IOException {
        Path model = model();
        KeyPair pair = PemKeys.generate(KeyAlgorithm.ED25519);
        TrustStore trust = new TrustStore(dir.resolve("trust"));
        CoveSignature sig = Signer.sign(pair, Sha256.of(model), Files.size(model), "alice", Instant.now());
        Path sigFile = Files.writeString(dir.resolve("model.gguf.sig"), sig.toText());

        assertThat(verify(trust, model, sigFile)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(SignatureVerifier.Status.UNKNOWN_KEY));
        trust.add(pair.getPublic(), "alice");
        assertThat(verify(trust, model, sigFile)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(SignatureVerifier.Status.TRUSTED));

        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 1;
        Files.write(model, bytes);
        assertThat(verify(trust, model, sigFile)).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(SignatureVerifier.Status.FILE_CHANGED);
            assertThat(c.message()).contains("changed after it was signed");
        });

        Files.writeString(sigFile, sig.toText().replace("signer: alice", "signer: mallory"));
        assertThat(verify(trust, model, sigFile)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(SignatureVerifier.Status.INVALID));
        Files.writeString(sigFile, "cove-signature: 1\nfile-sha256: zz\n");
        assertThat(verify(trust, model, sigFile)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(SignatureVerifier.Status.MALFORMED));
    }

    @Test
    void readsTheOlderOpensslKeyFormats() throws IOException {
        Path sec1 = dir.resolve("sec1.pem");
        ok(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
        assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
        KeyPair ec = PemKeys.readPrivateKey(sec1);
        ok(dir, "openssl", "ec", "-in", sec1.toString(), "-pubout", "-out", dir.resolve("sec1.pub").toString());
        assertThat(KeyId.of(ec.getPublic())).isEqualTo(KeyId.of(PemKeys.readPublicKey(dir.resolve("sec1.pub"))));

        Path pkcs1 = dir.resolve("rsa1.pem");
        ok(dir, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", dir.resolve("rsa8.pem").toString());
        ok(dir, "openssl", "pkey", "-in", dir.resolve("rsa8.pem").toString(), "-traditional", "-out", pkcs1.toString());
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
        KeyPair rsa = PemKeys.readPrivateKey(pkcs1);
        ok(dir, "openssl", "rsa", "-in", pkcs1.toString(), "-RSAPublicKey_out", "-out", dir.resolve("rsa1.pub").toString());
        assertThat(Files.readString(dir.resolve("rsa1.pub"))).contains("BEGIN RSA PUBLIC KEY");
        assertThat(KeyId.of(rsa.getPublic())).isEqualTo(KeyId.of(PemKeys.readPublicKey(dir.resolve("rsa1.pub"))));

        // The key id is the start of the SHA-256 of the DER public key, as openssl computes it.
        Path ed = genKey("ed25519");
        ok(dir, "openssl", "pkey", "-in", ed.toString(), "-pubout", "-outform", "DER", "-out", dir.resolve("ed.der").toString());
        String sha = Sha256.of(dir.resolve("ed.der")).sha256Hex();
        assertThat(KeyId.of(PemKeys.readPrivateKey(ed).getPublic()).hex()).isEqualTo(sha.substring(0, 16));

        Path enc = dir.resolve("enc.pem");
        ok(dir, "openssl", "genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:secret", "-out", enc.toString());
        assertThatThrownBy(() -> PemKeys.readPrivateKey(enc)).isInstanceOf(SignException.class).hasMessageContaining("encrypted");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PemKeys.readPublicKey(junk)).isInstanceOf(SignException.class).hasMessageContaining("not a PEM");
    }

    @Test
    void trustStoreAddsListsAndRemovesByIdOrName() {
        TrustStore trust = new TrustStore(dir.resolve("trust"));
        KeyPair a = PemKeys.generate(KeyAlgorithm.ED25519);
        KeyPair b = PemKeys.generate(KeyAlgorithm.ECDSA);
        TrustedKey ka = trust.add(a.getPublic(), "alice");
        trust.add(b.getPublic(), "bob");
        assertThat(trust.list()).extracting(TrustedKey::name).containsExactly("alice", "bob");
        assertThatThrownBy(() -> trust.add(PemKeys.generate(KeyAlgorithm.ED25519).getPublic(), "alice"))
                .hasMessageContaining("already has a key named");
        assertThat(trust.remove(ka.id().hex()).name()).isEqualTo("alice");
        assertThat(trust.remove("bob").name()).isEqualTo("bob");
        assertThat(trust.list()).isEmpty();
        assertThatThrownBy(() -> trust.remove("carol")).hasMessageContaining("no trusted key");
    }
}
