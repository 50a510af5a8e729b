package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code n > 1}: several choices for one prompt, whole and streamed, on both OpenAI endpoints. */
class ChoicesApiTest {
    private static CoveServer server;
    private static HttpTestClient client;

    @BeforeAll
    static void start() {
        server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(2).accessLog(false))
                .model("stories", TestModels.stories()).start();
        client = new HttpTestClient(server.baseUri());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void chatReturnsNSeededChoicesReproducibly() {
        String request = """
                {"model":"stories","n":3,"max_tokens":10,"temperature":1.0,"seed":11,
                 "messages":[{"role":"user","content":"Once upon a time"}]}
                """;
        JsonNode first = ok(client.post("/v1/chat/completions", request));
        JsonNode again = ok(client.post("/v1/chat/completions", request));
        JsonNode choices = first.path("choices");
        assertThat(choices).hasSize(3);
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            assertThat(choices.get(i).path("index").asInt()).isEqualTo(i);
            assertThat(choices.get(i).path("finish_reason").asText()).isEqualTo("length");
            texts.add(choices.get(i).path("message").path("content").asText());
            assertThat(again.path("choices").get(i).path("message").path("content").asText())
                    .isEqualTo(choices.get(i).path("message").path("content").asText());
        }
        assertThat(texts).as("different seeds per choice").hasSizeGreaterThan(1);
        assertThat(first.path("usage").path("completion_tokens").asInt()).isEqualTo(30);
        JsonNode single = ok(client.post("/v1/chat/completions", request.replace("\"n\":3", "\"n\":1")));
        assertThat(single.path("usage").path("prompt_tokens").asInt())
                .isEqualTo(first.path("usage").path("prompt_tokens").asInt());
        // choice 0 of n is the same answer as the single choice of the same seed
        assertThat(single.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo(choices.get(0).path("message").path("content").asText());
    }

    @Test
    void streamedChoicesCarryTheirIndex() throws Exception {
        var r = client.post("/v1/chat/completions", """
                {"model":"stories","n":2,"max_tokens":6,"temperature":1.0,"seed":5,"stream":true,
                 "messages":[{"role":"user","content":"Once upon a time"}]}
                """);
        assertThat(r.status()).isEqualTo(200);
        Map<Integer, StringBuilder> text = new HashMap<>();
        Map<Integer, String> finish = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: {")) {
                continue;
            }
            JsonNode choice = HttpTestClient.JSON.readTree(line.substring(6)).path("choices").get(0);
            int index = choice.path("index").asInt();
            text.computeIfAbsent(index, k -> new StringBuilder()).append(choice.path("delta").path("content").asText(""));
            if (!choice.path("finish_reason").isNull()) {
                finish.put(index, choice.path("finish_reason").asText());
            }
        }
        assertThat(finish).containsOnlyKeys(0, 1).containsValues("length");
        JsonNode whole = ok(client.post("/v1/chat/completions", """
                {"model":"stories","n":2,"max_tokens":6,"temperature":1.0,"seed":5,
                 "messages":[{"role":"user","content":"Once upon a time"}]}
                """));
        for (int i = 0; i < 2; i++) {
            assertThat(text.get(i).toString()).isEqualTo(whole.path("choices").get(i).path("message").path("content").asText());
        }
    }

    @Test
    void completionsTooAndBestOfMustMatch() {
        JsonNode body = ok(client.post("/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once\",\"n\":2,\"best_of\":2,\"max_tokens\":4,\"seed\":1,\"temperature\":1}"));
        assertThat(body.path("choices")).hasSize(2);
        assertThat(body.path("choices").get(1).path("index").asInt()).isEqualTo(1);
        var refused = client.post("/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once\",\"n\":2,\"best_of\":3,\"max_tokens\":4}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").path("param").asText()).isEqualTo("best_of");
    }

    private static JsonNode ok(HttpTestClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
