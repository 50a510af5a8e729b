package dev.cove.cli;

import static dev.cove.cli.CliTest.cove;
import static dev.cove.cli.CliTest.stories;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cove run --lookup N}, {@code --model-draft MODEL --draft-max N}, and {@code cove bench} with them. */
class SpeculationCliTest {
    private static final String PROMPT = "Lily saw a big dog. Lily saw a big dog. Lily";

    @BeforeAll
    static void privateStore(@TempDir Path home) {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("COVE_HOME", home.toString());
        SecureCli.useEnvironment(env);
    }

    @AfterAll
    static void restoreEnvironment() {
        SecureCli.useEnvironment(System.getenv());
    }

    @Test
    void speculationPrintsThePlainTextAndSaysHowManyDraftsWereKept() {
        CliTest.Outcome plain = cove("run", stories(), PROMPT, "--temp", "0", "-n", "60", "-t", "1");
        CliTest.Outcome lookup = cove("run", stories(), PROMPT, "--temp", "0", "-n", "60", "-t", "1", "--lookup", "10");
        CliTest.Outcome draft = cove("run", stories(), PROMPT, "--temp", "0", "-n", "60", "-t", "1",
                "--model-draft", stories(), "--draft-max", "5");
        assertThat(lookup.exitCode()).as(lookup.err()).isZero();
        assertThat(draft.exitCode()).as(draft.err()).isZero();
        assertThat(lookup.out()).isEqualTo(plain.out());
        assertThat(draft.out()).isEqualTo(plain.out());
        assertThat(plain.err()).doesNotContain("drafts");
        assertThat(lookup.err()).containsPattern("drafts \\d+ of \\d+ kept");
        assertThat(draft.err()).containsPattern("drafts \\d+ of \\d+ kept");
    }

    @Test
    void conflictingOrOutOfRangeSpeculationOptionsAreRefusedBeforeLoading() {
        CliTest.Outcome both = cove("run", stories(), "x", "--lookup", "4", "--model-draft", stories());
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.err()).contains("choose one");
        CliTest.Outcome orphan = cove("run", stories(), "x", "--draft-max", "4");
        assertThat(orphan.exitCode()).isNotZero();
        assertThat(orphan.err()).contains("--draft-max needs a draft model");
        CliTest.Outcome tooMany = cove("run", stories(), "x", "--lookup", "64");
        assertThat(tooMany.exitCode()).isNotZero();
        assertThat(tooMany.err()).contains("1 to 63");
        CliTest.Outcome missing = cove("run", stories(), "x", "--model-draft", "/nonexistent/draft.gguf");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("draft.gguf").doesNotContain("Exception");
    }

    @Test
    void benchReportsSpeedUpAcceptanceAndIdenticalOutput(@TempDir Path dir) throws java.io.IOException {
        Path prompt = java.nio.file.Files.writeString(dir.resolve("prompt.txt"), PROMPT);
        // The default prompt, a source file to rewrite, does not fit stories260K's 128 tokens: said so.
        CliTest.Outcome tooLong = cove("bench", stories(), "-p", "0", "-n", "24", "-r", "1", "--no-bandwidth", "--lookup", "8");
        assertThat(tooLong.exitCode()).isNotZero();
        assertThat(tooLong.err()).contains("no room for -n 24").doesNotContain("Exception");
        CliTest.Outcome o = cove("bench", stories(), "-p", "0", "-n", "24", "-r", "1", "-t", "1", "--no-bandwidth",
                "--lookup", "8", "-f", prompt.toString());
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("tg24 spec").contains("lookup 8").containsPattern("\\d\\.\\d\\dx")
                .contains("drafts kept").contains("output identical");
        CliTest.Outcome json = cove("bench", stories(), "-p", "0", "-n", "24", "-r", "1", "-t", "1", "--no-bandwidth",
                "--json", "--model-draft", stories(), "--draft-max", "4", "-f", prompt.toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"speculation\": {\"method\": \"draft model, 4 per step\"")
                .contains("\"identical\": true");
    }
}
