package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.chat.ChatMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rough edges of a new user's first hour (issue 14, items 3 to 10), end to end and in-process
 * on the real stories260K model, whose context is 128 tokens.
 */
class FirstHourTest {
    @TempDir
    static Path home;

    @TempDir
    Path dir;

    @BeforeAll
    static void privateStore() {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("COVE_HOME", home.toString());
        env.put("COVE_KEYSTORE_PASSWORD", "test-keystore-password");
        env.remove("COVE_AUDIT");
        SecureCli.useEnvironment(env);
    }

    @AfterAll
    static void restoreEnvironment() {
        SecureCli.useEnvironment(null);
    }

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome cove(String... args) {
        return coveWithInput("", args);
    }

    static Outcome coveWithInput(String input, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A private copy of stories260K: its trust warning and store entries are this test's own. */
    private Path storiesCopy() throws IOException {
        return Files.copy(Path.of(CliTest.stories()), dir.resolve("stories.gguf"));
    }

    // ---- 3. the README's example and chat at the context limit ---------------------------------

    @Test
    void readmeExampleEndsAtTheEndOfASentenceWithOneNotice() {
        for (String seed : new String[] {"1", "2", "3"}) {
            Outcome o = cove("run", CliTest.stories(), "Once upon a time", "--seed", seed, "-t", "2");
            assertThat(o.exitCode()).as(o.err()).isZero();
            assertThat(o.out().stripTrailing()).as("seed " + seed).matches("(?s)Once upon a time.*[.!?][\"'\u201d)]*");
            assertThat(o.err()).contains("the context of 128 tokens was nearly full: the text ends at the end of a sentence")
                    .contains("128 is the model's limit").contains("stop: context full");
        }
    }

    @Test
    void withContextShiftNothingIsHeldBackOrCut() {
        Outcome o = cove("run", CliTest.stories(), "Once upon a time", "--seed", "1", "-t", "2", "--context-shift", "-n", "300");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.err()).contains("generation 300 tokens").contains("stop: max tokens").doesNotContain("the text ends");
    }

    @Test
    void aSentenceEndIsPunctuationBeforeWhiteSpaceOrALineBreak() {
        assertThat(CleanEnding.sentenceEnd("She smiled. Then", false)).isEqualTo(11);
        assertThat(CleanEnding.sentenceEnd("\"Hi!\" said Tom", false)).isEqualTo(5);
        assertThat(CleanEnding.sentenceEnd("It was 3.5 km", false)).isEqualTo(-1);
        assertThat(CleanEnding.sentenceEnd("The end.", false)).isEqualTo(-1);
        assertThat(CleanEnding.sentenceEnd("The end.", true)).isEqualTo(8);
        assertThat(CleanEnding.sentenceEnd("a line\nnext", false)).isEqualTo(6);
    }

    @Test
    void chatKeepsGoingOverManyTurnsOfASmallContext() {
        Outcome o = coveWithInput("Tell me a story\nAnd then?\nMore, please\nWhat happened next?\nThe end?\n/bye\n",
                "chat", CliTest.stories(), "--seed", "1", "-t", "2", "--system", "You tell stories.");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).doesNotContain("cove: the prompt is").doesNotContain("/reset to start over");
        assertThat(o.out()).contains("of the oldest messages left the conversation to make room: the context holds 128 tokens");
        // The greeting, five answers, and the prompt that read /bye.
        assertThat(o.out().split("\n> ", -1)).hasSize(7);
    }

    @Test
    void chatRefusesOnlyTheTurnThatCannotFitAndGoesOn() {
        Outcome o = coveWithInput("x ".repeat(200) + "\nOnce upon a time\n", "chat", CliTest.stories(), "--seed", "1",
                "-t", "2", "-n", "8");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("but the context holds 128");
        String afterRefusal = o.out().substring(o.out().indexOf("but the context holds 128"));
        assertThat(afterRefusal.split("\n> ", -1)).as(o.out()).hasSize(3); // the second prompt is answered
    }

    @Test
    void trimmingDropsTheOldestExchangesAndKeepsTheSystemPrompt() {
        List<ChatMessage> c = new ArrayList<>(List.of(ChatMessage.system("S"), ChatMessage.user("u1"),
                ChatMessage.assistant("a1"), ChatMessage.user("u2"), ChatMessage.assistant("a2"), ChatMessage.user("u3")));
        int removed = ConversationTrimmer.trim(c, messages -> messages.size() * 10, 40);
        assertThat(removed).isEqualTo(2);
        assertThat(c).extracting(ChatMessage::content).containsExactly("S", "u2", "a2", "u3");
        ConversationTrimmer.trim(c, messages -> 1000, 40); // never fits: all but the system prompt and the newest go
        assertThat(c).extracting(ChatMessage::content).containsExactly("S", "u3");
    }

    // ---- 4. standard error for what the user needs -----------------------------------------------

    @Test
    void theTrustWarningOfAnUnsignedFileIsGivenOnce() throws IOException {
        String model = storiesCopy().toString();
        Outcome first = cove("run", model, "Once", "-n", "2", "-t", "2");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("no signature").contains("said once for this file");
        Outcome second = cove("run", model, "Once", "-n", "2", "-t", "2");
        assertThat(second.err()).doesNotContain("no signature").contains("tok/s");
        // A changed file is news again.
        Files.setLastModifiedTime(Path.of(model), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertThat(cove("run", model, "Once", "-n", "2", "-t", "2").err()).contains("no signature");
    }

    @Test
    void quietLeavesStandardErrorEmpty() throws IOException {
        Path model = storiesCopy();
        Outcome run = cove("run", model.toString(), "Once upon a time", "-n", "4", "-t", "2", "-q");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Once upon a time");
        assertThat(run.err()).isEmpty();
        Path text = Files.writeString(dir.resolve("t.txt"), "Once upon a time there was a cat. ".repeat(40));
        Outcome ppl = cove("perplexity", model.toString(), text.toString(), "-t", "2", "--chunks", "2", "--quiet");
        assertThat(ppl.exitCode()).as(ppl.err()).isZero();
        assertThat(ppl.err()).isEmpty();
        assertThat(ppl.out()).contains("Final estimate");
        // Errors still show.
        assertThat(cove("run", "no/such.gguf", "x", "-q").err()).contains("no/such.gguf");
    }

    // ---- 5. every MODEL argument takes what run takes -------------------------------------------

    @Test
    void infoTokenizeAndDryRunReadEncryptedModelsAndStoreNames() throws IOException {
        Path plain = storiesCopy();
        Path encrypted = dir.resolve("stories.gguf.enc");
        Outcome enc = cove("encrypt", plain.toString(), encrypted.toString());
        assertThat(enc.exitCode()).as(enc.err()).isZero();
        Outcome info = cove("info", encrypted.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("architecture:  llama").contains("parameters:    292.8 K");
        assertThat(info.err()).doesNotContain("not a GGUF file");
        Outcome tokens = cove("tokenize", encrypted.toString(), "Once upon a time", "--json");
        assertThat(tokens.out().strip()).isEqualTo("[1, 403, 407, 261, 378]");
        assertThat(cove("quantize", encrypted.toString(), "--dry-run", "Q8_0").out()).contains("Q8_0:");

        assertThat(cove("import", plain.toString(), "--name", "tiny-story").exitCode()).isZero();
        assertThat(cove("info", "tiny-story").out()).contains("architecture:  llama");
        assertThat(cove("tokenize", "tiny-story", "Once", "--json").out().strip()).isEqualTo("[1, 403]");
        Outcome bench = cove("bench", "tiny-story", "-p", "0", "-n", "2", "-r", "1", "--no-bandwidth", "--json");
        assertThat(bench.exitCode()).as(bench.err()).isZero();
    }

    // ---- 6. bench takes the model as its first argument too -------------------------------------

    @Test
    void benchTakesTheModelPositionallyOrWithM() {
        Outcome positional = cove("bench", CliTest.stories(), "-p", "4", "-n", "2", "-r", "1", "--no-bandwidth", "--json");
        assertThat(positional.exitCode()).as(positional.err()).isZero();
        assertThat(positional.out()).contains("\"model\":\"stories260K.gguf\"").contains("\"n_gen\":2");
        Outcome none = cove("bench", "-p", "4");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no model").contains("-m");
    }

    // ---- 7. quantize --dry-run needs no output file ----------------------------------------------

    @Test
    void quantizeDryRunTakesTheTypeWithoutAnOutputFile() {
        Outcome o = cove("quantize", CliTest.stories(), "--dry-run", "Q8_0");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("token_embd.weight").contains("Q8_0:");
        Outcome after = cove("quantize", CliTest.stories(), "Q4_0", "--dry-run");
        assertThat(after.exitCode()).as(after.err()).isZero();
        Outcome noOut = cove("quantize", CliTest.stories(), "Q8_0");
        assertThat(noOut.exitCode()).isEqualTo(1);
        assertThat(noOut.err()).contains("'Q8_0' is a TYPE").contains("--dry-run");
    }

    // ---- 8. bad -n and -c ------------------------------------------------------------------------

    @Test
    void negativeTokenCountsAreRefusedAndAContextBeyondTrainingIsWarnedAbout() {
        Outcome run = cove("run", CliTest.stories(), "Once", "-n", "-5");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("-n/--n-predict must be -1").contains("-5").doesNotContain("\tat ");
        Outcome chat = coveWithInput("hi\n", "chat", CliTest.stories(), "-n", "-2");
        assertThat(chat.exitCode()).isEqualTo(1);
        assertThat(chat.err()).contains("-n/--n-predict");
        Outcome wide = cove("run", CliTest.stories(), "Once", "-n", "2", "-c", "100000", "-t", "2");
        assertThat(wide.exitCode()).as(wide.err()).isZero();
        assertThat(wide.err()).contains("warning: -c 100000 is beyond the 128 tokens of context");
        assertThat(cove("run", CliTest.stories(), "Once", "-n", "2", "-c", "64", "-t", "2").err()).doesNotContain("beyond");
    }

    // ---- 9. one source of truth for each number --------------------------------------------------

    @Test
    void perplexityAnnouncesTheWindowsItRunsAndRefusesBeforeAnnouncing() throws IOException {
        Path shortText = Files.writeString(dir.resolve("short.txt"), "Once upon a time there was a cat. ".repeat(10));
        Outcome refused = cove("perplexity", CliTest.stories(), shortText.toString(), "--base", CliTest.stories(), "-t", "2");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("needs at least 256 (two windows)").doesNotContain("windows of");

        Path text = Files.writeString(dir.resolve("long.txt"), "Once upon a time there was a cat. ".repeat(40));
        Outcome o = cove("perplexity", CliTest.stories(), text.toString(), "--base", CliTest.stories(), "-t", "2");
        assertThat(o.exitCode()).as(o.err()).isZero();
        Matcher announced = Pattern.compile("(\\d+) windows of (\\d+) tokens, (\\d+) scored per window").matcher(o.err());
        assertThat(announced.find()).as(o.err()).isTrue();
        Matcher ran = Pattern.compile("(\\d+) windows of (\\d+) tokens, (\\d+) tokens scored").matcher(o.out());
        assertThat(ran.find()).as(o.out()).isTrue();
        assertThat(ran.group(1)).isEqualTo(announced.group(1));
        assertThat(ran.group(2)).isEqualTo(announced.group(2));
        assertThat(Long.parseLong(ran.group(3)))
                .isEqualTo(Long.parseLong(announced.group(1)) * Long.parseLong(announced.group(3)));
    }

    @Test
    void convertReportsTheParameterCountThatInfoReports() {
        Path shared = Path.of(CliTest.stories()).getParent();
        Path out = dir.resolve("converted.gguf");
        Outcome convert = cove("convert", "llama2c", shared.resolve("stories260K.bin").toString(),
                shared.resolve("tok512.bin").toString(), out.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        Matcher c = Pattern.compile(", ([0-9.]+ [KMB]) parameters").matcher(convert.out());
        assertThat(c.find()).as(convert.out()).isTrue();
        Matcher i = Pattern.compile("parameters: +([0-9.]+ [KMB])").matcher(cove("info", out.toString()).out());
        assertThat(i.find()).isTrue();
        assertThat(c.group(1)).isEqualTo(i.group(1));
    }

    // ---- 10. audit show fails before its table ---------------------------------------------------

    @Test
    void auditShowWithoutItsKeysPrintsNoTableHeader() {
        Outcome o = cove("audit", "show", "--keystore", dir.resolve("none.p12").toString(), "--dir", dir.toString());
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("no keystore here");
        assertThat(o.out()).doesNotContain("seq").doesNotContain("principal").isEmpty();
    }
}
