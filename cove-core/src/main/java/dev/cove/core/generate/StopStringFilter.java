package dev.cove.core.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that might be the start of a stop string is held
 * back until the next piece shows whether it is; the stop string itself is never released.
 */
final class StopStringFilter {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStringFilter(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    boolean stopped() {
        return stopped;
    }

    /** Adds a piece of output; returns the text that is now safe to emit. */
    String accept(String piece) {
        if (stopped) {
            return "";
        }
        pending.append(piece);
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
        int keep = longestSuffixThatStartsAStop();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** Text held back at the end of generation, released because no stop string followed. */
    String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }

    private int longestSuffixThatStartsAStop() {
        int best = 0;
        String text = pending.toString();
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, text.length());
            for (int len = max; len > best; len--) {
                if (text.regionMatches(text.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
