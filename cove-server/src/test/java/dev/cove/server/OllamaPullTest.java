package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cove.core.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Ollama's {@code /api/pull}: progress as NDJSON, the pulled model served at once, and the errors.
 * The puller here stands in for the store (tested with a mimic of the hub in cove-secure and
 * cove-cli): it "downloads" stories260K in steps.
 */
class OllamaPullTest {
    private static final String DIGEST = "a".repeat(64);

    private static ModelPuller fakeStore(AtomicInteger loads) {
        return (spec, progress, cancel) -> {
            if (!spec.startsWith("hf://")) {
                throw new IllegalArgumentException("'" + spec + "' is not hf://ORG/REPO/FILE.gguf or a known alias");
            }
            if (spec.contains("broken")) {
                throw new IllegalStateException("the file's SHA-256 is not the one the hub announced");
            }
            for (long done = 0; done <= 300; done += 100) {
                progress.downloading("stories.gguf", done, 300);
            }
            progress.status("verifying sha256 digest");
            progress.status("writing manifest");
            loads.incrementAndGet();
            return new ModelPuller.Pulled("tiny-stories", DIGEST, Model.load(TestModels.STORIES, 1));
        };
    }

    @Test
    void aPulledModelStreamsProgressAndIsServedAtOnce() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", TestModels.stories()).puller(fakeStore(loads)).start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            var r = client.post("/api/pull", "{\"model\":\"hf://someone/tiny/stories.gguf\"}");
            assertThat(r.status()).isEqualTo(200);
            List<JsonNode> lines = new ArrayList<>();
            for (String line : r.body().split("\n")) {
                lines.add(HttpTestClient.JSON.readTree(line));
            }
            assertThat(lines.get(0).path("status").asText()).isEqualTo("pulling manifest");
            assertThat(lines.get(1).path("status").asText()).isEqualTo("pulling stories.gguf");
            assertThat(lines.get(1).path("total").asLong()).isEqualTo(300);
            assertThat(lines.get(4).path("completed").asLong()).isEqualTo(300);
            assertThat(lines).extracting(l -> l.path("status").asText())
                    .contains("verifying sha256 digest", "writing manifest");
            assertThat(lines.getLast().path("status").asText()).isEqualTo("success");

            assertThat(client.get("/api/tags").json().path("models")).extracting(m -> m.path("name").asText())
                    .containsExactly("stories", "tiny-stories");
            var chat = client.post("/api/chat", "{\"model\":\"tiny-stories\",\"stream\":false,\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"Hi\"}],\"options\":{\"num_predict\":3}}");
            assertThat(chat.status()).as(chat.body()).isEqualTo(200);

            // the same again, not streamed: success; a model already served is not pulled twice
            var again = client.post("/api/pull", "{\"model\":\"tiny-stories\",\"stream\":false}");
            assertThat(again.json().path("status").asText()).isEqualTo("success");
            assertThat(loads.get()).isEqualTo(1);
        }
    }

    @Test
    void pullErrorsAreOllamaShaped() {
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", TestModels.stories()).puller(fakeStore(new AtomicInteger())).start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            var badName = client.post("/api/pull", "{\"model\":\"llama3.2\",\"stream\":false}");
            assertThat(badName.status()).isEqualTo(400);
            assertThat(badName.body()).contains("hf://");
            var missing = client.post("/api/pull", "{}");
            assertThat(missing.status()).isEqualTo(400);
            var broken = client.post("/api/pull", "{\"model\":\"hf://x/broken/m.gguf\"}");
            assertThat(broken.status()).isEqualTo(200); // streaming had begun
            String last = broken.body().strip().substring(broken.body().strip().lastIndexOf('\n') + 1);
            assertThat(last).contains("\"error\"").contains("SHA-256");
            var brokenWhole = client.post("/api/pull", "{\"model\":\"hf://x/broken/m.gguf\",\"stream\":false}");
            assertThat(brokenWhole.status()).isEqualTo(502);
        }
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", TestModels.stories()).start()) {
            var r = new HttpTestClient(server.baseUri()).post("/api/pull", "{\"model\":\"hf://a/b/c.gguf\"}");
            assertThat(r.status()).isEqualTo(501);
            assertThat(r.body()).contains("cannot pull");
        }
    }
}
