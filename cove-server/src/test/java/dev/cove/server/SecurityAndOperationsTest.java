package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys, binding rules, health, metrics and the access log. */
class SecurityAndOperationsTest {
    private static final String KEY = "cove-test-key-0123456789";

    @Test
    void refusesToListenBeyondLoopbackWithoutAKey() {
        assertThatThrownBy(() -> CoveServer.builder(ServerConfig.defaults().host("0.0.0.0").port(0))
                .model("stories", TestModels.stories()).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without an API key");
        try (CoveServer s = CoveServer.builder(ServerConfig.defaults().host("0.0.0.0").port(0).apiKeys(List.of(KEY)))
                .model("stories", TestModels.stories()).start()) {
            assertThat(s.port()).isPositive();
        }
    }

    @Test
    void apiKeysAreRequiredWhenConfigured(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("keys");
        Files.writeString(keyFile, "# keys\n\n" + KEY + "\nanother-key-abcdefgh\n");
        List<String> keys = ApiKeys.readFile(keyFile);
        assertThat(keys).containsExactly(KEY, "another-key-abcdefgh");
        try (CoveServer s = CoveServer.builder(ServerConfig.defaults().port(0).apiKeys(keys).accessLog(false))
                .model("stories", TestModels.stories()).start()) {
            String chat = "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";
            HttpTestClient anonymous = new HttpTestClient(s.baseUri());
            var missing = anonymous.post("/v1/chat/completions", chat);
            OpenAiApiTest.assertError(missing, 401, null, "missing_api_key");
            assertThat(missing.header("www-authenticate")).isEqualTo("Bearer");
            OpenAiApiTest.assertError(anonymous.post("/v1/chat/completions", chat, Map.of("Authorization", "Bearer wrong-key-123")),
                    401, null, "invalid_api_key");
            assertThat(anonymous.get("/v1/models").status()).isEqualTo(401);
            var ollama = anonymous.get("/api/tags");
            assertThat(ollama.status()).isEqualTo(401);
            assertThat(ollama.json().path("error").isTextual()).isTrue();
            assertThat(anonymous.get("/health").status()).isEqualTo(200);
            HttpTestClient authorized = new HttpTestClient(s.baseUri(), Map.of("Authorization", "Bearer " + KEY));
            assertThat(authorized.post("/v1/chat/completions", chat).status()).isEqualTo(200);
            assertThat(anonymous.post("/v1/chat/completions", chat, Map.of("x-api-key", "another-key-abcdefgh")).status())
                    .isEqualTo(200);
            // With a key, a browser origin is the key holder's business.
            assertThat(authorized.post("/v1/chat/completions", chat, Map.of("Origin", "https://app.example")).status())
                    .isEqualTo(200);
        }
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "# nothing\n");
        assertThatThrownBy(() -> ApiKeys.readFile(empty)).hasMessageContaining("holds no key");
    }

    @Test
    void healthMetricsAndAccessLogCarryNoText() {
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        Logger access = Logger.getLogger("dev.cove.server.access");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        access.addHandler(capture);
        access.setUseParentHandlers(false);
        String secret = "Zebra secret prompt words";
        CoveServer s = CoveServer.builder(ServerConfig.defaults().port(0)).model("stories", TestModels.stories()).start();
        try {
            HttpTestClient c = new HttpTestClient(s.baseUri());
            JsonNode answer = c.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + secret + "\"}],\"max_tokens\":8,\"user\":\"alice@example.com\"}").json();
            String output = answer.path("choices").get(0).path("message").path("content").asText();
            c.post("/v1/chat/completions", "{\"model\":\"" + secret + "\"}");
            c.get("/v1/" + "Zebra");

            JsonNode health = c.get("/health").json();
            assertThat(health.path("status").asText()).isEqualTo("ok");
            assertThat(health.path("models").get(0).path("active").asInt()).isZero();

            var metrics = c.get("/metrics");
            assertThat(metrics.header("content-type")).startsWith("text/plain");
            assertThat(metrics.body())
                    .contains("cove_http_requests_total{route=\"/v1/chat/completions\",method=\"POST\",status=\"200\"} 1")
                    .contains("cove_http_requests_total{route=\"/v1/chat/completions\",method=\"POST\",status=\"404\"} 1")
                    .contains("cove_queue_depth{model=\"stories\"} 0")
                    .contains("cove_generated_tokens_total{model=\"stories\"} 8")
                    .contains("cove_time_to_first_token_seconds_count{model=\"stories\"} 1")
                    .contains("cove_generation_tokens_per_second{model=\"stories\"}")
                    .doesNotContain("Zebra").doesNotContain("alice");
            for (String line : metrics.body().split("\n")) {
                assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{.*\\})? -?[0-9.]+(E-?[0-9]+)?");
            }
            s.close(); // the last request's log line is written once its response is complete
            assertThat(logged).hasSizeGreaterThanOrEqualTo(4);
            for (String line : logged) {
                assertThat(line).doesNotContain("Zebra").doesNotContain("alice");
                if (!output.isBlank()) {
                    assertThat(line).doesNotContain(output.strip());
                }
            }
            assertThat(logged.getFirst()).contains("\"route\":\"/v1/chat/completions\"").contains("\"status\":200")
                    .contains("\"prompt_tokens\"").contains("\"completion_tokens\":8");
            assertThat(String.join("\n", logged)).contains("\"route\":\"unmatched\"").contains("\"error\":\"model_not_found\"");
        } finally {
            s.close();
            access.removeHandler(capture);
            access.setUseParentHandlers(true);
        }
    }
}
