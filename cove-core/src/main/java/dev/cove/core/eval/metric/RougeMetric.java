package dev.cove.core.eval.metric;

import java.util.List;

/** ROUGE of the output against the expected answers (the best of them, as rouge-score's {@code score_multi}). */
public record RougeMetric(String label, Rouge rouge, Rouge.Type type, Measure measure, List<String> targets)
        implements TextMetric {

    /** Which of ROUGE's three numbers is the score. */
    public enum Measure {
        FMEASURE, PRECISION, RECALL;

        public static Measure named(String name) {
            return switch (name) {
                case "f", "fmeasure" -> FMEASURE;
                case "p", "precision" -> PRECISION;
                case "r", "recall" -> RECALL;
                default -> throw new IllegalArgumentException("unknown ROUGE measure '" + name + "': use f, p or r");
            };
        }
    }

    public RougeMetric {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("ROUGE needs at least one expected answer");
        }
    }

    @Override
    public double score(String output) {
        Rouge.Score s = rouge.scoreMulti(type, targets, output);
        return switch (measure) {
            case FMEASURE -> s.fmeasure();
            case PRECISION -> s.precision();
            case RECALL -> s.recall();
        };
    }
}
