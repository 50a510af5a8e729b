package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A bounded load test on loopback: 16 concurrent streaming clients send 200 requests to a
 * server running 4 sequences with a queue of 8. Every request completes with exactly the text a
 * lone request gets, or is refused with 429/503 and Retry-After; afterwards nothing is queued or
 * running and the heap is back near its idle level.
 */
class LoadTest {
    private static final int CLIENTS = 16;
    private static final int REQUESTS = 200;
    private static final List<String> PROMPTS = List.of("Once upon a time", "The little dog", "Tom and Lily",
            "One day, a big bird", "There was a girl named Sue who liked to");

    @Test
    void sixteenStreamingClientsTwoHundredRequests() throws Exception {
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(4).queueCapacity(8)
                .prefillChunk(8).accessLog(false)).model("stories", TestModels.stories()).start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            Map<String, String> expected = new ConcurrentHashMap<>();
            for (String p : PROMPTS) {
                expected.put(p, client.post("/v1/completions", body(p, false)).json()
                        .path("choices").get(0).path("text").asText());
            }
            long idleHeap = usedHeapAfterGc();

            AtomicInteger next = new AtomicInteger();
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < REQUESTS) {
                        String prompt = PROMPTS.get(i % PROMPTS.size());
                        try {
                            String outcome = streamOnce(client, prompt, expected.get(prompt));
                            switch (outcome) {
                                case "ok" -> completed.incrementAndGet();
                                case "refused" -> {
                                    refused.incrementAndGet();
                                    Thread.sleep(100); // a polite client backs off (Retry-After says 1 s)
                                }
                                default -> problems.add("request " + i + ": " + outcome);
                            }
                        } catch (Exception e) {
                            problems.add("request " + i + ": " + e);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();

            assertThat(problems).isEmpty();
            assertThat(completed.get() + refused.get()).isEqualTo(REQUESTS);
            assertThat(completed.get()).isGreaterThanOrEqualTo(REQUESTS / 4);
            Scheduler scheduler = server.scheduler("stories");
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.inFlight() == 0);
            assertThat(scheduler.active()).isZero();
            assertThat(scheduler.queued()).isZero();
            assertThat(server.metrics().count("finished", "reason=\"length\"")
                    + server.metrics().count("finished", "reason=\"stop\""))
                    .isEqualTo(completed.get() + PROMPTS.size());
            System.out.printf("load test: %d completed, %d refused with 429/503%n", completed.get(), refused.get());
            assertThat(usedHeapAfterGc()).isLessThan(idleHeap + 64L * 1024 * 1024);
        }
    }

    /** One streaming request: "ok" when its stream is intact and its text is the expected one, "refused" for 429/503. */
    private static String streamOnce(HttpTestClient client, String prompt, String expected) throws Exception {
        HttpRequest request = client.builder("/v1/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(prompt, true))).build();
        HttpResponse<InputStream> r = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() == 429 || r.statusCode() == 503) {
                JsonNode error = HttpTestClient.JSON.readTree(in).path("error");
                if (r.headers().firstValue("Retry-After").isEmpty() || !error.path("message").isTextual()) {
                    return "refusal without Retry-After or error body";
                }
                return "refused";
            }
            if (r.statusCode() != 200) {
                return "status " + r.statusCode();
            }
            StringBuilder text = new StringBuilder();
            String id = null;
            String finish = null;
            boolean done = false;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                if (done || !line.startsWith("data: ")) {
                    return "unexpected line: " + line;
                }
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    continue;
                }
                JsonNode chunk = HttpTestClient.JSON.readTree(data);
                if (id == null) {
                    id = chunk.path("id").asText();
                } else if (!id.equals(chunk.path("id").asText())) {
                    return "chunk ids differ";
                }
                JsonNode choice = chunk.path("choices").get(0);
                text.append(choice.path("text").asText());
                if (!choice.path("finish_reason").isNull()) {
                    finish = choice.path("finish_reason").asText();
                }
            }
            if (!done || finish == null) {
                return "stream ended without finish_reason and [DONE]";
            }
            return text.toString().equals(expected) ? "ok" : "text differs from a lone request's";
        }
    }

    private static String body(String prompt, boolean stream) {
        return "{\"model\":\"stories\",\"prompt\":\"" + prompt + "\",\"max_tokens\":24,\"temperature\":0,\"stream\":"
                + stream + "}";
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
