package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Malformed bodies, wrong methods and Ollama-shaped errors: what a client sees when it gets a request wrong. */
class RequestErrorsTest {
    /** Words of the JSON parser's internals that must never reach a client. */
    private static final List<String> INTERNALS = List.of("StreamReadFeature", "Source", "REDACTED", "jackson",
            "Jackson", "`", "code ", "DeserializationFeature", "JsonNode", "token (of type");

    private static CoveServer server;
    private static HttpTestClient client;

    @BeforeAll
    static void start() {
        server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(1).accessLog(false))
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
    void eachKindOfMalformedBodyIsExplainedInPlainWordsWithLineAndColumn() {
        Map<String, String> bodies = Map.of(
                "{\"model\":\"stories\",\n \"prompt\": \"Once\"", "ends before the JSON is complete",
                "{\"model\":\"stories\",}", "field name in double quotes",
                "{\"model\":\"stories\" \"prompt\":\"x\"}", "comma",
                "{\"model\" \"stories\"}", "colon",
                "{\"model\":stories}", "not a JSON value",
                "{\"model\":\"stories\",\"model\":\"other\"}", "'model' appears twice",
                "{\"model\":\"stories\"} {}", "more after the end",
                "{\"prompt\":\"a\tb\"}", "control character",
                "{\"prompt\":\"a\\qb\"}", "escape",
                "{\"n\": 01}", "number");
        bodies.forEach((body, expected) -> {
            for (String route : List.of("/v1/completions", "/api/generate")) {
                var r = client.post(route, body);
                assertThat(r.status()).as(route + " " + body).isEqualTo(400);
                JsonNode error = r.json().path("error");
                String message = error.isTextual() ? error.asText() : error.path("message").asText();
                assertThat(message).as(body).contains("not valid JSON").contains(expected)
                        .containsPattern("line \\d+, column \\d+");
                INTERNALS.forEach(word -> assertThat(message).as(body).doesNotContain(word));
            }
        });
        // Where the problem is: the unclosed object ends on line 2.
        var eof = client.post("/v1/completions", "{\"model\":\"stories\",\n \"prompt\": \"Once\"");
        assertThat(eof.json().path("error").path("message").asText()).contains("line 2");
    }

    @Test
    void theBodysTextIsNeverQuotedInTheError() {
        var r = client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\": my secret diagnosis}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("secret").doesNotContain("diagnosis");
    }

    @Test
    void theParserMessagesAreClassifiedWithoutAServer() throws Exception {
        JsonProcessingException e = parseFailure("[1, 2");
        assertThat(JsonSyntaxError.describe(e)).contains("ends before").contains("line 1, column");
        assertThat(JsonSyntaxError.describe(parseFailure("\u0001"))).contains("control character U+0001");
    }

    @Test
    void aWrongMethodGets405WithAllowOnEveryRoute() {
        Map<String, String> getRoutes = Map.of("/v1/models", "GET", "/v1/models/stories", "GET", "/api/tags", "GET",
                "/api/version", "GET", "/api/ps", "GET", "/metrics", "GET", "/health", "GET");
        List<String> postRoutes = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/infill",
                "/api/show", "/api/generate", "/api/chat", "/api/embed", "/api/embeddings", "/api/pull");
        getRoutes.keySet().forEach(path -> assertMethodNotAllowed(path, "DELETE", "GET"));
        getRoutes.keySet().forEach(path -> assertMethodNotAllowed(path, "POST", "GET"));
        postRoutes.forEach(path -> assertMethodNotAllowed(path, "GET", "POST"));
        postRoutes.forEach(path -> assertMethodNotAllowed(path, "PUT", "POST"));
        // HEAD and OPTIONS get an answer too, never a 404 for a path that exists.
        assertThat(send("/v1/models", "HEAD").status()).isEqualTo(200);
        var options = send("/v1/chat/completions", "OPTIONS");
        assertThat(options.status()).isEqualTo(405);
        assertThat(options.header("Allow")).isEqualTo("POST");
        // An unknown path is still 404.
        assertThat(send("/v1/nothing-here", "GET").status()).isEqualTo(404);
    }

    @Test
    void ollamaRoutesPointAtOllamaRoutes() {
        for (String route : List.of("/api/chat", "/api/generate", "/api/show", "/api/embed", "/api/embeddings")) {
            var unknown = client.post(route, "{\"model\":\"nope\",\"prompt\":\"x\",\"input\":\"x\",\"messages\":[]}");
            assertThat(unknown.status()).as(route).isEqualTo(404);
            assertThat(unknown.json().path("error").isTextual()).as(unknown.body()).isTrue();
            assertThat(unknown.json().path("error").asText()).as(route).contains("'nope' not found")
                    .contains("/api/tags").doesNotContain("/v1");
            var missing = client.post(route, "{\"prompt\":\"x\"}");
            assertThat(missing.status()).as(route).isEqualTo(400);
            assertThat(missing.json().path("error").asText()).as(route).contains("model is required")
                    .doesNotContain("/v1");
        }
        // The OpenAI routes keep pointing at their own list.
        var openAi = client.post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
        OpenAiApiTest.assertError(openAi, 404, "model", "model_not_found");
        assertThat(openAi.json().path("error").path("message").asText()).contains("/v1/models");
    }

    private static void assertMethodNotAllowed(String path, String method, String allowed) {
        var r = send(path, method);
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(405);
        assertThat(r.header("Allow")).as(method + " " + path).contains(allowed).doesNotContain(method);
        if (path.startsWith("/api/")) {
            assertThat(r.json().path("error").isTextual()).as(r.body()).isTrue();
        } else if (!path.equals("/metrics") && !path.equals("/health")) {
            OpenAiApiTest.assertError(r, 405, null, "method_not_allowed");
        }
    }

    private static HttpTestClient.Response send(String path, String method) {
        HttpRequest.BodyPublisher body = method.equals("GET") || method.equals("DELETE") || method.equals("HEAD") || method.equals("OPTIONS")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}");
        return client.send(client.builder(path).method(method, body).header("Content-Type", "application/json").build());
    }

    private static JsonProcessingException parseFailure(String text) {
        try {
            Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return e;
        }
        throw new AssertionError("parsed: " + text);
    }
}
