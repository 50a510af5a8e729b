package dev.cove.core.eval.metric;

import java.util.List;

/** Sentence BLEU (0 to 100) of the output against the expected answers, as sacreBLEU's {@code sentence_bleu}. */
public record BleuMetric(String label, Bleu bleu, List<String> references) implements TextMetric {
    public BleuMetric {
        references = List.copyOf(references);
        if (references.stream().allMatch(String::isEmpty)) {
            throw new IllegalArgumentException("BLEU needs at least one non-empty expected answer");
        }
    }

    @Override
    public double score(String output) {
        return bleu.sentenceScore(output, references).score();
    }

    /** The segment's counts, for corpus BLEU over many cases. */
    public Bleu.Statistics statistics(String output) {
        return bleu.statistics(output, references);
    }
}
