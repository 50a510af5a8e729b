package dev.cove.secure.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12KeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void createsKeysOnFirstUseAndFindsThemAgain() throws Exception {
        Path file = dir.resolve("keys.p12");
        SecretKey aes = Pkcs12KeyStore.open(file, "pw".toCharArray()).secretKey("a", KeyKind.AES_256);
        SecretKey mac = Pkcs12KeyStore.open(file, "pw".toCharArray()).secretKey("m", KeyKind.HMAC_SHA256);
        Pkcs12KeyStore reopened = Pkcs12KeyStore.open(file, "pw".toCharArray());
        assertThat(reopened.findSecretKey("a").orElseThrow().getEncoded()).isEqualTo(aes.getEncoded()).hasSize(32);
        assertThat(reopened.secretKey("m", KeyKind.HMAC_SHA256).getEncoded()).isEqualTo(mac.getEncoded());
        assertThat(reopened.findSecretKey("missing")).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void wrongPasswordIsAClearError() {
        Path file = dir.resolve("keys.p12");
        Pkcs12KeyStore.open(file, "right".toCharArray()).secretKey("a", KeyKind.AES_256);
        assertThatThrownBy(() -> Pkcs12KeyStore.open(file, "wrong".toCharArray()))
                .isInstanceOf(KeystoreException.class).hasMessageContaining("wrong keystore password");
    }

    @Test
    void aKeyOfTheWrongKindIsRefused() {
        Path file = dir.resolve("keys.p12");
        Pkcs12KeyStore ks = Pkcs12KeyStore.open(file, "pw".toCharArray());
        ks.secretKey("a", KeyKind.AES_256);
        assertThatThrownBy(() -> ks.secretKey("a", KeyKind.HMAC_SHA256)).hasMessageContaining("expected HmacSHA256");
    }

    @Test
    void concurrentFirstUseAgreesOnOneKey() throws Exception {
        Path file = dir.resolve("keys.p12");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Callable<byte[]> task = () -> Pkcs12KeyStore.open(file, "pw".toCharArray()).secretKey("shared", KeyKind.AES_256).getEncoded();
            results.add(pool.submit(task));
        }
        byte[] first = results.getFirst().get();
        for (Future<byte[]> f : results) {
            assertThat(f.get()).isEqualTo(first);
        }
        pool.shutdown();
    }
}
