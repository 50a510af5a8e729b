package dev.cove.secure.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Prints how many MB/s the standard redactor handles, on text dense with personal data (the
 * labelled set) and on ordinary prose with little of it. A measurement, not an assertion: timing
 * on a shared two-core machine is not something to fail a build on.
 */
class RedactionThroughputTest {
    private static final int TARGET_BYTES = 4 * 1024 * 1024;

    @Test
    void measureMegabytesPerSecond() throws Exception {
        List<LabelledText> examples = LabelledText.load();
        StringBuilder dense = new StringBuilder();
        for (LabelledText e : examples) {
            dense.append(e.text()).append('\n');
        }
        String prose = """
                The committee reviewed the quarterly figures and agreed that the new intake process reduced waiting \
                times on the ward. Staff asked for clearer guidance on discharge letters, and the pharmacy team will \
                publish a short checklist next month. Version 2.4 of the scheduling tool is due in spring; until then \
                please keep using the shared calendar. Questions go to the service desk as usual.
                """;
        Redactor redactor = Redactor.standard();
        double denseRate = measure(redactor, repeat(dense.toString()));
        double proseRate = measure(redactor, repeat(prose));
        System.out.printf("redaction throughput: %.1f MB/s on PII-dense text, %.1f MB/s on ordinary prose%n",
                denseRate, proseRate);
        assertThat(denseRate).isPositive();
    }

    private static String repeat(String unit) {
        StringBuilder b = new StringBuilder(TARGET_BYTES + unit.length());
        while (b.length() < TARGET_BYTES) {
            b.append(unit);
        }
        return b.toString();
    }

    /** Redacts in request-sized pieces (4 KiB), as a server would, after warm-up passes. */
    private static double measure(Redactor redactor, String text) {
        int piece = 4096;
        long sink = 0;
        int rounds = 4; // the first rounds warm up the JIT
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            for (int at = 0; at < text.length(); at += piece) {
                sink += redactor.redact(text.substring(at, Math.min(text.length(), at + piece))).text().length();
            }
            long nanos = System.nanoTime() - start;
            if (round == rounds - 1) {
                double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
                assertThat(sink).isPositive();
                return mb / (nanos / 1e9);
            }
        }
        throw new AssertionError("unreachable");
    }
}
