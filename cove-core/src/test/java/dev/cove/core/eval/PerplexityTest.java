package dev.cove.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.model.ForwardState;
import dev.cove.core.quantize.FileType;
import dev.cove.core.quantize.Quantizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Perplexity, KL divergence and top-1 agreement on stories260K (a real TinyStories model) over
 * {@code eval/stories.txt}, children's stories written for this test, and on quantizations of it.
 */
class PerplexityTest {
    static final int CTX = 128;

    @TempDir
    static Path dir;
    static Model model;
    static int[] tokens;

    @BeforeAll
    static void load() throws IOException {
        Path file = SharedData.require("models/stories260K/stories260K.gguf");
        model = Model.load(file, 1);
        tokens = Perplexity.tokenize(model, text());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static String text() throws IOException {
        try (InputStream in = PerplexityTest.class.getResourceAsStream("/eval/stories.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void textIsAFewThousandTokensStartingWithBos() {
        assertThat(tokens.length).isBetween(3000, 8000);
        assertThat(tokens[0]).isEqualTo(model.tokenizer().vocabulary().bos());
    }

    @Test
    void storiesModelFindsChildrensStoriesPredictable() {
        Perplexity.Result r = Perplexity.compute(model, tokens, Perplexity.Options.context(CTX));
        System.out.printf("stories260K on stories.txt: %d tokens, ctx %d, %d windows, %d scored: PPL = %.4f +/- %.5f%n",
                r.textTokens(), CTX, r.windows(), r.scored(), r.perplexity(), r.error());
        assertThat(r.windows()).isEqualTo(tokens.length / CTX);
        assertThat(r.scored()).isEqualTo((long) r.windows() * (CTX - CTX / 2 - 1));
        // A 260K-parameter model on in-domain text: far better than chance (512), far from perfect.
        assertThat(r.perplexity()).isBetween(1.5, 15.0);
        assertThat(r.error()).isPositive().isLessThan(r.perplexity() / 10);
    }

    /** An independent recomputation: fresh state per window, BOS first, score the second half. */
    @Test
    void followsLlamaPerplexitysWindowsAndScoring() {
        int ctx = 64;
        Perplexity.Result r = Perplexity.compute(model, tokens, Perplexity.Options.context(ctx).withMaxWindows(3));
        double nll = 0;
        int count = 0;
        int vocab = model.config().vocabularySize();
        for (int w = 0; w < 3; w++) {
            ForwardState s = model.forwardPass().newState(ctx);
            for (int pos = 0; pos < ctx; pos++) {
                int token = pos == 0 ? model.tokenizer().vocabulary().bos() : tokens[w * ctx + pos];
                model.forwardPass().forward(s, token, pos, true);
                if (pos >= ctx / 2 && pos + 1 < ctx) {
                    float[] logits = s.logits();
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < vocab; i++) {
                        max = Math.max(max, logits[i]);
                    }
                    double sum = 0;
                    for (int i = 0; i < vocab; i++) {
                        sum += Math.exp(logits[i] - max);
                    }
                    nll += max + Math.log(sum) - logits[tokens[w * ctx + pos + 1]];
                    count++;
                }
            }
        }
        assertThat(r.scored()).isEqualTo(count);
        assertThat(r.perplexity()).isCloseTo(Math.exp(nll / count), within(1e-9));
    }

    @Test
    void aModelAgainstItselfHasNoDivergence() {
        Perplexity.Comparison c = Perplexity.compare(model, model, tokens, Perplexity.Options.context(CTX).withMaxWindows(4));
        assertThat(c.meanKl()).isCloseTo(0, within(1e-12));
        assertThat(c.top1()).isEqualTo(1.0);
        assertThat(c.model().perplexity()).isEqualTo(c.base().perplexity());
    }

    @Test
    void fewerBitsDoMoreDamage() {
        Path source = SharedData.require("models/stories260K/stories260K.gguf");
        List<QualityReport.Row> rows = new ArrayList<>();
        rows.add(QualityReport.source("F32", model, source.toFile().length(), 32, tokens, Perplexity.Options.context(CTX)));
        double previousKl = 0;
        for (FileType type : new FileType[] {FileType.Q8_0, FileType.Q4_0, FileType.Q4_K_M}) {
            Path out = dir.resolve("stories260K-" + type + ".gguf");
            Quantizer.Result q = Quantizer.quantize(source, out, Quantizer.Options.of(type).withThreads(1).withMeasureError(true));
            QualityReport.Row row = QualityReport.quantized(type.name(), model, out, q, 1, tokens, Perplexity.Options.context(CTX));
            rows.add(row);
            assertThat(row.kl()).as(type.name()).isPositive();
            assertThat(row.top1()).as(type.name()).isGreaterThan(0.5);
            if (type == FileType.Q4_0) {
                assertThat(row.kl()).as("Q4_0 vs Q8_0").isGreaterThan(previousKl);
            }
            previousKl = row.kl();
        }
        System.out.print(QualityReport.format(rows));
        assertThat(rows.get(1).kl()).as("Q8_0 KL").isLessThan(0.01);
        assertThat(rows.get(1).top1()).as("Q8_0 top-1").isGreaterThan(0.95);
    }

    @Test
    void tooShortATextIsRefusedWithAMessage() {
        int[] few = java.util.Arrays.copyOf(tokens, 200);
        assertThatThrownBy(() -> Perplexity.compute(model, few, Perplexity.Options.context(128)))
                .isInstanceOf(EvalException.class).hasMessageContaining("200 tokens").hasMessageContaining("at least 256");
    }
}
