package dev.cove.cli;

import static dev.cove.cli.CliTest.cove;
import static dev.cove.cli.CliTest.stories;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cove eval} as a CI quality gate on stories260K: the checked-in suite (expected answers
 * are the F32 model's greedy output, eval/stories260K-gate.jsonl) passes with the F32 file and
 * fails, with exit code 2 and JUnit failures naming the cases, with a Q2_K quantization.
 */
class EvalCommandTest {
    private static final Path GATE = Path.of("src/test/resources/eval/stories260K-gate.jsonl");

    @BeforeAll
    static void privateStore(@TempDir Path home) {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("COVE_HOME", home.toString());
        env.put("COVE_KEYSTORE_PASSWORD", "test-keystore-password");
        SecureCli.useEnvironment(env);
    }

    @AfterAll
    static void restoreEnvironment() {
        SecureCli.useEnvironment(System.getenv());
        Notices.reset(); // -q is process-wide: tests that run commands without Main must find it off
    }

    @Test
    void gatePassesWithTheSourceAndFailsWithADamagedQuantization(@TempDir Path dir) throws Exception {
        String f32 = stories();
        Path junit = dir.resolve("f32.xml");
        Path json = dir.resolve("f32.json");
        CliTest.Outcome ok = cove("eval", GATE.toString(), "-m", f32, "-t", "2", "--junit", junit.toString(), "--json", json.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("stories260K.gguf: 8/8 cases passed").contains("PASSED");
        assertThat(ok.err()).contains("8 cases on 1 model, greedy").contains("8/8 cases");
        String xml = Files.readString(junit);
        assertThat(xml).contains("tests=\"14\" failures=\"0\" errors=\"0\"").contains("name=\"opening [exact]\"");
        assertThat(Files.readString(json)).contains("\"passed\":true").doesNotContain("Lily");

        Path q2k = dir.resolve("stories260K-Q2_K.gguf");
        CliTest.Outcome q = cove("quantize", f32, q2k.toString(), "Q2_K", "-q");
        assertThat(q.exitCode()).as(q.err()).isZero();
        Path failedXml = dir.resolve("q2k.xml");
        CliTest.Outcome bad = cove("eval", GATE.toString(), "-m", q2k.toString(), "-t", "2", "-q", "--junit", failedXml.toString());
        assertThat(bad.exitCode()).isEqualTo(EvalCommand.GATE_FAILED);
        assertThat(bad.out()).contains("FAILED:").contains("worst rougeL:");
        assertThat(bad.err()).isEmpty();
        String failures = Files.readString(failedXml);
        assertThat(failures).contains("<testsuite name=\"stories260K-gate.jsonl [stories260K-Q2_K.gguf]\"")
                .contains("<failure message=\"rougeL ").contains("name=\"sunshine [rougeL]\"");
        assertThat(failures).doesNotContain("failures=\"0\"");
    }

    @Test
    void severalModelsAndTheQuantizationChecksAgainstTheBase(@TempDir Path dir) throws Exception {
        String f32 = stories();
        Path q8 = dir.resolve("stories260K-Q8_0.gguf");
        assertThat(cove("quantize", f32, q8.toString(), "Q8_0", "-q").exitCode()).isZero();
        Path suite = dir.resolve("drift.yaml");
        Files.writeString(suite, """
                # YAML: the same fields as JSONL
                - id: robot
                  prompt: Once upon a time, there was a little robot
                  expected: " named Benny. Benny loved to play with his toys and run ar"
                  tags: [robots]
                  metrics:
                    - {name: top1, threshold: 0.9}
                    - {name: kl, threshold: 0.05}
                """);
        CliTest.Outcome o = cove("eval", suite.toString(), "-m", f32, "-m", q8.toString(), "--base", f32, "-q");
        assertThat(o.exitCode()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("stories260K.gguf: 1/1 cases passed").contains("stories260K-Q8_0.gguf: 1/1 cases passed")
                .contains("top1    all").contains("kl      robots");
        CliTest.Outcome noBase = cove("eval", suite.toString(), "-m", f32, "-q");
        assertThat(noBase.exitCode()).isEqualTo(1);
        assertThat(noBase.err()).contains("need the base model the others are compared with (--base)");
    }

    @Test
    void badSuitesAreRefusedWithTheLine(@TempDir Path dir) throws Exception {
        Path jsonl = dir.resolve("bad.jsonl");
        Files.writeString(jsonl, "{\"prompt\": \"a\", \"expected\": \"b\"}\n{\"prompt\": \"a\", \"expected\": \"b\", \"metric\": \"wer\"}\n");
        CliTest.Outcome o = cove("eval", jsonl.toString(), "-m", "nonexistent.gguf");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("bad.jsonl:2: unknown metric 'wer'");
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "- prompt: a\n  expected: b\n- prompt: [unclosed\n");
        CliTest.Outcome y = cove("eval", yaml.toString(), "-m", "nonexistent.gguf");
        assertThat(y.exitCode()).isEqualTo(1);
        assertThat(y.err()).contains("bad.yaml:").contains("not valid YAML");
        Files.writeString(yaml, "- prompt: a\n- prompt: b\n  expected: c\n");
        CliTest.Outcome missing = cove("eval", yaml.toString(), "-m", "nonexistent.gguf");
        assertThat(missing.err()).contains("bad.yaml:1: metric rougeL needs \"expected\"");
        Files.writeString(yaml, "prompt: a\n");
        assertThat(cove("eval", yaml.toString(), "-m", "x.gguf").err()).contains("a YAML suite is a list of cases");
        CliTest.Outcome noDir = cove("eval", GATE.toString(), "-m", "x.gguf", "--junit", dir.resolve("no/such/dir.xml").toString());
        assertThat(noDir.err()).contains("--junit").contains("does not exist");
    }
}
