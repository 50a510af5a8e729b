package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cove} command end to end, in-process, on the real stories260K model. */
class CliTest {

    /** Keep the tests' model store out of the user's home. */
    @org.junit.jupiter.api.BeforeAll
    static void privateStore(@TempDir Path home) {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("COVE_HOME", home.toString());
        env.put("COVE_KEYSTORE_PASSWORD", "test-keystore-password");
        SecureCli.useEnvironment(env);
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreEnvironment() {
        SecureCli.useEnvironment(System.getenv());
    }

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome cove(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String stories() {
        for (Path p : new Path[] {Path.of("../../shared/models/stories260K/stories260K.gguf"), Path.of("../shared/models/stories260K/stories260K.gguf")}) {
            if (Files.exists(p)) {
                return p.toString();
            }
        }
        assumeTrue(false, "../shared is absent: skipping");
        return null;
    }

    @Test
    void runTellsAStory() {
        Outcome o = cove("run", stories(), "Once upon a time", "--temp", "0", "-n", "40", "-t", "2");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("Once upon a time");
        assertThat(o.out().length()).isGreaterThan("Once upon a time".length() + 40);
        assertThat(o.err()).contains("tok/s").contains("generation 40 tokens");
    }

    @Test
    void runWithSeedIsReproducible() {
        Outcome a = cove("run", stories(), "-p", "Once upon a time", "--seed", "3", "-n", "30");
        Outcome b = cove("run", stories(), "-p", "Once upon a time", "--seed", "3", "-n", "30");
        assertThat(a.exitCode()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
    }

    @Test
    void tokenizeAsJson() {
        Outcome o = cove("tokenize", stories(), "Once upon a time, there was a little robot", "--json");
        assertThat(o.exitCode()).isZero();
        assertThat(o.out().strip()).isEqualTo("[1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 352, 414, 430, 309]");
        Outcome noBos = cove("tokenize", stories(), "Once", "--json", "--no-bos");
        assertThat(noBos.out().strip()).doesNotStartWith("[1,");
    }

    @Test
    void infoSummarisesTheModel() {
        Outcome o = cove("info", stories(), "--tensors", "--metadata");
        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("architecture:  llama").contains("blk.4.ffn_up.weight").contains("tokenizer.ggml.model = llama");
    }

    @Test
    void runWithJsonSchemaPrintsJsonOfTheSchema(@TempDir Path dir) throws IOException {
        Path schema = dir.resolve("answer.json");
        Files.writeString(schema, "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"},"
                + "\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9}},\"required\":[\"ok\",\"n\"],"
                + "\"additionalProperties\":false}");
        Outcome o = cove("run", stories(), "Once upon a time", "--raw", "--seed", "4", "--temp", "1", "-n", "200",
                "--json-schema", schema.toString());
        assertThat(o.exitCode()).as(o.err()).isZero();
        String json = o.out().substring("Once upon a time".length()).strip();
        assertThat(json).matches("(?s)\\{\\s*\"ok\"\\s*:\\s*(true|false)\\s*,\\s*\"n\"\\s*:\\s*[0-9]\\s*}");
    }

    @Test
    void runWithGrammar(@TempDir Path dir) throws IOException {
        Path gbnf = dir.resolve("yesno.gbnf");
        Files.writeString(gbnf, "root ::= (\"yes\" | \"no\") \"!\"\n");
        Outcome o = cove("run", stories(), "Once", "--raw", "--seed", "1", "-n", "20", "--grammar", gbnf.toString());
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out().strip()).isIn("Onceyes!", "Onceno!");
    }

    @Test
    void benchHasAConstrainedMode(@TempDir Path dir) throws IOException {
        Path schema = dir.resolve("s.json");
        Files.writeString(schema, "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}");
        Outcome o = cove("bench", "-m", stories(), "-p", "0", "-n", "24", "-r", "1", "--no-bandwidth", "--json-schema",
                schema.toString(), "--json");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("\"tg_grammar\":\"json schema s.json\"")
                .containsPattern("\"tg_unconstrained_tok_s\":\\{\"mean\":[0-9.]+")
                .containsPattern("\"tg_grammar_ratio\":[0-9.]+");
    }

    @Test
    void benchTakesSeveralValuesAndDepthsAsLlamaBenchDoes() {
        Outcome o = cove("bench", "-m", stories(), "-p", "8,16", "-n", "4", "-d", "0,32", "-r", "1", "--no-bandwidth", "--json");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("\"name\":\"pp8\"", "\"name\":\"pp16\"", "\"name\":\"tg4\"",
                "\"name\":\"pp8 @ d32\"", "\"name\":\"pp16 @ d32\"", "\"name\":\"tg4 @ d32\",\"n_prompt\":0,\"n_gen\":4,\"n_depth\":32");
        Outcome table = cove("bench", "-m", stories(), "-p", "8", "-n", "4", "-d", "16", "-r", "1", "--no-bandwidth");
        assertThat(table.out()).containsPattern("pp8 @ d16 +[0-9.]+ ±").containsPattern("tg4 @ d16 +[0-9.]+ ±");
        Outcome negative = cove("bench", "-m", stories(), "-d", "-1");
        assertThat(negative.exitCode()).isNotZero();
        assertThat(negative.err()).contains("-d takes token counts of 0 or more, not -1");
    }

    @Test
    void aBfloat16KvCacheRunsEveryCommandAndAMisspeltTypeIsRefusedBeforeLoading() {
        Outcome run = cove("run", stories(), "Once upon a time", "--temp", "0", "-n", "20", "--kv-type", "bf16");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Once upon a time");
        Outcome bench = cove("bench", stories(), "-p", "8", "-n", "4", "-r", "1", "--no-bandwidth", "--kv-type", "bf16", "--json");
        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("\"kv_type\":\"bf16\"");
        Outcome wholeBlocks = cove("run", stories(), "Once", "-n", "4", "--kv-type", "q8_0");
        assertThat(wholeBlocks.exitCode()).isEqualTo(1);
        assertThat(wholeBlocks.err()).contains("a q8_0 KV cache needs a head dimension that is a multiple of 32")
                .doesNotContain("\tat ");
        Outcome bad = cove("run", "no/such/model.gguf", "Once", "--kv-type", "q3");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown KV cache type 'q3': use one of f32, bf16, q8_0").doesNotContain("no such model");
    }

    @Test
    void badGrammarFilesAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.gbnf");
        Files.writeString(bad, "root ::= root \"a\"\n");
        Outcome left = cove("run", stories(), "Once", "--grammar", bad.toString());
        assertThat(left.exitCode()).isEqualTo(1);
        assertThat(left.err()).contains("bad.gbnf").contains("left recursion").doesNotContain("\tat ");
        Outcome missing = cove("run", stories(), "Once", "--json-schema", dir.resolve("none.json").toString());
        assertThat(missing.err()).contains("no such file");
        Path schema = dir.resolve("s.json");
        Files.writeString(schema, "{\"type\":\"string\",\"not\":{}}");
        Outcome keyword = cove("run", stories(), "Once", "--json-schema", schema.toString());
        assertThat(keyword.err()).contains("'not'");
        Outcome both = cove("run", stories(), "Once", "--grammar", bad.toString(), "--json-schema", schema.toString());
        assertThat(both.err()).contains("not both");
    }

    @Test
    void missingModelIsAOneLineError() {
        Outcome o = cove("run", "no/such/model.gguf", "hello");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("no such model file").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void damagedModelIsAOneLineError(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, "GGUF\u0003\u0000\u0000\u0000garbage".getBytes(StandardCharsets.ISO_8859_1));
        Outcome o = cove("run", bad.toString(), "hello");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("bad.gguf").contains("truncated").doesNotContain("\tat ");
    }

    @Test
    void promptIsNeverPrintedInErrors() {
        String secret = "CANARY-7f3a9";
        Outcome o = cove("run", stories(), secret + " ".repeat(10) + "x ".repeat(300), "-c", "32");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("context").doesNotContain(secret);
    }

    @Test
    void auditedRunLeavesAVerifiableRecordWithoutText() throws IOException {
        Outcome run = cove("run", stories(), "CANARY-audit-7d2 Once upon a time", "--temp", "0", "-n", "12", "--audit");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path home = Path.of(SecureCli.env().get("COVE_HOME"));
        // The audit commands read the password from the process environment; pass the keystore explicitly.
        try (var files = Files.walk(home.resolve("audit"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("CANARY-audit");
            }
        }
        dev.cove.secure.audit.AuditKeys keys = dev.cove.secure.audit.AuditKeys.existing(
                dev.cove.secure.keys.Pkcs12KeyStore.open(home.resolve("keys/cove.p12"), "test-keystore-password".toCharArray()));
        var report = new dev.cove.secure.audit.AuditVerifier(keys).verify(home.resolve("audit"));
        assertThat(report.findings()).noneMatch(dev.cove.secure.audit.Finding::tampering);
        java.util.List<dev.cove.secure.audit.AuditEntry> entries = new java.util.ArrayList<>();
        new dev.cove.secure.audit.AuditReader(keys).read(home.resolve("audit"), null, entries::add);
        assertThat(entries).hasSize(1);
        assertThat(entries.getFirst().record().outputTokens()).isEqualTo(12);
        assertThat(entries.getFirst().record().origin()).isEqualTo(dev.cove.secure.Origin.CLI);
    }

    @Test
    void unknownOptionIsAUsageError() {
        Outcome o = cove("run", "--no-such-option");
        assertThat(o.exitCode()).isEqualTo(2);
    }
}
