package dev.cove.core.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that might be the start of a stop string is held
 * back until the next piece shows whether it is; the stop string and anything after it are
 * never released. Used by {@link Session} and by schedulers that drive the forward pass token
 * by token. Not thread-safe: one per generation.
 */
public final class StopStringFilter {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopStringFilter(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).distinct().toList();
    }

    public boolean stopped() {
        return stopped;
    }

    /** Adds a piece of output; returns the text now safe to emit (possibly empty). */
    public String accept(String piece) {
        if (stopped || piece.isEmpty()) {
            return "";
        }
        if (stops.isEmpty()) {
            return piece;
        }
        pending.append(piece); // what was pending is shorter than any stop string: searching it all is cheap
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            String out = pending.substring(0, earliest);
            pending.setLength(0);
            return out;
        }
        int keep = heldBack();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** What is still held back, released at the end of generation because no stop string followed. */
    public String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }

    /** Length of the longest suffix of the pending text that is a proper prefix of a stop string. */
    private int heldBack() {
        int best = 0;
        int n = pending.length();
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, n); len > best; len--) {
                if (regionEquals(n - len, stop, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private boolean regionEquals(int from, String stop, int len) {
        for (int i = 0; i < len; i++) {
            if (pending.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
