package dev.cove.secure.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.secure.ModelDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemKeysTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void keysWrittenByCoveReadBackWithTheirPublicHalf(KeyAlgorithm algorithm) throws IOException {
        KeyPair pair = PemKeys.generate(algorithm);
        Path priv = Files.writeString(dir.resolve("k.pem"), PemKeys.toPem(pair.getPrivate()));
        Path pub = Files.writeString(dir.resolve("k.pub"), PemKeys.toPem(pair.getPublic()));
        KeyPair read = PemKeys.readPrivateKey(priv);
        // EC keys from the JDK carry no public point: it is computed from the private scalar.
        assertThat(read.getPublic()).isEqualTo(pair.getPublic());
        assertThat(PemKeys.readPublicKey(pub)).isEqualTo(pair.getPublic());
        assertThat(PemKeys.readPublicKey(priv)).isEqualTo(pair.getPublic());

        CoveSignature sig = Signer.sign(read, new ModelDigest("ab".repeat(32)), 42, "me", Instant.parse("2026-01-02T03:04:05Z"));
        CoveSignature parsed = CoveSignature.parse("x.sig", sig.toText());
        assertThat(parsed.statement()).isEqualTo(sig.statement());
        assertThat(parsed.keyId()).isEqualTo(KeyId.of(pair.getPublic()));
        assertThat(parsed.algorithm()).isEqualTo(algorithm);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void aPublicKeyCannotSign(KeyAlgorithm algorithm) throws IOException {
        Path pub = Files.writeString(dir.resolve("k.pub"), PemKeys.toPem(PemKeys.generate(algorithm).getPublic()));
        assertThatThrownBy(() -> PemKeys.readPrivateKey(pub)).isInstanceOf(SignException.class).hasMessageContaining("public key");
    }
}
