package dev.cove.core.route;

import java.util.List;

/**
 * Counts of (expected route, chosen route) pairs over a labelled set, and what they say:
 * accuracy, and each route's precision (of the requests sent to it, how many belonged there) and
 * recall (of the requests that belonged there, how many it got). Not thread-safe.
 */
public final class ConfusionMatrix {
    private final List<String> routes;
    private final long[][] counts;
    private long total;

    public ConfusionMatrix(List<String> routes) {
        this.routes = List.copyOf(routes);
        this.counts = new long[routes.size()][routes.size()];
    }

    public void add(int expected, int chosen) {
        counts[expected][chosen]++;
        total++;
    }

    public List<String> routes() {
        return routes;
    }

    /** How many requests that belong to {@code expected} went to {@code chosen}. */
    public long count(int expected, int chosen) {
        return counts[expected][chosen];
    }

    public long total() {
        return total;
    }

    public long correct() {
        long n = 0;
        for (int k = 0; k < counts.length; k++) {
            n += counts[k][k];
        }
        return n;
    }

    /** Correct over total; NaN when empty. */
    public double accuracy() {
        return total == 0 ? Double.NaN : correct() / (double) total;
    }

    /** Of the requests sent to route {@code k}, the share that belonged there; NaN when none was. */
    public double precision(int k) {
        long sent = 0;
        for (long[] row : counts) {
            sent += row[k];
        }
        return sent == 0 ? Double.NaN : counts[k][k] / (double) sent;
    }

    /** Of the requests that belonged to route {@code k}, the share sent there; NaN when there were none. */
    public double recall(int k) {
        long belonged = 0;
        for (long c : counts[k]) {
            belonged += c;
        }
        return belonged == 0 ? Double.NaN : counts[k][k] / (double) belonged;
    }

    /** How many requests belonged to route {@code k}. */
    public long support(int k) {
        long n = 0;
        for (long c : counts[k]) {
            n += c;
        }
        return n;
    }
}
