package dev.cove.cli;

import dev.cove.core.eval.EvalReport;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code cove eval}'s human report: per model, each metric's mean over all cases and per tag, then the worst cases. */
final class EvalTable {
    private EvalTable() {
    }

    static String format(EvalReport report, int worstCases) {
        StringBuilder b = new StringBuilder();
        for (EvalReport.ModelResult m : report.models()) {
            long failed = m.cases().stream().filter(c -> !c.passed()).count();
            b.append(m.model()).append(": ").append(m.cases().size() - failed).append('/').append(m.cases().size())
                    .append(" cases passed").append(failed == 0 ? "" : ", " + failed + " failed").append('\n');
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"metric", "tag", "cases", "mean", "worst", "failed"});
            Set<String> labels = new LinkedHashSet<>();
            for (EvalReport.SummaryRow r : report.summary()) {
                if (r.model().equals(m.model())) {
                    labels.add(r.label());
                    rows.add(new String[] {r.label(), r.tag(), Integer.toString(r.cases()), number(r.mean()), number(r.worst()),
                        Integer.toString(r.failed())});
                }
            }
            b.append(table(rows));
            m.corpusBleu().forEach((label, v) -> b.append("corpus ").append(label).append(": ").append(number(v)).append('\n'));
            if (worstCases > 0) {
                for (String label : labels) {
                    List<EvalReport.CaseResult> worst = EvalReport.worst(m, label, worstCases);
                    b.append("worst ").append(label).append(':');
                    for (EvalReport.CaseResult c : worst) {
                        EvalReport.Score s = EvalReport.score(c, label);
                        b.append("  ").append(c.evalCase().id()).append(' ').append(number(s.score()))
                                .append(s.passed() ? "" : " FAIL");
                    }
                    b.append('\n');
                }
            }
            for (EvalReport.CaseResult c : m.cases()) {
                if (c.error() != null) {
                    b.append("error ").append(c.evalCase().id()).append(" (line ").append(c.evalCase().line()).append("): ")
                            .append(c.error()).append('\n');
                }
            }
            b.append('\n');
        }
        List<EvalReport.Failure> failures = report.failures();
        b.append(failures.isEmpty() ? "PASSED" : "FAILED: " + failures.size() + " check" + (failures.size() == 1 ? "" : "s")
                + " below threshold").append('\n');
        return b.toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                if (i < 2) {
                    b.append(cell).append(" ".repeat(width[i] - cell.length())).append("  ");
                } else {
                    b.append(" ".repeat(width[i] - cell.length())).append(cell).append(i == r.length - 1 ? "" : "  ");
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
