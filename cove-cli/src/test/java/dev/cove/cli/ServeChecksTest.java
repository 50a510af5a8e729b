package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cove serve} checks its whole command line before it loads a model: each case names a
 * model file that does not exist, so an error about the file means the check came too late.
 */
class ServeChecksTest {
    @TempDir
    Path home;

    private String missingModel;

    @BeforeEach
    void isolate() {
        SecureCli.useEnvironment(Map.of("COVE_HOME", home.toString()));
        missingModel = home.resolve("not-there.gguf").toString();
    }

    @AfterEach
    void reset() {
        SecureCli.useEnvironment(null);
    }

    @Test
    void anOpenAddressWithoutAKeyIsRefusedBeforeTheModelLoads() {
        String err = failing("serve", "--host", "0.0.0.0", missingModel);
        assertThat(err).contains("refusing to listen on 0.0.0.0 without an API key").doesNotContain("not-there");
    }

    @Test
    void anUnknownTrustPolicyIsRefusedBeforeTheModelLoads() {
        assertThat(failing("serve", "--trust-policy", "sometimes", missingModel))
                .contains("unknown trust policy").doesNotContain("not-there");
    }

    @Test
    void badOrRepeatedModelNamesAreRefusedBeforeAnyModelLoads() {
        assertThat(failing("serve", "a=" + missingModel, "a=" + missingModel)).contains("two models are named 'a'");
        assertThat(failing("serve", "bad name=" + missingModel)).contains("model names are");
        assertThat(failing("serve", "a=")).contains("names no model");
    }

    @Test
    void auditingWithoutTheKeystorePasswordIsRefusedBeforeTheModelLoads() {
        assertThat(failing("serve", "--audit", missingModel)).contains("keystore password").doesNotContain("not-there");
    }

    /** Runs cove, expects a non-zero exit, returns stderr. */
    private static String failing(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cli = Main.commandLine();
            cli.setErr(new java.io.PrintWriter(System.err, true));
            int code = cli.execute(args);
            String text = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isNotZero();
            return text;
        } finally {
            System.setErr(oldErr);
        }
    }
}
