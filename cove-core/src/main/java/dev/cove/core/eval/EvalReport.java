package dev.cove.core.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What an eval run found: for each model, each case's scores against its thresholds. Summaries
 * (per-tag means, worst cases, failures) and a JSON form for CI. Case outputs are kept for the
 * caller to look at, but nothing here prints them: the summaries, failure messages and JSON name
 * cases by id and give numbers only.
 */
public record EvalReport(String suite, List<ModelResult> models) {
    public EvalReport {
        models = List.copyOf(models);
    }

    /** One check's outcome. {@code score} is NaN when the case could not be scored (see {@link CaseResult#error}). */
    public record Score(Check check, double score) {
        public boolean passed() {
            return check.passes(score);
        }
    }

    /**
     * @param output the generated text (null when no check needed it)
     * @param error  why the case could not run (a prompt longer than the context, ...), or null
     * @param nanos  time spent on the case
     */
    public record CaseResult(EvalCase evalCase, String output, List<Score> scores, String error, long nanos) {
        public CaseResult {
            scores = List.copyOf(scores);
        }

        public boolean passed() {
            return error == null && scores.stream().allMatch(Score::passed);
        }
    }

    /**
     * @param corpusBleu for each BLEU label, the corpus BLEU of this model's outputs over the cases that have it
     */
    public record ModelResult(String model, List<CaseResult> cases, Map<String, Double> corpusBleu) {
        public ModelResult {
            cases = List.copyOf(cases);
            corpusBleu = Map.copyOf(corpusBleu);
        }

        public boolean passed() {
            return cases.stream().allMatch(CaseResult::passed);
        }
    }

    /** A failed check (or a case that could not run), described without any of its text. */
    public record Failure(String model, String caseId, int line, String label, String message) {
    }

    /**
     * One line of the summary table: a metric's scores over the cases with a tag ("all" for every case).
     *
     * @param failed cases whose score misses the metric's threshold
     */
    public record SummaryRow(String model, String label, String tag, int cases, double mean, double worst, int failed) {
    }

    public boolean passed() {
        return models.stream().allMatch(ModelResult::passed);
    }

    public List<Failure> failures() {
        List<Failure> out = new ArrayList<>();
        for (ModelResult m : models) {
            for (CaseResult c : m.cases()) {
                EvalCase ec = c.evalCase();
                if (c.error() != null) {
                    out.add(new Failure(m.model(), ec.id(), ec.line(), "", "could not run: " + c.error()));
                    continue;
                }
                for (Score s : c.scores()) {
                    if (!s.passed()) {
                        out.add(new Failure(m.model(), ec.id(), ec.line(), s.check().label(), describe(s)));
                    }
                }
            }
        }
        return out;
    }

    /** "rougeL 0.4120 < 0.8000" and the like. */
    public static String describe(Score s) {
        Check c = s.check();
        if (c.threshold() == null) {
            return String.format(Locale.ROOT, "%s %.4f", c.label(), s.score());
        }
        String relation = s.passed() ? (c.higherIsBetter() ? ">=" : "<=") : (c.higherIsBetter() ? "<" : ">");
        return String.format(Locale.ROOT, "%s %.4f %s %.4f", c.label(), s.score(), relation, c.threshold());
    }

    /** Throws an {@link AssertionError} listing every failed check (case ids and numbers, no text): for JUnit tests. */
    public void assertPassed() {
        List<Failure> failures = failures();
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder().append(failures.size()).append(" eval check")
                .append(failures.size() == 1 ? "" : "s").append(" failed in ").append(suite).append(':');
        for (Failure f : failures) {
            b.append("\n  ").append(f.model()).append(" / ").append(f.caseId()).append(" (line ").append(f.line()).append("): ")
                    .append(f.message());
        }
        throw new AssertionError(b.toString());
    }

    /** Per model and metric: the mean, worst score and failures over all cases, then over each tag. */
    public List<SummaryRow> summary() {
        List<SummaryRow> rows = new ArrayList<>();
        for (ModelResult m : models) {
            Set<String> labels = new LinkedHashSet<>();
            Set<String> tags = new LinkedHashSet<>();
            for (CaseResult c : m.cases()) {
                c.evalCase().checks().forEach(ch -> labels.add(ch.label()));
                tags.addAll(c.evalCase().tags());
            }
            for (String label : labels) {
                rows.add(row(m, label, "all"));
                for (String tag : tags) {
                    SummaryRow r = row(m, label, tag);
                    if (r.cases() > 0) {
                        rows.add(r);
                    }
                }
            }
        }
        return rows;
    }

    private static SummaryRow row(ModelResult m, String label, String tag) {
        int n = 0;
        int failed = 0;
        double sum = 0;
        double worst = Double.NaN;
        for (CaseResult c : m.cases()) {
            if (!tag.equals("all") && !c.evalCase().tags().contains(tag)) {
                continue;
            }
            for (Score s : c.scores()) {
                if (!s.check().label().equals(label)) {
                    continue;
                }
                n++;
                if (!s.passed()) {
                    failed++;
                }
                if (!Double.isNaN(s.score())) {
                    sum += s.score();
                    boolean worse = Double.isNaN(worst) || (s.check().higherIsBetter() ? s.score() < worst : s.score() > worst);
                    worst = worse ? s.score() : worst;
                }
            }
            if (c.error() != null && c.evalCase().checks().stream().anyMatch(ch -> ch.label().equals(label))) {
                n++;
                failed++;
            }
        }
        return new SummaryRow(m.model(), label, tag, n, n == 0 ? Double.NaN : sum / n, worst, failed);
    }

    /** A model's cases for one metric, worst first; at most {@code limit}. */
    public static List<CaseResult> worst(ModelResult m, String label, int limit) {
        List<CaseResult> with = new ArrayList<>();
        for (CaseResult c : m.cases()) {
            if (score(c, label) != null) {
                with.add(c);
            }
        }
        with.sort(Comparator.comparingDouble((CaseResult c) -> {
            Score s = score(c, label);
            double v = Double.isNaN(s.score()) ? Double.NEGATIVE_INFINITY : s.score();
            return s.check().higherIsBetter() ? v : -v;
        }));
        return with.subList(0, Math.min(limit, with.size()));
    }

    /** The case's score for {@code label}, or null when it has no such check. */
    public static Score score(CaseResult c, String label) {
        for (Score s : c.scores()) {
            if (s.check().label().equals(label)) {
                return s;
            }
        }
        return null;
    }

    /** The report as JSON values (maps and lists, for {@link dev.cove.core.json.Json#write}): ids, tags and numbers, no text. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("suite", suite);
        root.put("passed", passed());
        List<Object> ms = new ArrayList<>();
        for (ModelResult m : models) {
            Map<String, Object> mj = new LinkedHashMap<>();
            mj.put("model", m.model());
            mj.put("passed", m.passed());
            List<Object> summary = new ArrayList<>();
            for (SummaryRow r : summary()) {
                if (!r.model().equals(m.model())) {
                    continue;
                }
                Map<String, Object> rj = new LinkedHashMap<>();
                rj.put("metric", r.label());
                rj.put("tag", r.tag());
                rj.put("cases", r.cases());
                rj.put("mean", finite(r.mean()));
                rj.put("worst", finite(r.worst()));
                rj.put("failed", r.failed());
                summary.add(rj);
            }
            mj.put("summary", summary);
            if (!m.corpusBleu().isEmpty()) {
                Map<String, Object> cb = new LinkedHashMap<>();
                m.corpusBleu().forEach((k, v) -> cb.put(k, finite(v)));
                mj.put("corpus_bleu", cb);
            }
            List<Object> cases = new ArrayList<>();
            for (CaseResult c : m.cases()) {
                Map<String, Object> cj = new LinkedHashMap<>();
                cj.put("id", c.evalCase().id());
                cj.put("line", c.evalCase().line());
                cj.put("tags", c.evalCase().tags());
                cj.put("passed", c.passed());
                cj.put("seconds", c.nanos() / 1e9);
                if (c.error() != null) {
                    cj.put("error", c.error());
                }
                List<Object> scores = new ArrayList<>();
                for (Score s : c.scores()) {
                    Map<String, Object> sj = new LinkedHashMap<>();
                    sj.put("metric", s.check().label());
                    sj.put("score", finite(s.score()));
                    sj.put("threshold", s.check().threshold() == null ? dev.cove.core.json.Json.NULL : s.check().threshold());
                    sj.put("passed", s.passed());
                    scores.add(sj);
                }
                cj.put("scores", scores);
                cases.add(cj);
            }
            mj.put("cases", cases);
            ms.add(mj);
        }
        root.put("models", ms);
        return root;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? (Object) v : dev.cove.core.json.Json.NULL;
    }
}
