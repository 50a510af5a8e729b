package dev.cove.cli;

import dev.cove.secure.pull.ProgressListener;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A download progress bar on standard error: bytes, rate and time left, redrawn at most ten
 * times a second on a terminal; without a terminal, one line at the start and one at the end.
 */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 28;
    /** With -q, nothing at all: a stream that drops what it is given. */
    private final PrintStream err = Notices.quiet() ? new PrintStream(java.io.OutputStream.nullOutputStream())
            : new PrintStream(System.err, true, StandardCharsets.UTF_8);
    private final boolean terminal = System.console() != null;
    private long total = -1;
    private long resumedFrom;
    private long startNanos;
    private long lastDraw;
    private long done;
    private boolean drawn;

    @Override
    public synchronized void started(String what, long total, long resumedFrom) {
        this.total = total;
        this.resumedFrom = resumedFrom;
        this.done = resumedFrom;
        this.startNanos = System.nanoTime();
        String size = total >= 0 ? InfoCommand.bytes(total) : "unknown size";
        err.println("downloading " + size + (resumedFrom > 0 ? ", resuming at " + InfoCommand.bytes(resumedFrom) : ""));
    }

    @Override
    public synchronized void progress(long done) {
        this.done = done;
        long now = System.nanoTime();
        if (terminal && now - lastDraw > 100_000_000L) {
            lastDraw = now;
            draw();
        }
    }

    @Override
    public synchronized void note(String message) {
        if (drawn) {
            err.println();
            drawn = false;
        }
        err.println("cove: " + message);
    }

    @Override
    public synchronized void finished() {
        if (terminal) {
            draw();
            err.println();
        } else {
            err.println("downloaded " + InfoCommand.bytes(done) + " at " + rate());
        }
        drawn = false;
    }

    private void draw() {
        StringBuilder sb = new StringBuilder("\r");
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(1.0, done / (double) total));
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
            sb.append(String.format(Locale.ROOT, "%3d%% ", (int) (100 * done / total)));
        }
        sb.append(InfoCommand.bytes(done));
        if (total > 0) {
            sb.append(" / ").append(InfoCommand.bytes(total));
        }
        sb.append("  ").append(rate());
        double bps = bytesPerSecond();
        if (total > 0 && bps > 0) {
            long left = (long) ((total - done) / bps);
            sb.append(String.format(Locale.ROOT, "  ETA %d:%02d", left / 60, left % 60));
        }
        sb.append("   ");
        err.print(sb);
        err.flush();
        drawn = true;
    }

    private double bytesPerSecond() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds <= 0 ? 0 : (done - resumedFrom) / seconds;
    }

    private String rate() {
        return InfoCommand.bytes((long) bytesPerSecond()) + "/s";
    }
}
