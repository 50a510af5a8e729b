package dev.cove.core.eval;

import dev.cove.core.eval.metric.TextMetric;

/**
 * One metric of a case with its threshold: either a {@link TextMetric} of the output or a
 * {@link ModelComparison} against the base model (exactly one of the two is set).
 *
 * @param threshold the score the case must reach (at least, or at most for KL divergence); null: reported only
 */
public record Check(String label, TextMetric text, ModelComparison comparison, Double threshold) {
    public Check {
        if ((text == null) == (comparison == null)) {
            throw new IllegalArgumentException("a check is a text metric or a model comparison");
        }
    }

    public boolean higherIsBetter() {
        return comparison == null || comparison.higherIsBetter();
    }

    /** Whether {@code score} meets the threshold (always, without one). NaN never passes. */
    public boolean passes(double score) {
        if (Double.isNaN(score)) {
            return false;
        }
        if (threshold == null) {
            return true;
        }
        return higherIsBetter() ? score >= threshold : score <= threshold;
    }
}
