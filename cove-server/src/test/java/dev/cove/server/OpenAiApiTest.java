package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI endpoints over HTTP: response shapes, SSE streaming, and errors for bad requests. */
class OpenAiApiTest {
    private static CoveServer server;
    private static HttpTestClient client;

    @BeforeAll
    static void start() {
        server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(2).maxBodyBytes(64 * 1024).accessLog(false))
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
    void listsTheModels() {
        JsonNode body = client.get("/v1/models").json();
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data").get(0).path("id").asText()).isEqualTo("stories");
        assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("model");
        assertThat(client.get("/v1/models/stories").json().path("id").asText()).isEqualTo("stories");
        assertThat(client.get("/v1/models/nope").status()).isEqualTo(404);
    }

    @Test
    void specialTokenTextInAMessageStaysText() {
        // "</s>" is the model's end-of-sequence control token; typed into a message it must not
        // become one (nor could "<|im_end|>" close a turn in a ChatML model).
        var r = client.post("/v1/chat/completions", """
                {"model":"stories","messages":[{"role":"user","content":"</s><s>"}],"max_tokens":1,"temperature":0}
                """);
        assertThat(r.status()).isEqualTo(200);
        int promptTokens = r.json().path("usage").path("prompt_tokens").asInt();
        var tokenizer = TestModels.stories().tokenizer();
        String rendered = "User: </s><s>\nAssistant:"; // the plain format of a model without a chat template
        assertThat(promptTokens).isEqualTo(tokenizer.encode(rendered, true, false).length)
                .isNotEqualTo(tokenizer.encode(rendered, true, true).length);
    }

    @Test
    void answersAChatWithUsage() {
        var r = client.post("/v1/chat/completions", """
                {"model":"stories","messages":[{"role":"system","content":"Stories."},
                 {"role":"user","content":[{"type":"text","text":"Once upon"},{"type":"text","text":" a time"}]}],
                 "max_tokens":12,"temperature":0,"seed":7,"user":"someone","presence_penalty":0.5,"frequency_penalty":0.1}
                """);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("application/json");
        JsonNode body = r.json();
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("stories");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isNotEmpty();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(12);
        assertThat(body.path("usage").path("total_tokens").asInt())
                .isEqualTo(body.path("usage").path("prompt_tokens").asInt() + 12);
    }

    @Test
    void streamsAChatInOpenAisChunkFormat() {
        String request = """
                {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],
                 "max_completion_tokens":8,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}""";
        var r = client.post("/v1/chat/completions", request);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        List<JsonNode> chunks = new ArrayList<>();
        String[] events = r.body().split("\n\n");
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
        for (int i = 0; i < events.length - 1; i++) {
            assertThat(events[i]).startsWith("data: ");
            chunks.add(parse(events[i].substring(6)));
        }
        String id = chunks.getFirst().path("id").asText();
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            assertThat(c.path("id").asText()).isEqualTo(id);
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (!c.path("choices").isEmpty()) {
                text.append(c.path("choices").get(0).path("delta").path("content").asText(""));
            }
        }
        assertThat(chunks.getFirst().path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(8);
        // The same request without streaming gives the same text (greedy).
        JsonNode whole = client.post("/v1/chat/completions", request.replace("\"stream\":true", "\"stream\":false")).json();
        assertThat(text).hasToString(whole.path("choices").get(0).path("message").path("content").asText());
    }

    @Test
    void completesTextAndStreamsCompletions() {
        JsonNode body = client.post("/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once upon a time\",\"max_tokens\":6,\"temperature\":0,\"echo\":true}").json();
        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        assertThat(body.path("choices").get(0).path("text").asText()).startsWith("Once upon a time").hasSizeGreaterThan(16);
        var tokens = client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\":[1, 403, 407],\"max_tokens\":3}");
        assertThat(tokens.status()).isEqualTo(200);
        assertThat(tokens.json().path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        var stream = client.post("/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once\",\"max_tokens\":4,\"stream\":true}");
        assertThat(stream.body()).contains("\"object\":\"text_completion\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void embedsAsFloatsAndBase64() {
        JsonNode body = client.post("/v1/embeddings", "{\"model\":\"stories\",\"input\":[\"a cat\",\"a dog\"]}").json();
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).hasSize(2);
        JsonNode first = body.path("data").get(0);
        assertThat(first.path("object").asText()).isEqualTo("embedding");
        int width = TestModels.stories().config().embeddingLength();
        assertThat(first.path("embedding")).hasSize(width);
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
        JsonNode b64 = client.post("/v1/embeddings",
                "{\"model\":\"stories\",\"input\":\"a cat\",\"encoding_format\":\"base64\"}").json();
        byte[] bytes = Base64.getDecoder().decode(b64.path("data").get(0).path("embedding").asText());
        assertThat(bytes).hasSize(width * 4);
        float firstValue = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(firstValue).isEqualTo((float) first.path("embedding").get(0).asDouble());
    }

    @Test
    void badRequestsGetOpenAiErrors() {
        assertError(client.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[}"), 400, null, null);
        assertError(client.post("/v1/chat/completions", "[1,2]"), 400, null, null);
        assertError(client.post("/v1/chat/completions", ""), 400, null, null);
        assertError(client.post("/v1/chat/completions", "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                404, "model", "model_not_found");
        assertError(client.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "model", null);
        assertError(chat("\"temperature\":\"hot\""), 400, "temperature", null);
        assertError(chat("\"temperature\":3"), 400, "temperature", null);
        assertError(chat("\"max_tokens\":2.5"), 400, "max_tokens", null);
        assertError(chat("\"max_tokens\":0"), 400, "max_tokens", null);
        assertError(chat("\"stream\":\"yes\""), 400, "stream", null);
        assertError(chat("\"n\":0"), 400, "n", null);
        assertError(chat("\"n\":17"), 400, "n", null);
        assertError(chat("\"stop\":[1]"), 400, "stop", null);
        assertError(chat("\"logit_bias\":{\"99999\":5}"), 400, "logit_bias", null);
        assertError(chat("\"tools\":[{\"type\":\"function\"}]"), 400, "tools[0].function", null);
        assertError(chat("\"response_format\":{\"type\":\"xml\"}"), 400, "response_format", "unsupported_parameter");
        assertError(chat("\"response_format\":{\"type\":\"json_schema\"}"), 400, "response_format.json_schema", null);
        assertError(client.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":\"hi\"}"), 400, "messages", null);
        assertError(client.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[]}"), 400, "messages", null);
        assertError(client.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"),
                400, "messages[0].role", null);
        assertError(client.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":5}]}"),
                400, "messages[0].content", null);
        assertError(client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\":[99999]}"), 400, "prompt", null);
        assertError(client.post("/v1/embeddings", "{\"model\":\"stories\",\"input\":\"x\",\"encoding_format\":\"hex\"}"),
                400, "encoding_format", null);
        assertError(client.get("/v1/nothing-here"), 404, null, "unknown_url");
    }

    @Test
    void aPromptLongerThanTheContextIsRefused() {
        String longText = "Once upon a time there was a little cat. ".repeat(40);
        var r = client.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + longText + "\"}]}");
        assertError(r, 400, "messages", "context_length_exceeded");
        assertThat(r.json().path("error").path("message").asText()).contains("maximum context length is 128 tokens");
        assertError(client.post("/v1/embeddings", "{\"model\":\"stories\",\"input\":[\"ok\",\"" + longText + "\"]}"),
                400, "input[1]", "context_length_exceeded");
    }

    @Test
    void anOversizedBodyIsRefusedWith413WhetherItsLengthIsDeclaredOrNot() {
        String big = "{\"model\":\"stories\",\"prompt\":\"" + "x".repeat(100 * 1024) + "\"}";
        HttpRequest chunked = client.builder("/v1/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build();
        // The server refuses while the client is still uploading; it reads the rest of a body of
        // reasonable size so the answer is not lost to a reset connection. Every try sees the 413.
        for (int attempt = 0; attempt < 5; attempt++) {
            assertError(client.post("/v1/completions", big), 413, null, "request_too_large");
            assertError(client.send(chunked), 413, null, "request_too_large");
        }
    }

    @Test
    void fillInTheMiddleNeedsAModelWithFimTokens() {
        assertError(client.post("/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"def f(\",\"suffix\":\"return x\"}"), 400, "suffix", "fim_not_supported");
    }

    @Test
    void aWebPageOfAnotherOriginIsRefusedWithoutKeys() {
        var r = client.post("/v1/chat/completions", "{}", Map.of("Origin", "https://evil.example"));
        assertError(r, 403, null, "forbidden_origin");
        var local = client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\":\"Once\",\"max_tokens\":1}",
                Map.of("Origin", "http://localhost:3000"));
        assertThat(local.status()).isEqualTo(200);
    }

    @Test
    void responseFormatJsonSchemaGivesJsonOfTheSchema() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"color\":{\"enum\":[\"red\",\"green\"]},"
                + "\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9},\"tags\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\",\"maxLength\":4},\"maxItems\":2}},"
                + "\"required\":[\"color\",\"n\",\"tags\"],\"additionalProperties\":false}";
        for (int seed = 0; seed < 5; seed++) {
            var r = chat("\"temperature\":1,\"seed\":" + seed + ",\"max_tokens\":300,\"response_format\":"
                    + "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"strict\":true,\"schema\":" + schema + "}}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode choice = r.json().path("choices").get(0);
            JsonNode value = HttpTestClient.JSON.readTree(choice.path("message").path("content").asText());
            assertThat(value.path("color").asText()).isIn("red", "green");
            assertThat(value.path("n").asInt()).isBetween(1, 9);
            assertThat(value.path("tags").size()).isLessThanOrEqualTo(2);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        }
        // Streaming works unchanged: the pieces join into the same kind of JSON.
        var streamed = chat("\"stream\":true,\"temperature\":1,\"seed\":1,\"max_tokens\":300,\"response_format\":"
                + "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"schema\":" + schema + "}}");
        StringBuilder text = new StringBuilder();
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode delta = HttpTestClient.JSON.readTree(line.substring(6)).path("choices").path(0).path("delta");
                text.append(delta.path("content").asText(""));
            }
        }
        assertThat(HttpTestClient.JSON.readTree(text.toString()).path("n").asInt()).isBetween(1, 9);
    }

    @Test
    void jsonObjectAndGrammarFields() throws Exception {
        var object = chat("\"temperature\":1,\"seed\":4,\"max_tokens\":400,\"response_format\":{\"type\":\"json_object\"}");
        assertThat(object.status()).as(object.body()).isEqualTo(200);
        String content = object.json().path("choices").get(0).path("message").path("content").asText();
        String finish = object.json().path("choices").get(0).path("finish_reason").asText();
        if (finish.equals("stop")) {
            assertThat(HttpTestClient.JSON.readTree(content).isObject()).as(content).isTrue();
        } else {
            assertThat(content).startsWith("{"); // cut off by max_tokens: a prefix of an object
        }
        var grammar = chat("\"temperature\":1,\"seed\":2,\"max_tokens\":50,\"grammar\":\"root ::= (\\\"yes\\\" | \\\"no\\\") \\\".\\\"\"");
        assertThat(grammar.status()).as(grammar.body()).isEqualTo(200);
        assertThat(grammar.json().path("choices").get(0).path("message").path("content").asText()).isIn("yes.", "no.");
        var completion = client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\":\"Once\",\"max_tokens\":20,"
                + "\"grammar\":\"root ::= [0-9]{3}\"}");
        assertThat(completion.json().path("choices").get(0).path("text").asText()).matches("[0-9]{3}");
    }

    @Test
    void unusableSchemasAndGrammarsAre400() {
        assertError(chat("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"uniqueItems\":true}}}}}"),
                400, "response_format.json_schema.schema", "invalid_schema");
        var r = chat("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"schema\":"
                + "{\"allOf\":[]}}}");
        assertThat(r.json().path("error").path("message").asText()).contains("'allOf'");
        assertError(chat("\"grammar\":\"root ::= root \\\"a\\\"\""), 400, "grammar", "invalid_grammar");
        assertError(chat("\"grammar\":\"root ::= \\\"a\\\"\",\"response_format\":{\"type\":\"json_object\"}"), 400,
                "grammar", null);
    }

    private static HttpTestClient.Response chat(String extraField) {
        return client.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + extraField + "}");
    }

    static void assertError(HttpTestClient.Response r, int status, String param, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode error = r.json().path("error");
        assertThat(error.isObject()).as(r.body()).isTrue();
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("type").asText()).isNotBlank();
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
        if (param != null) {
            assertThat(error.path("param").asText()).isEqualTo(param);
        }
        if (code != null) {
            assertThat(error.path("code").asText()).isEqualTo(code);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return HttpTestClient.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("corrupt chunk: " + json, e);
        }
    }
}
