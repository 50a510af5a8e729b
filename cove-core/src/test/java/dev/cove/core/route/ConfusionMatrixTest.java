package dev.cove.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Accuracy, precision and recall against scikit-learn's documented example of
 * {@code classification_report} (y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]: precision
 * 0.50, 0.00, 1.00; recall 1.00, 0.00, 0.67; accuracy 0.60).
 */
class ConfusionMatrixTest {
    @Test
    void matchesScikitLearnsClassificationReportExample() {
        ConfusionMatrix m = new ConfusionMatrix(List.of("class 0", "class 1", "class 2"));
        int[] truth = {0, 1, 2, 2, 2};
        int[] predicted = {0, 0, 2, 2, 1};
        for (int i = 0; i < truth.length; i++) {
            m.add(truth[i], predicted[i]);
        }
        assertThat(m.accuracy()).isCloseTo(0.60, within(1e-12));
        assertThat(m.precision(0)).isCloseTo(0.50, within(1e-12));
        assertThat(m.precision(1)).isCloseTo(0.00, within(1e-12));
        assertThat(m.precision(2)).isCloseTo(1.00, within(1e-12));
        assertThat(m.recall(0)).isCloseTo(1.00, within(1e-12));
        assertThat(m.recall(1)).isCloseTo(0.00, within(1e-12));
        assertThat(m.recall(2)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.support(2)).isEqualTo(3);
        assertThat(m.count(2, 1)).isEqualTo(1);
    }

    @Test
    void aRouteNothingWentToHasNoPrecision() {
        ConfusionMatrix m = new ConfusionMatrix(List.of("a", "b"));
        m.add(0, 0);
        assertThat(m.precision(1)).isNaN();
        assertThat(m.recall(1)).isNaN();
        assertThat(new ConfusionMatrix(List.of("a", "b")).accuracy()).isNaN();
    }
}
