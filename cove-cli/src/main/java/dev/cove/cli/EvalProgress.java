package dev.cove.cli;

import dev.cove.core.eval.EvalRunner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code cove eval}'s progress on standard error: on a terminal a bar with cases done and the
 * time left, redrawn at most ten times a second; without one (a CI log), a line at each tenth of
 * the run. Nothing with -q.
 */
final class EvalProgress implements EvalRunner.Progress {
    private static final int WIDTH = 28;
    private final PrintStream err = Notices.quiet() ? new PrintStream(java.io.OutputStream.nullOutputStream())
            : new PrintStream(System.err, true, StandardCharsets.UTF_8);
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastTenth;

    @Override
    public void caseDone(int done, int total) {
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDraw > 100_000_000L || done == total) {
                lastDraw = now;
                int filled = (int) ((long) WIDTH * done / total);
                err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total + " cases"
                        + eta(done, total, now) + "   ");
                if (done == total) {
                    err.println();
                }
                err.flush();
            }
        } else {
            int tenth = (int) (10L * done / total);
            if (tenth > lastTenth || done == total) {
                lastTenth = tenth;
                err.println("cove: " + done + "/" + total + " cases" + eta(done, total, now));
            }
        }
    }

    private String eta(int done, int total, long now) {
        double elapsed = (now - start) / 1e9;
        if (done == total) {
            return String.format(Locale.ROOT, ", %.1f s", elapsed);
        }
        long left = Math.round(elapsed / done * (total - done));
        return String.format(Locale.ROOT, ", ETA %d:%02d", left / 60, left % 60);
    }
}
