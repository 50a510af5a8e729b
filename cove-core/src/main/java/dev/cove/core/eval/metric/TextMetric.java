package dev.cove.core.eval.metric;

/**
 * A score of one model output against what one eval case expects (its references, pattern or
 * schema are part of the metric). Implementations are immutable and thread-safe.
 */
public interface TextMetric {
    /** The metric's name in reports, e.g. {@code rougeL}, {@code bleu}, {@code exact}. */
    String label();

    /** The score of {@code output}: 0 to 1, or 0 to 100 for BLEU. */
    double score(String output);
}
