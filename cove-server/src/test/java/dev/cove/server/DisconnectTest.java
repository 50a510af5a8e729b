package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cove.server.batch.Scheduler;
import dev.cove.server.batch.SequentialDecodeEngine;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client that hangs up mid-stream frees its sequence; a request past its time limit ends. */
class DisconnectTest {
    @Test
    void aClientThatGoesAwayMidStreamFreesItsSequence() throws Exception {
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(1).accessLog(false))
                .model("stories", TestModels.stories())
                .engine(m -> new SlowStepEngine(new SequentialDecodeEngine(m.forwardPass()), 15))
                .start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            HttpRequest request = client.builder("/v1/chat/completions").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}")).build();
            HttpResponse<InputStream> r = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            int dataLines = 0;
            while (dataLines < 3) {
                if (in.readLine().startsWith("data: ")) {
                    dataLines++;
                }
            }
            Scheduler scheduler = server.scheduler("stories");
            assertThat(scheduler.active()).isEqualTo(1);
            in.close(); // hang up

            await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.inFlight() == 0);
            assertThat(scheduler.active()).isZero();
            assertThat(server.metrics().count("finished", "reason=\"cancelled\"")).isEqualTo(1);
            // The freed sequence serves the next client.
            var next = client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\":\"Once\",\"max_tokens\":2}");
            assertThat(next.status()).isEqualTo(200);
        }
    }

    @Test
    void aRequestPastTheServersTimeLimitEndsWithLength() {
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(1).accessLog(false)
                        .requestTimeout(Duration.ofMillis(300)))
                .model("stories", TestModels.stories())
                .engine(m -> new SlowStepEngine(new SequentialDecodeEngine(m.forwardPass()), 20))
                .start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            var r = client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\":\"Once\"}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
            assertThat(server.metrics().count("finished", "reason=\"timeout\"")).isEqualTo(1);
        }
    }

    /** Slows each scheduler step down so the test can act mid-generation. */
    record SlowStepEngine(dev.cove.server.batch.DecodeEngine delegate, long millis)
            implements dev.cove.server.batch.DecodeEngine {
        @Override
        public void step(java.util.List<dev.cove.server.batch.ActiveSequence> batch) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delegate.step(batch);
        }
    }
}
