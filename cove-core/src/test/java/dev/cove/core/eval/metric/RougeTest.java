package dev.cove.core.eval.metric;

import static dev.cove.core.eval.metric.Resources.list;
import static dev.cove.core.eval.metric.Resources.number;
import static dev.cove.core.eval.metric.Resources.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Google rouge-score's own tests (rouge_scorer_test.py, tokenize_test.py, tokenizers_test.py), ported as data under eval/rouge-score. */
class RougeTest {
    private static final Map<String, Object> DATA = Resources.json("rouge-score/rouge_scorer_test.json");

    private static String line(String file, int line) {
        String text = Resources.text("rouge-score/" + file);
        // line -1: the whole file; else Python's readlines()[line], newline kept
        return line < 0 ? text : text.split("(?<=\n)")[line];
    }

    @Test
    void scoresAsRougeScore() {
        for (Map<String, Object> c : list(DATA, "cases")) {
            String target;
            String prediction;
            if (c.containsKey("files")) {
                List<?> f = (List<?>) c.get("files");
                int l = (int) number(f.get(2));
                target = line((String) f.get(0), l);
                prediction = line((String) f.get(1), l);
            } else {
                target = (String) c.get("target");
                prediction = (String) c.get("prediction");
            }
            Rouge rouge = new Rouge(Boolean.TRUE.equals(c.get("stem")));
            Rouge.Score s = rouge.score(Rouge.Type.named((String) c.get("type")), target, prediction);
            String name = (String) c.get("name");
            assertThat(s.precision()).as(name + " precision").isCloseTo(number(c.get("p")), within(1e-5));
            assertThat(s.recall()).as(name + " recall").isCloseTo(number(c.get("r")), within(1e-5));
            assertThat(s.fmeasure()).as(name + " F").isCloseTo(number(c.get("f")), within(1e-5));
        }
    }

    @Test
    void tokenizesAsRougeScore() {
        for (Map<String, Object> c : list(DATA, "tokenize")) {
            RougeTokenizer t = new RougeTokenizer(Boolean.TRUE.equals(c.get("stem")));
            assertThat(t.tokenize((String) c.get("text"))).as(c.toString()).isEqualTo(strings(c.get("tokens")));
        }
    }

    private static List<String> words(int... ids) {
        List<String> out = new ArrayList<>();
        for (int i : ids) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    /** testLcsTable, testUnionLcs and testSummaryLevelLcs of rouge_scorer_test.py. */
    @Test
    void lcsHelpersAsRougeScore() {
        List<String> ref = words(1, 2, 3, 4, 5);
        assertThat(Rouge.lcsTable(ref, words(2, 5, 3, 4))[5][4]).isEqualTo(3);
        assertThat(Rouge.lcsIndices(ref, words(2, 5, 3, 4))).containsExactly(1, 2, 3);
        assertThat(Rouge.lcsTable(ref, words(8, 9))[5][2]).isZero();
        assertThat(Rouge.lcsIndices(ref, words(8, 9))).isEmpty();
        assertThat(Rouge.unionLcs(ref, List.of(words(1, 2, 6, 7, 8), words(1, 3, 8, 9, 5)))).isEqualTo(words(1, 2, 3, 5));
        Rouge.Score s = Rouge.summaryLevelLcs(List.of(ref), List.of(words(1, 2, 6, 7, 8), words(1, 3, 8, 9, 5)));
        assertThat(s.recall()).isEqualTo(0.8);
        assertThat(s.precision()).isEqualTo(0.4);
        assertThat(s.fmeasure()).isCloseTo(0.5333, within(1e-3));
        assertThat(Rouge.summaryLevelLcs(List.of(List.of("reference")), List.of(List.of())).recall()).isZero();
    }

    @Test
    void typesAsRougeScore() {
        for (String valid : new String[] {"rouge1", "rouge9", "rougeL", "rougeLsum"}) {
            assertThat(Rouge.Type.named(valid).name()).isEqualTo(valid);
        }
        for (String invalid : new String[] {"rougen", "rouge0", "rouge10"}) {
            assertThatThrownBy(() -> Rouge.Type.named(invalid)).hasMessageContaining("unknown ROUGE type '" + invalid + "'");
        }
    }

    @Test
    void severalTargetsTakeTheBestFmeasure() {
        Rouge rouge = new Rouge(false);
        Rouge.Score s = rouge.scoreMulti(Rouge.Type.named("rouge1"), List.of("a b c d", "testing one two"), "testing one");
        assertThat(s.fmeasure()).isCloseTo(0.8, within(1e-12));
        assertThatThrownBy(() -> rouge.scoreMulti(Rouge.Type.ROUGE_L, List.of(), "x")).hasMessageContaining("at least one target");
    }
}
