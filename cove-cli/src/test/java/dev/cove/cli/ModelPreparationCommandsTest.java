package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cove quantize}, {@code cove perplexity} and {@code cove convert hf} on the command line. */
class ModelPreparationCommandsTest {

    @TempDir
    Path tmp;

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private Path text() throws IOException {
        String story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
                + "One day, she saw a big red ball. She wanted to play with it. Her mom said, \"Be careful, Lily!\" "
                + "Lily smiled and ran to the ball. They played together all day and were very happy.\n";
        return Files.writeString(tmp.resolve("story.txt"), story.repeat(6));
    }

    @Test
    void quantizesWithAReport() throws IOException {
        Path out = tmp.resolve("q8.gguf");
        Outcome o = run(new QuantizeCommand(), CliTest.stories(), out.toString(), "q8_0", "-t", "1",
                "--report", text().toString(), "--types", "Q4_0", "-c", "64");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(out).exists();
        assertThat(o.out()).contains("wrote " + out).contains("Q8_0");
        assertThat(o.out()).contains("perplexity").contains("KL divergence").contains("top-1 agree")
                .contains("source").contains("Q4_0");
        assertThat(o.err()).contains("fallback"); // stories260K's ffn_down rows of 172 are not whole Q8_0 blocks
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("q8.gguf", "story.txt");
        }
    }

    @Test
    void quantizeRefusesAQuantizedInputWithoutTheFlag() {
        Path q8 = tmp.resolve("q8.gguf");
        assertThat(run(new QuantizeCommand(), CliTest.stories(), q8.toString(), "Q8_0", "-t", "1").exitCode()).isZero();
        Outcome o = run(new QuantizeCommand(), q8.toString(), tmp.resolve("q4.gguf").toString(), "Q4_0", "-t", "1");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("already quantized").contains("--allow-requantize");
        assertThat(tmp.resolve("q4.gguf")).doesNotExist();
        Outcome again = run(new QuantizeCommand(), q8.toString(), tmp.resolve("q4.gguf").toString(), "Q4_0", "-t", "1",
                "--allow-requantize");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("warning").contains("re-quantizing");
    }

    @Test
    void unknownTypeIsAUserError() {
        Outcome o = run(new QuantizeCommand(), CliTest.stories(), tmp.resolve("x.gguf").toString(), "Q7_X");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("unknown quantization type 'Q7_X'").contains("Q4_K_M");
    }

    @Test
    void dryRunListsTypes() {
        Outcome o = run(new QuantizeCommand(), CliTest.stories(), "--dry-run", tmp.resolve("x.gguf").toString(), "Q4_K_M");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("output.weight").contains("Q8_0").contains("Q5_0").contains("(fallback)");
        assertThat(tmp.resolve("x.gguf")).doesNotExist();
    }

    @Test
    void perplexityAndKlDivergence() throws IOException {
        Outcome o = run(new PerplexityCommand(), CliTest.stories(), text().toString(), "-c", "64", "-t", "1");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("Final estimate: PPL = ");
        assertThat(o.err()).contains("[1]");
        Outcome kl = run(new PerplexityCommand(), CliTest.stories(), text().toString(), "-c", "64", "-t", "1",
                "--base", CliTest.stories());
        assertThat(kl.exitCode()).as(kl.err()).isZero();
        assertThat(kl.out()).contains("Mean KLD       : 0.000000").contains("Same top p     : 100.000");
    }

    @Test
    void perplexityNeedsEnoughText() throws IOException {
        Path small = Files.writeString(tmp.resolve("small.txt"), "Once upon a time.");
        Outcome o = run(new PerplexityCommand(), CliTest.stories(), small.toString(), "-c", "64");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("needs at least 128");
    }

    @Test
    void convertHfExplainsWhatIsMissing() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("ckpt"));
        Outcome o = run(new ConvertCommand(), "hf", dir.toString(), tmp.resolve("out.gguf").toString());
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err()).contains("config.json is missing");
        assertThat(tmp.resolve("out.gguf")).doesNotExist();
        Outcome bad = run(new ConvertCommand(), "hf", dir.toString(), tmp.resolve("out.gguf").toString(), "--outtype", "q4_0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown output type");
    }
}
