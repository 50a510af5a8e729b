package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cove.server.batch.BatchedDecodeEngine;
import dev.cove.server.batch.Scheduler;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A bounded load with hang-ups: 16 streaming clients send 5 requests each; half of them close the
 * connection after the first pieces of every answer. Every hang-up must free its sequence and KV
 * slot, and {@code /metrics} must show it: the disconnects and the freed sequences counted, and
 * active sequences, busy slots, queue and in-flight requests back at zero.
 */
class DisconnectUnderLoadTest {
    private static final int CLIENTS = 16;
    private static final int REQUESTS_EACH = 5;
    private static final int HANGUPS = CLIENTS / 2 * REQUESTS_EACH;
    /** Streaming routes of both APIs, so each one's disconnect path is exercised. */
    private static final List<String> ROUTES = List.of("/v1/completions", "/v1/chat/completions", "/api/generate");

    @Test
    void halfOfSixteenStreamingClientsHangUpAndEverySlotComesBack() throws Exception {
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(4).accessLog(false))
                .model("stories", TestModels.stories())
                // A few milliseconds per step keep long answers running while their client hangs up.
                .engine(m -> new DisconnectTest.SlowStepEngine(new BatchedDecodeEngine(m.forwardPass()), 3))
                .start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                boolean hangsUp = c % 2 == 0;
                int clientNo = c;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS_EACH; i++) {
                        String route = ROUTES.get((clientNo + i) % ROUTES.size());
                        try {
                            String problem = stream(client, route, hangsUp);
                            if (problem != null) {
                                problems.add(route + ": " + problem);
                            }
                        } catch (Exception e) {
                            problems.add(route + ": " + e);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(problems).isEmpty();

            Scheduler scheduler = server.scheduler("stories");
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.inFlight() == 0
                    && metric(client, "cove_sequences_freed_on_disconnect_total{model=\"stories\"}") >= HANGUPS);
            String metrics = client.get("/metrics").body();
            assertThat(value(metrics, "cove_active_sequences{model=\"stories\"}")).isZero();
            assertThat(value(metrics, "cove_kv_slots_busy{model=\"stories\"}")).isZero();
            assertThat(value(metrics, "cove_requests_in_flight{model=\"stories\"}")).isZero();
            assertThat(value(metrics, "cove_queue_depth{model=\"stories\"}")).isZero();
            // Each hang-up is seen by the HTTP layer and frees a running sequence: no more, no fewer.
            assertThat(value(metrics, "cove_sequences_freed_on_disconnect_total{model=\"stories\"}")).isEqualTo(HANGUPS);
            assertThat(server.metrics().count("client_gone", "")).isEqualTo(HANGUPS);
            assertThat(server.metrics().count("finished", "reason=\"cancelled\"")).isEqualTo(HANGUPS);
            // Every slot serves again: as many answers at once as the server runs sequences.
            ExecutorService after = Executors.newFixedThreadPool(4);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(after.submit(() -> client.post("/v1/completions",
                        "{\"model\":\"stories\",\"prompt\":\"Once\",\"max_tokens\":4}").status()));
            }
            for (Future<Integer> s : statuses) {
                assertThat(s.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
            after.shutdown();
            assertThat(scheduler.busySlots()).isZero();
        }
    }

    /** One streamed request; null when it went as planned, else what went wrong. */
    private static String stream(HttpTestClient client, String route, boolean hangUp) throws Exception {
        String body = switch (route) {
            case "/v1/chat/completions" -> "{\"model\":\"stories\",\"stream\":true,\"max_tokens\":" + (hangUp ? 100 : 8)
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}";
            case "/api/generate" -> "{\"model\":\"stories\",\"prompt\":\"Once\",\"options\":{\"num_predict\":"
                    + (hangUp ? 100 : 8) + "}}";
            default -> "{\"model\":\"stories\",\"stream\":true,\"prompt\":\"Once\",\"max_tokens\":" + (hangUp ? 100 : 8) + "}";
        };
        HttpRequest request = client.builder(route).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> r = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                return "status " + r.statusCode();
            }
            int pieces = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith(":")) {
                    continue;
                }
                pieces++;
                if (hangUp && pieces == 3) {
                    return null; // closing the reader hangs up mid-answer
                }
                if (line.equals("data: [DONE]") || line.contains("\"done\":true")) {
                    return hangUp ? "the answer ended before the client could hang up" : null;
                }
            }
            return "the stream ended without its last event";
        }
    }

    private static long metric(HttpTestClient client, String series) {
        return value(client.get("/metrics").body(), series);
    }

    private static long value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\d+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError(series + " is missing from /metrics");
        }
        return Long.parseLong(m.group(1));
    }
}
