package dev.cove.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cove.core.route.ConfusionMatrix;
import dev.cove.server.route.RoutesConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code cove route eval} found, as a table or JSON: accuracy as routed (the threshold
 * applied) and by the classifier alone, each route's precision and recall, the confusion
 * matrix, and the mean and 99th percentile of a routing decision's time.
 */
final class RouteReport {
    private final Path routesFile;
    private final Path labelledFile;
    private final RoutesConfig config;
    private final ConfusionMatrix routed;
    private final ConfusionMatrix classified;
    private final int belowThreshold;
    private final long[] sortedNanos;
    private final double cpuMillis;

    /**
     * @param sortedNanos the wall-clock time of each timed routing decision, in increasing order
     * @param cpuMillis the thread's CPU time per decision (warm-up included; -1 when unknown): on
     *     a busy machine, what routing itself costs without the time other processes took
     */
    RouteReport(Path routesFile, Path labelledFile, RoutesConfig config, ConfusionMatrix routed,
                ConfusionMatrix classified, int belowThreshold, long[] sortedNanos, double cpuMillis) {
        this.routesFile = routesFile;
        this.labelledFile = labelledFile;
        this.config = config;
        this.routed = routed;
        this.classified = classified;
        this.belowThreshold = belowThreshold;
        this.sortedNanos = sortedNanos;
        this.cpuMillis = cpuMillis;
    }

    double meanMillis() {
        double sum = 0;
        for (long n : sortedNanos) {
            sum += n;
        }
        return sum / sortedNanos.length / 1e6;
    }

    /** The nearest-rank 99th percentile. */
    double p99Millis() {
        int rank = (int) Math.ceil(0.99 * sortedNanos.length);
        return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }

    String toTable() {
        StringBuilder b = new StringBuilder();
        List<String> names = routed.routes();
        b.append(String.format(Locale.ROOT, "routes      %s: %d routes, threshold %.2f, default %s%n", routesFile,
                names.size(), config.threshold(), config.defaultRoute()));
        b.append(String.format(Locale.ROOT, "requests    %d from %s%n", routed.total(), labelledFile));
        b.append(String.format(Locale.ROOT, "accuracy    %s (%d/%d) as routed; %s (%d/%d) by the classifier alone;"
                        + " %d below the threshold went to %s%n", percent(routed.accuracy()), routed.correct(),
                routed.total(), percent(classified.accuracy()), classified.correct(), classified.total(),
                belowThreshold, config.defaultRoute()));
        b.append(String.format(Locale.ROOT, "latency     mean %.4f ms, p99 %.4f ms per routing decision (%d calls"
                + "%s)%n%n", meanMillis(), p99Millis(), sortedNanos.length,
                cpuMillis >= 0 ? String.format(Locale.ROOT, "; %.4f ms of CPU each", cpuMillis) : ""));
        int width = Math.max(8, names.stream().mapToInt(String::length).max().orElse(8));
        b.append(String.format(Locale.ROOT, "%-" + width + "s  %9s  %7s  %7s%n", "route", "precision", "recall", "support"));
        for (int k = 0; k < names.size(); k++) {
            b.append(String.format(Locale.ROOT, "%-" + width + "s  %9s  %7s  %7d%n", names.get(k),
                    percent(routed.precision(k)), percent(routed.recall(k)), routed.support(k)));
        }
        b.append(String.format(Locale.ROOT, "%nconfusion matrix as routed (rows: the labelled route, columns: where it went)%n"));
        b.append(String.format(Locale.ROOT, "%-" + width + "s", ""));
        for (String n : names) {
            b.append("  ").append(String.format(Locale.ROOT, "%" + Math.max(5, n.length()) + "s", n));
        }
        b.append('\n');
        for (int e = 0; e < names.size(); e++) {
            b.append(String.format(Locale.ROOT, "%-" + width + "s", names.get(e)));
            for (int c = 0; c < names.size(); c++) {
                b.append("  ").append(String.format(Locale.ROOT, "%" + Math.max(5, names.get(c).length()) + "d",
                        routed.count(e, c)));
            }
            b.append('\n');
        }
        return b.toString().stripTrailing();
    }

    String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("routes_file", routesFile.toString());
        root.put("labelled_file", labelledFile.toString());
        root.put("router", config.name());
        root.put("threshold", config.threshold());
        root.put("default_route", config.defaultRoute());
        root.put("requests", routed.total());
        root.put("accuracy", routed.accuracy());
        root.put("correct", routed.correct());
        root.put("classifier_accuracy", classified.accuracy());
        root.put("below_threshold", belowThreshold);
        ArrayNode routes = root.putArray("routes");
        for (int k = 0; k < routed.routes().size(); k++) {
            ObjectNode r = routes.addObject().put("name", routed.routes().get(k));
            number(r, "precision", routed.precision(k));
            number(r, "recall", routed.recall(k));
            r.put("support", routed.support(k));
        }
        root.set("confusion", matrix(mapper, routed));
        root.set("classifier_confusion", matrix(mapper, classified));
        ObjectNode latency = root.putObject("latency_ms");
        latency.put("mean", meanMillis()).put("p99", p99Millis()).put("calls", sortedNanos.length);
        if (cpuMillis >= 0) {
            latency.put("cpu_mean", cpuMillis);
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"labels": [...], "matrix": [[...]]}}: row = labelled route, column = where it went. */
    private static ObjectNode matrix(ObjectMapper mapper, ConfusionMatrix m) {
        ObjectNode node = mapper.createObjectNode();
        ArrayNode labels = node.putArray("labels");
        m.routes().forEach(labels::add);
        ArrayNode rows = node.putArray("matrix");
        for (int e = 0; e < m.routes().size(); e++) {
            ArrayNode row = rows.addArray();
            for (int c = 0; c < m.routes().size(); c++) {
                row.add(m.count(e, c));
            }
        }
        return node;
    }

    /** NaN (no request went there, or none belonged there) is null. */
    private static void number(ObjectNode node, String name, double v) {
        if (Double.isNaN(v)) {
            node.putNull(name);
        } else {
            node.put(name, v);
        }
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
