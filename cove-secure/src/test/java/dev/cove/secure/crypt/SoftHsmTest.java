package dev.cove.secure.crypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.secure.store.Sha256;
import dev.cove.secure.store.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption with a key-encryption key on a PKCS#11 token (SoftHSM2). Skips itself when SoftHSM2
 * is not installed; {@code .ci/run} installs it with {@code src/test/softhsm/setup.sh --install}.
 */
class SoftHsmTest {
    @TempDir
    Path dir;

    @Test
    void roundTripWithAKeyThatNeverLeavesTheToken() throws Exception {
        Map<String, String> env = initToken();
        Path model = TestModels.tinyGguf(dir, "model.gguf", 600_000, 3);
        Path enc = dir.resolve("model.enc");

        String encrypted = child(env, "encrypt", model.toString(), enc.toString());
        assertThat(encrypted).startsWith("OK pkcs11:cove-model-kek " + Sha256.of(model).sha256Hex());
        assertThat(EncryptedHeader.read(enc).kekReference()).isEqualTo("pkcs11:cove-model-kek");

        // A new process finds the key on the token again.
        assertThat(child(env, "decrypt", enc.toString(), Sha256.of(model).sha256Hex())).startsWith("OK decrypted "
                + Files.size(model));
        assertThat(child(env, "wrongkey", enc.toString())).startsWith("OK refused").contains("wrong key");
        assertThat(child(env, "wrongpin", enc.toString())).startsWith("OK refused").contains("PIN");
    }

    private Map<String, String> initToken() throws IOException {
        Path script = Path.of("src/test/softhsm/setup.sh");
        assumeTrue(Files.isRegularFile(script), "setup.sh not found (run the tests from the cove-secure module)");
        TestModels.Result r = TestModels.run(Path.of("."), "bash", script.toString(), dir.resolve("hsm").toString());
        assumeTrue(r.exitCode() != 3, "SoftHSM2 is not installed (apt-get install softhsm2): skipping the PKCS#11 test");
        assertThat(r.exitCode()).as(r.output()).isZero();
        Map<String, String> env = new java.util.HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("hsm/env"), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    private String child(Map<String, String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + dir, SoftHsmMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String last = out.lines().filter(l -> l.startsWith("OK") || l.startsWith("FAIL")).reduce((a, b) -> b).orElse(out);
        assertThat(p.exitValue()).as(out).isZero();
        return last;
    }
}
