package dev.cove.server;

import dev.cove.server.batch.FinishReason;
import dev.cove.server.batch.SchedulerEvents;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The server's metrics in Prometheus' text format: requests by route and status, queue depth and
 * running sequences, prompt and generated tokens, recent generation throughput, time to first
 * token, queue wait, request duration, refusals and cancellations. Built only from counts,
 * durations and names the server chose (models, routes, reasons): no request text can reach it.
 * Thread-safe.
 */
public final class ServerMetrics implements SchedulerEvents {
    private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Map<String, LongAdder> requests = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> requestSeconds = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> promptTokens = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> reusedTokens = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> generatedTokens = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> steps = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> finished = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> clientsGone = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> freedOnDisconnect = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> ttft = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> queueWait = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> stepBatch = new ConcurrentSkipListMap<>();
    private final Map<String, RateWindow> throughput = new ConcurrentHashMap<>();
    private final Map<String, ServedModel> models = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> routed = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> routeConfidence = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> routeSeconds = new ConcurrentSkipListMap<>();
    private static final double[] CONFIDENCE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99};
    private static final double[] CLASSIFY_BUCKETS = {1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2};

    void register(ServedModel model) {
        models.put(model.name(), model);
    }

    /** One HTTP request done. */
    void request(String route, String method, int status, double seconds) {
        requests.computeIfAbsent(labels("route", route, "method", method, "status", Integer.toString(status)),
                k -> new LongAdder()).increment();
        requestSeconds.computeIfAbsent(labels("route", route), k -> new Histogram(LATENCY_BUCKETS)).observe(seconds);
    }

    @Override
    public void admitted(String model, long queueNanos) {
        queueWait.computeIfAbsent(labels("model", model), k -> new Histogram(LATENCY_BUCKETS)).observe(queueNanos / 1e9);
    }

    @Override
    public void promptEvaluated(String model, int evaluatedTokens, int reused) {
        add(promptTokens, labels("model", model), evaluatedTokens + reused);
        add(reusedTokens, labels("model", model), reused);
    }

    @Override
    public void firstToken(String model, long sinceSubmitNanos) {
        ttft.computeIfAbsent(labels("model", model), k -> new Histogram(LATENCY_BUCKETS)).observe(sinceSubmitNanos / 1e9);
    }

    @Override
    public void tokensGenerated(String model, int tokens) {
        add(generatedTokens, labels("model", model), tokens);
        throughput.computeIfAbsent(model, k -> new RateWindow()).add(tokens);
    }

    @Override
    public void step(String model, int sequences, int tokens, long nanos) {
        add(steps, labels("model", model), 1);
        stepBatch.computeIfAbsent(labels("model", model), k -> new Histogram(new double[] {1, 2, 4, 8, 16, 32, 64}))
                .observe(sequences);
    }

    @Override
    public void finished(String model, FinishReason reason) {
        add(finished, labels("model", model, "reason", reason.name().toLowerCase(Locale.ROOT)), 1);
    }

    @Override
    public void freedCancelled(String model) {
        add(freedOnDisconnect, labels("model", model), 1);
    }

    /** A client closed its connection while its answer was streamed (by route, never by client). */
    void clientGone(String route) {
        add(clientsGone, labels("route", route), 1);
    }

    /**
     * A request the router sent to {@code route}: why ({@code classified}, {@code below-threshold},
     * {@code no-text}), the classifier's confidence, and how long choosing took.
     */
    void routed(String route, String reason, double confidence, double seconds) {
        add(routed, labels("route", route, "reason", reason), 1);
        routeConfidence.computeIfAbsent(labels(), k -> new Histogram(CONFIDENCE_BUCKETS)).observe(confidence);
        routeSeconds.computeIfAbsent(labels(), k -> new Histogram(CLASSIFY_BUCKETS)).observe(seconds);
    }

    @Override
    public void rejected(String model, String reason) {
        add(rejected, labels("model", model, "reason", reason), 1);
    }

    /** Generated tokens per second over the last ten seconds. */
    public double tokensPerSecond(String model) {
        RateWindow w = throughput.get(model);
        return w == null ? 0 : w.perSecond();
    }

    /** Total of a counter family for tests: e.g. {@code finished} with reason {@code cancelled}. */
    long count(String family, String labelFragment) {
        Map<String, LongAdder> map = switch (family) {
            case "requests" -> requests;
            case "finished" -> finished;
            case "rejected" -> rejected;
            case "generated" -> generatedTokens;
            case "prompt" -> promptTokens;
            case "reused" -> reusedTokens;
            case "client_gone" -> clientsGone;
            case "freed_on_disconnect" -> freedOnDisconnect;
            case "routed" -> routed;
            default -> throw new IllegalArgumentException(family);
        };
        long n = 0;
        for (var e : map.entrySet()) {
            if (e.getKey().contains(labelFragment)) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    /** The exposition text. */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        counter(out, "cove_http_requests_total", "HTTP requests by route, method and status.", requests);
        histogram(out, "cove_http_request_duration_seconds", "HTTP request duration, streaming included.", requestSeconds);
        gauge(out, "cove_queue_depth", "Requests waiting for a free sequence.", s -> s.scheduler().queued());
        gauge(out, "cove_active_sequences", "Sequences being evaluated or generated.", s -> s.scheduler().active());
        gauge(out, "cove_kv_slots_busy", "KV cache slots held by a sequence (equals active sequences unless one leaked).",
                s -> s.scheduler().busySlots());
        gauge(out, "cove_requests_in_flight", "Requests queued or running.", s -> s.scheduler().inFlight());
        gauge(out, "cove_parallel_sequences", "Sequences a model runs at once.", s -> s.scheduler().config().parallel());
        gauge(out, "cove_context_length", "Positions of each sequence's KV cache.", s -> s.contextLength());
        out.append("# HELP cove_generation_tokens_per_second Generated tokens per second over the last 10 s, all sequences.\n");
        out.append("# TYPE cove_generation_tokens_per_second gauge\n");
        for (String model : models.keySet()) {
            out.append("cove_generation_tokens_per_second").append(labels("model", model)).append(' ')
                    .append(String.format(Locale.ROOT, "%.3f", tokensPerSecond(model))).append('\n');
        }
        counter(out, "cove_prompt_tokens_total", "Prompt tokens of admitted requests, cached ones included.", promptTokens);
        counter(out, "cove_prompt_tokens_reused_total", "Prompt tokens served from a cached prefix.", reusedTokens);
        counter(out, "cove_generated_tokens_total", "Tokens generated.", generatedTokens);
        counter(out, "cove_scheduler_steps_total", "Decoding steps run.", steps);
        histogram(out, "cove_step_sequences", "Sequences per decoding step.", stepBatch);
        histogram(out, "cove_time_to_first_token_seconds", "From arrival to the first generated token.", ttft);
        histogram(out, "cove_queue_wait_seconds", "Time requests waited for a free sequence.", queueWait);
        counter(out, "cove_sequences_finished_total", "Sequences ended, by reason.", finished);
        counter(out, "cove_requests_rejected_total", "Requests refused or failed by the scheduler, by reason.", rejected);
        counter(out, "cove_client_disconnects_total", "Streamed answers whose client closed the connection, by route.",
                clientsGone);
        counter(out, "cove_sequences_freed_on_disconnect_total",
                "Running sequences cancelled because their client went away or gave up, their KV slot freed.",
                freedOnDisconnect);
        if (!routed.isEmpty()) {
            counter(out, "cove_router_requests_total", "Requests the router sent to each route, and why.", routed);
            histogram(out, "cove_router_confidence", "The router classifier's confidence in its choice.", routeConfidence);
            histogram(out, "cove_router_classify_seconds", "Time to choose a route.", routeSeconds);
        }
        return out.toString();
    }

    private void gauge(StringBuilder out, String name, String help, ToLongFunction<ServedModel> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        for (ServedModel m : models.values()) {
            out.append(name).append(labels("model", m.name())).append(' ').append(value.applyAsLong(m)).append('\n');
        }
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        for (var e : values.entrySet()) {
            out.append(name).append(e.getKey()).append(' ').append(e.getValue().sum()).append('\n');
        }
    }

    private static void histogram(StringBuilder out, String name, String help, Map<String, Histogram> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (var e : values.entrySet()) {
            e.getValue().render(out, name, e.getKey());
        }
    }

    private static void add(Map<String, LongAdder> map, String key, long n) {
        map.computeIfAbsent(key, k -> new LongAdder()).add(n);
    }

    /** {@code {a="1",b="2"}} with values escaped as the format requires. */
    static String labels(String... pairs) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(pairs[i]).append("=\"");
            String v = pairs[i + 1];
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts[i].increment();
                    break;
                }
            }
            sum.add(v);
            count.increment();
        }

        void render(StringBuilder out, String name, String labels) {
            String inner = labels.substring(1, labels.length() - 1);
            String sep = inner.isEmpty() ? "" : ",";
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i].sum();
                out.append(name).append("_bucket{").append(inner).append(sep).append("le=\"")
                        .append(formatBound(bounds[i])).append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{").append(inner).append(sep).append("le=\"+Inf\"} ")
                    .append(count.sum()).append('\n');
            out.append(name).append("_sum").append(labels).append(' ')
                    .append(String.format(Locale.ROOT, "%.6f", sum.sum())).append('\n');
            out.append(name).append("_count").append(labels).append(' ').append(count.sum()).append('\n');
        }

        private static String formatBound(double b) {
            return b == Math.rint(b) ? Long.toString((long) b) + ".0" : Double.toString(b);
        }
    }

    /** Counts per second over a sliding window of ten one-second buckets. */
    private static final class RateWindow {
        private static final int SECONDS = 10;
        private final long[] second = new long[SECONDS];
        private final long[] counts = new long[SECONDS];

        synchronized void add(long n) {
            long now = System.nanoTime() / 1_000_000_000L;
            int i = (int) (now % SECONDS);
            if (second[i] != now) {
                second[i] = now;
                counts[i] = 0;
            }
            counts[i] += n;
        }

        synchronized double perSecond() {
            long now = System.nanoTime() / 1_000_000_000L;
            long total = 0;
            for (int i = 0; i < SECONDS; i++) {
                if (now - second[i] < SECONDS) {
                    total += counts[i];
                }
            }
            return total / (double) SECONDS;
        }
    }
}
