package dev.cove.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Progress of a batch job on standard error: rows done of the total, generated tokens per
 * second and the time left, redrawn at most ten times a second on a terminal; without one, a
 * line every 30 seconds. Counts only: no row's text.
 */
final class RowProgress {
    private static final int WIDTH = 28;
    private static final long TERMINAL_REDRAW = 100_000_000L;
    private static final long LOG_INTERVAL = 30_000_000_000L;
    private final PrintStream err = Notices.quiet() ? new PrintStream(java.io.OutputStream.nullOutputStream())
            : new PrintStream(System.err, true, StandardCharsets.UTF_8);
    private final boolean terminal = System.console() != null;
    private final int total;
    private final long startNanos = System.nanoTime();
    private long lastDraw = startNanos;
    private int done;
    private int failed;
    private long tokens;

    /** @param total rows this run has to do */
    RowProgress(int total) {
        this.total = total;
    }

    synchronized void rowDone(int completionTokens, boolean rowFailed) {
        done++;
        tokens += completionTokens;
        if (rowFailed) {
            failed++;
        }
        long now = System.nanoTime();
        if (now - lastDraw > (terminal ? TERMINAL_REDRAW : LOG_INTERVAL)) {
            lastDraw = now;
            draw(terminal ? "\r" : "", terminal ? "   " : "\n");
        }
    }

    /** The last state, then a new line. */
    synchronized void finished() {
        if (terminal) {
            draw("\r", "\n");
        }
    }

    private void draw(String prefix, String suffix) {
        StringBuilder sb = new StringBuilder(prefix);
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        sb.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
        sb.append(String.format(Locale.ROOT, "%d/%d rows", done, total));
        if (failed > 0) {
            sb.append(String.format(Locale.ROOT, " (%d failed)", failed));
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (seconds > 0) {
            sb.append(String.format(Locale.ROOT, "  %.1f tok/s", tokens / seconds));
        }
        if (done > 0 && done < total) {
            long left = (long) (seconds * (total - done) / done);
            sb.append(String.format(Locale.ROOT, "  ETA %d:%02d:%02d", left / 3600, left / 60 % 60, left % 60));
        }
        err.print(sb.append(suffix));
        err.flush();
    }
}
