package dev.cove.cli;

import dev.cove.core.eval.Check;
import dev.cove.core.eval.EvalReport;
import java.io.StringWriter;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * An eval report as JUnit XML, the format CI systems (GitHub Actions, GitLab, Jenkins) show as
 * test results: a test suite per model, a test case per eval case and metric, a failure for each
 * threshold not met and an error for a case that could not run. Case ids and numbers only.
 */
final class JUnitXmlReport {
    private JUnitXmlReport() {
    }

    static String write(EvalReport report) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("testsuites");
            w.writeAttribute("name", report.suite());
            int[] all = counts(report, null);
            w.writeAttribute("tests", Integer.toString(all[0]));
            w.writeAttribute("failures", Integer.toString(all[1]));
            w.writeAttribute("errors", Integer.toString(all[2]));
            w.writeCharacters("\n");
            for (EvalReport.ModelResult m : report.models()) {
                int[] c = counts(report, m);
                w.writeStartElement("testsuite");
                w.writeAttribute("name", report.suite() + " [" + m.model() + "]");
                w.writeAttribute("tests", Integer.toString(c[0]));
                w.writeAttribute("failures", Integer.toString(c[1]));
                w.writeAttribute("errors", Integer.toString(c[2]));
                w.writeAttribute("time", seconds(m.cases().stream().mapToLong(EvalReport.CaseResult::nanos).sum()));
                w.writeCharacters("\n");
                for (EvalReport.CaseResult r : m.cases()) {
                    for (Check check : r.evalCase().checks()) {
                        w.writeCharacters("  ");
                        w.writeStartElement("testcase");
                        w.writeAttribute("classname", "cove.eval." + report.suite() + "." + m.model());
                        w.writeAttribute("name", r.evalCase().id() + " [" + check.label() + "]");
                        w.writeAttribute("time", seconds(r.nanos()));
                        if (r.error() != null) {
                            w.writeStartElement("error");
                            w.writeAttribute("message", "could not run: " + r.error());
                            w.writeAttribute("type", "error");
                            w.writeEndElement();
                        } else {
                            EvalReport.Score s = EvalReport.score(r, check.label());
                            if (!s.passed()) {
                                w.writeStartElement("failure");
                                w.writeAttribute("message", EvalReport.describe(s));
                                w.writeAttribute("type", "threshold");
                                w.writeCharacters("line " + r.evalCase().line() + ": " + EvalReport.describe(s));
                                w.writeEndElement();
                            }
                        }
                        w.writeEndElement();
                        w.writeCharacters("\n");
                    }
                }
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            w.writeEndElement();
            w.writeCharacters("\n");
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write JUnit XML", e);
        }
        return out.toString();
    }

    /** {tests, failures, errors} of one model, or of all when {@code only} is null. */
    private static int[] counts(EvalReport report, EvalReport.ModelResult only) {
        int[] c = new int[3];
        for (EvalReport.ModelResult m : report.models()) {
            if (only != null && m != only) {
                continue;
            }
            for (EvalReport.CaseResult r : m.cases()) {
                for (Check check : r.evalCase().checks()) {
                    c[0]++;
                    if (r.error() != null) {
                        c[2]++;
                    } else if (!EvalReport.score(r, check.label()).passed()) {
                        c[1]++;
                    }
                }
            }
        }
        return c;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
