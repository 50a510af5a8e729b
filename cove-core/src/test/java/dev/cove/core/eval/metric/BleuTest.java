package dev.cove.core.eval.metric;

import static dev.cove.core.eval.metric.Resources.list;
import static dev.cove.core.eval.metric.Resources.number;
import static dev.cove.core.eval.metric.Resources.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cove.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sacreBLEU's own test cases and numbers (test_bleu.py, test_sentence_bleu.py), ported as data under eval/sacrebleu. */
class BleuTest {
    private static final Map<String, Object> BLEU = Resources.json("sacrebleu/test_bleu.json");

    @SuppressWarnings("unchecked")
    private static List<List<String>> refs(Object o) {
        return (List<List<String>>) o;
    }

    private static Bleu configured(Map<String, Object> kwargs) {
        Bleu b = Bleu.corpus();
        if (kwargs.containsKey("tokenize")) {
            b = b.tokenizer(BleuTokenizer.named((String) kwargs.get("tokenize")));
        }
        if (kwargs.containsKey("smooth_method")) {
            b = b.smoothing(Bleu.Smoothing.named((String) kwargs.get("smooth_method")));
        }
        return b;
    }

    @Test
    @SuppressWarnings("unchecked")
    void corpusBleuAsSacrebleu() {
        for (Map<String, Object> c : list(BLEU, "corpus")) {
            List<String> hyps = c.get("hyps") == Json.NULL ? strings(BLEU.get("hyps")) : strings(c.get("hyps"));
            Bleu.Score s = configured((Map<String, Object>) c.get("kwargs")).corpusScore(hyps, refs(BLEU.get("refs")));
            assertThat(s.score()).as(c.toString()).isCloseTo(number(c.get("bleu")), within(1e-4));
        }
    }

    @Test
    void maxNgramOrderAsSacrebleu() {
        for (Map<String, Object> c : list(BLEU, "max_ngram_order")) {
            int order = (int) number(c.get("order"));
            Bleu.Score s = Bleu.corpus().maxNgramOrder(order).corpusScore(strings(BLEU.get("hyps")), refs(BLEU.get("refs")));
            assertThat(String.format(Locale.ROOT, "%.2f", s.score())).as("order " + order).isEqualTo(c.get("bleu"));
        }
    }

    /** sacreBLEU's {@code raw_corpus_bleu}: floor smoothing, no tokenization, effective order. */
    private static Bleu.Score rawCorpusBleu(Map<String, Object> c) {
        Bleu b = Bleu.corpus().tokenizer(BleuTokenizer.NONE).effectiveOrder(true);
        b = c.get("smooth_value") == Json.NULL ? b.smoothing(Bleu.Smoothing.FLOOR)
                : b.smoothing(Bleu.Smoothing.FLOOR, number(c.get("smooth_value")));
        return b.corpusScore(strings(c.get("hyps")), refs(c.get("refs")));
    }

    @Test
    void rawBleuEffectiveOrderAndOffsetAsSacrebleu() {
        List<Map<String, Object>> cases = new ArrayList<>(list(BLEU, "raw_bleu"));
        cases.addAll(list(BLEU, "effective_order"));
        cases.addAll(list(BLEU, "offset"));
        for (Map<String, Object> c : cases) {
            assertThat(rawCorpusBleu(c).score() / 100).as(c.toString()).isCloseTo(number(c.get("bleu")), within(1e-8));
        }
    }

    @Test
    void statisticsAsSacrebleu() {
        for (Map<String, Object> c : list(BLEU, "statistics")) {
            Bleu.Score s = rawCorpusBleu(Map.of("hyps", c.get("hyps"), "refs", c.get("refs"), "smooth_value", 0.01));
            assertThat(s.counts()).containsExactly(doubles(c.get("counts")));
            assertThat(s.totals()).containsExactly(doubles(c.get("totals")));
        }
    }

    @Test
    void scoringAndDegenerateStatisticsAsSacrebleu() {
        for (Map<String, Object> c : list(BLEU, "scoring")) {
            Bleu.Score s = Bleu.computeBleu(doubles(c.get("correct")), doubles(c.get("total")), (long) number(c.get("sys_len")),
                    (long) number(c.get("ref_len")), Bleu.Smoothing.NONE, Double.NaN, false, 4);
            assertThat(s.score() / 100).isCloseTo(number(c.get("bleu")), within(1e-8));
        }
        for (Map<String, Object> c : list(BLEU, "degenerate")) {
            Bleu.Score s = Bleu.computeBleu(doubles(c.get("correct")), doubles(c.get("total")), (long) number(c.get("sys_len")),
                    (long) number(c.get("ref_len")), Bleu.Smoothing.FLOOR, number(c.get("offset")), false, 4);
            assertThat(s.score()).as(c.toString()).isEqualTo(0.0);
        }
    }

    @Test
    void sentenceBleuAsSacrebleu() {
        Map<String, Object> data = Resources.json("sacrebleu/test_sentence_bleu.json");
        for (Map<String, Object> c : list(data, "cases")) {
            for (Map<String, Object> run : list(c, "runs")) {
                Bleu b = Bleu.sentence().tokenizer(BleuTokenizer.named((String) run.get("tokenize")))
                        .lowercase((Boolean) run.get("lowercase"));
                Bleu.Smoothing method = Bleu.Smoothing.named((String) run.get("smooth"));
                b = run.get("value") == Json.NULL ? b.smoothing(method) : b.smoothing(method, number(run.get("value")));
                double score = b.sentenceScore((String) c.get("sys"), List.of((String) c.get("ref"))).score();
                // test_sentence_bleu.py gives its numbers to 2-5 decimals and asserts within 1e-3
                assertThat(score).as(run.toString()).isCloseTo(number(run.get("bleu")), within(1e-3));
            }
        }
    }

    /** Hand-checked against the regular expressions of sacrebleu/tokenizers/tokenizer_13a.py and tokenizer_re.py. */
    @Test
    void thirteenATokenizerSplitsAsMteval() {
        BleuTokenizer t = BleuTokenizer.V13A;
        assertThat(t.tokenize("The dog bit the man.")).isEqualTo("The dog bit the man .");
        // the apostrophe (0x27) is outside mteval's symbol ranges: flexeval's test of sacrebleu's 13a has "I'm a student ."
        assertThat(t.tokenize("I'm a student.")).isEqualTo("I'm a student .");
        assertThat(t.tokenize("It costs $1,000.50, or 3-4 euros.")).isEqualTo("It costs $ 1,000.50 , or 3 - 4 euros .");
        assertThat(t.tokenize("a &amp; b &lt;c&gt; &quot;d&quot;<skipped>")).isEqualTo("a & b < c > \" d \"");
        assertThat(t.tokenize("hyphen-\nated\nline")).isEqualTo("hyphenated line");
        assertThat(BleuTokenizer.INTL.tokenize("\"this,\" she   said, is an example.")).isEqualTo("\" this , \" she said , is an example .");
        assertThat(BleuTokenizer.CHAR.tokenize("ab c")).isEqualTo("a b   c");
    }

    @Test
    void pythonWhiteSpaceSeparatesWords() {
        // U+00A0 and U+3000 are white space to Python's str.split, not to Java's String.split("\\s+")
        assertThat(PythonText.split(" a\u00a0b\u3000c\u001fd ")).containsExactly("a", "b", "c", "d");
        assertThat(PythonText.rstrip("x \u2009\n")).isEqualTo("x");
    }

    @Test
    void badInputIsRefusedClearly() {
        assertThatThrownBy(() -> Bleu.sentence().sentenceScore("a b", List.of("", ""))).hasMessageContaining("non-empty reference");
        assertThatThrownBy(() -> Bleu.corpus().corpusScore(List.of("a", "b"), List.of(List.of("a"))))
                .hasMessageContaining("reference stream has 1 lines but there are 2 hypotheses");
        assertThatThrownBy(() -> BleuTokenizer.named("moses")).hasMessageContaining("unknown BLEU tokenizer 'moses'");
        assertThatThrownBy(() -> Bleu.Smoothing.named("laplace")).hasMessageContaining("unknown BLEU smoothing 'laplace'");
        assertThatThrownBy(() -> Bleu.corpus().smoothing(Bleu.Smoothing.FLOOR, -1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Bleu.corpus().maxNgramOrder(0)).hasMessageContaining("at least 1");
    }

    private static double[] doubles(Object o) {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) o;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(l.get(i));
        }
        return out;
    }
}
