package dev.cove.core.eval;

/**
 * The quantization checks, per case: the model and its source (the base) read the same tokens,
 * the case's prompt followed by its first expected answer, and their next-token distributions
 * are compared at each position of the answer, as {@code llama-perplexity --kl-divergence} does
 * over a text (see {@link Perplexity#compare}).
 */
public enum ModelComparison {
    /** Mean KL divergence KL(base || model) in nats per token: lower is better, the threshold is a maximum. */
    KL("kl", false),
    /** Fraction of positions where both models' most likely token is the same: the threshold is a minimum. */
    TOP1("top1", true);

    private final String id;
    private final boolean higherIsBetter;

    ModelComparison(String id, boolean higherIsBetter) {
        this.id = id;
        this.higherIsBetter = higherIsBetter;
    }

    public String id() {
        return id;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }
}
