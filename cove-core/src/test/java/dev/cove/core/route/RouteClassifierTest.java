package dev.cove.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Training, classifying, the training fingerprint, and the training sets that are refused. */
class RouteClassifierTest {
    static final List<RouteExamples> TRAINING = List.of(
            new RouteExamples("code", List.of("def f(x): return x + 1", "public static void main(String[] args) {}",
                    "SELECT name FROM users WHERE id = 3;", "git rebase --continue after a conflict",
                    "NullPointerException at App.java:14")),
            new RouteExamples("general", List.of("plan a weekend trip to Lisbon", "why is the sky blue",
                    "write a birthday message for my aunt", "recommend a good novel", "how long to boil an egg")));

    @Test
    void learnsTheRoutesOfItsExamplesAndGivesProbabilities() {
        RouteClassifier c = RouteClassifier.train(TRAINING);
        assertThat(c.routes()).containsExactly("code", "general");
        for (RouteExamples r : TRAINING) {
            for (String e : r.examples()) {
                assertThat(c.classify(e).route()).as(e).isEqualTo(r.route());
            }
        }
        assertThat(c.classify("def g(y): return y * 2").route()).isEqualTo("code");
        assertThat(c.classify("plan a trip to Porto").route()).isEqualTo("general");
        double[] p = c.probabilities("anything at all");
        assertThat(p[0] + p[1]).isCloseTo(1.0, within(1e-9));
        Prediction best = c.classify("SELECT id FROM orders;");
        assertThat(best.confidence()).isEqualTo(Math.max(c.probabilities("SELECT id FROM orders;")[0],
                c.probabilities("SELECT id FROM orders;")[1]));
    }

    @Test
    void trainingIsDeterministicAndTheFingerprintFollowsTheExamples() {
        RouteClassifier a = RouteClassifier.train(TRAINING);
        RouteClassifier b = RouteClassifier.train(TRAINING);
        assertThat(a.probabilities("a query about SQL")).containsExactly(b.probabilities("a query about SQL"));
        assertThat(a.trainedFrom(TRAINING)).isTrue();
        List<RouteExamples> changed = List.of(TRAINING.get(0), new RouteExamples("general",
                List.of("plan a weekend trip to Lisbon", "why is the sky blue")));
        assertThat(a.trainedFrom(changed)).isFalse();
        List<RouteExamples> renamed = List.of(TRAINING.get(0), new RouteExamples("chat", TRAINING.get(1).examples()));
        assertThat(a.trainedFrom(renamed)).isFalse();
        assertThat(a.trainedFrom(List.of(TRAINING.get(1), TRAINING.get(0)))).isFalse();
    }

    @Test
    void aStrongerPenaltyGivesSofterConfidence() {
        RouteClassifier sharp = RouteClassifier.train(TRAINING, NgramFeatures.standard(),
                new LogisticRegression.Options(1e-5, 2000, 1e-7));
        RouteClassifier soft = RouteClassifier.train(TRAINING, NgramFeatures.standard(),
                new LogisticRegression.Options(1e-1, 2000, 1e-7));
        String text = "def h(z): return z";
        assertThat(sharp.classify(text).confidence()).isGreaterThan(soft.classify(text).confidence());
        assertThat(soft.classify(text).route()).isEqualTo("code");
    }

    @Test
    void badTrainingSetsAreRefused() {
        assertThatThrownBy(() -> RouteClassifier.train(List.of(TRAINING.get(0)))).isInstanceOf(RouteException.class)
                .hasMessageContaining("at least two routes");
        assertThatThrownBy(() -> RouteClassifier.train(List.of(TRAINING.get(0), new RouteExamples("code", List.of("x")))))
                .isInstanceOf(RouteException.class).hasMessageContaining("two routes are named 'code'");
        assertThatThrownBy(() -> RouteClassifier.train(List.of(TRAINING.get(0), new RouteExamples("empty", List.of()))))
                .isInstanceOf(RouteException.class).hasMessageContaining("route 'empty' has no examples");
        assertThatThrownBy(() -> RouteClassifier.train(List.of(TRAINING.get(0), new RouteExamples("blank", List.of("ok", " ")))))
                .isInstanceOf(RouteException.class).hasMessageContaining("route 'blank': example 2 is empty");
    }
}
