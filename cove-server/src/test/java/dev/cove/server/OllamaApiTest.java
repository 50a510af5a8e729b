package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cove.core.Model;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.gguf.GgufWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Ollama endpoints: NDJSON streaming, model listing, and fill-in-the-middle on a model that has FIM tokens. */
class OllamaApiTest {
    private static CoveServer server;
    private static HttpTestClient client;
    private static Model fimModel;

    @BeforeAll
    static void start() throws Exception {
        Model stories = TestModels.stories();
        fimModel = Model.load(withFimTokens(), 1);
        server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(2).accessLog(false))
                .model("stories", stories).model("stories-fim", fimModel).start();
        client = new HttpTestClient(server.baseUri());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (fimModel != null) {
            fimModel.close();
        }
    }

    /** stories260K with three of its tokens declared as the FIM prefix, suffix and middle markers. */
    private static Path withFimTokens() throws Exception {
        Path out = Path.of("target/test-models/stories-fim.gguf");
        Files.createDirectories(out.getParent());
        try (GgufFile in = GgufFile.open(TestModels.STORIES)) {
            GgufWriter writer = new GgufWriter().putAll(in.metadata())
                    .putUInt32("tokenizer.ggml.fim_pre_token_id", 3)
                    .putUInt32("tokenizer.ggml.fim_suf_token_id", 4)
                    .putUInt32("tokenizer.ggml.fim_mid_token_id", 5);
            for (GgufTensorInfo t : in.tensors().values()) {
                writer.addTensor(t.name(), t.type(), t.shape(), GgufWriter.TensorPayload.of(in.tensorData(t)));
            }
            writer.write(out);
        }
        return out;
    }

    @Test
    void generateReturnsAContextThatTheNextRequestContinues() {
        JsonNode first = client.post("/api/generate", """
                {"model":"stories","prompt":"Once upon","stream":false,"options":{"temperature":0,"num_predict":5}}
                """).json();
        JsonNode context = first.path("context");
        int promptTokens = first.path("prompt_eval_count").asInt();
        assertThat(context.size()).isEqualTo(promptTokens + first.path("eval_count").asInt());
        assertThat(context.get(0).asInt()).isEqualTo(TestModels.stories().tokenizer().vocabulary().bos());
        assertThat(TestModels.stories().tokenizer().decode(toInts(context)))
                .endsWith("Once upon" + first.path("response").asText());

        var next = client.post("/api/generate", """
                {"model":"stories","prompt":" the end","stream":false,"context":%s,
                 "options":{"temperature":0,"num_predict":3}}
                """.formatted(context));
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        int added = TestModels.stories().tokenizer().encode(" the end", false, false).length;
        assertThat(next.json().path("prompt_eval_count").asInt()).isEqualTo(context.size() + added);
        assertThat(next.json().path("context").size()).isGreaterThan(context.size() + added);

        assertThat(client.post("/api/generate", "{\"model\":\"stories\",\"prompt\":\"x\",\"stream\":false,"
                + "\"context\":[\"a\"]}").status()).isEqualTo(400);
        var outside = client.post("/api/generate", "{\"model\":\"stories\",\"prompt\":\"x\",\"stream\":false,"
                + "\"context\":[99999]}");
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.body()).contains("context");
    }

    private static int[] toInts(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void formatJsonAndSchema() throws Exception {
        JsonNode schemaOut = client.post("/api/chat", "{\"model\":\"stories\",\"stream\":false,\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"hi\"}],\"options\":{\"temperature\":1,\"seed\":5,\"num_predict\":300},"
                + "\"format\":{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"},\"age\":{\"type\":\"integer\","
                + "\"minimum\":0,\"maximum\":99}},\"required\":[\"ok\",\"age\"]}}").json();
        JsonNode value = HttpTestClient.JSON.readTree(schemaOut.path("message").path("content").asText());
        assertThat(value.path("ok").isBoolean()).isTrue();
        assertThat(value.path("age").asInt()).isBetween(0, 99);
        assertThat(schemaOut.path("done_reason").asText()).isEqualTo("stop");
        JsonNode json = client.post("/api/generate", "{\"model\":\"stories\",\"prompt\":\"x\",\"stream\":false,"
                + "\"format\":\"json\",\"options\":{\"temperature\":1,\"seed\":3,\"num_predict\":8}}").json();
        assertThat(json.path("response").asText()).startsWith("{");
    }

    @Test
    void generateStreamsNdjsonByDefault() throws Exception {
        var r = client.post("/api/generate", "{\"model\":\"stories\",\"prompt\":\"Once upon a time\",\"options\":{\"num_predict\":6,\"temperature\":0}}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("application/x-ndjson");
        List<JsonNode> lines = lines(r.body());
        StringBuilder text = new StringBuilder();
        for (JsonNode line : lines.subList(0, lines.size() - 1)) {
            assertThat(line.path("done").asBoolean()).isFalse();
            assertThat(line.path("model").asText()).isEqualTo("stories");
            text.append(line.path("response").asText());
        }
        JsonNode last = lines.getLast();
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("done_reason").asText()).isEqualTo("length");
        assertThat(last.path("eval_count").asInt()).isEqualTo(6);
        assertThat(last.path("prompt_eval_count").asInt()).isPositive();
        assertThat(last.path("total_duration").asLong()).isPositive();
        JsonNode whole = client.post("/api/generate", "{\"model\":\"stories:latest\",\"prompt\":\"Once upon a time\","
                + "\"stream\":false,\"options\":{\"num_predict\":6,\"temperature\":0}}").json();
        assertThat(whole.path("response").asText()).isEqualTo(text.toString());
    }

    @Test
    void chatAnswersWithAMessage() throws Exception {
        var r = client.post("/api/chat", "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"stream\":false,\"options\":{\"num_predict\":5,\"seed\":3}}");
        JsonNode body = r.json();
        assertThat(body.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(body.path("done").asBoolean()).isTrue();
        List<JsonNode> streamed = lines(client.post("/api/chat",
                "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"options\":{\"num_predict\":3}}").body());
        assertThat(streamed.getFirst().path("message").path("content").isTextual()).isTrue();
        assertThat(streamed.getLast().path("done").asBoolean()).isTrue();
    }

    @Test
    void listsShowsAndVersions() {
        JsonNode tags = client.get("/api/tags").json();
        assertThat(tags.path("models")).hasSize(2);
        JsonNode first = tags.path("models").get(0);
        assertThat(first.path("name").asText()).isEqualTo("stories");
        assertThat(first.path("details").path("format").asText()).isEqualTo("gguf");
        assertThat(first.path("details").path("family").asText()).isEqualTo("llama");
        assertThat(first.path("size").asLong()).isPositive();
        JsonNode show = client.post("/api/show", "{\"model\":\"stories-fim\"}").json();
        assertThat(show.path("model_info").path("llama.context_length").asInt()).isPositive();
        assertThat(show.path("capabilities").toString()).contains("insert");
        assertThat(client.get("/api/version").json().path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(client.get("/api/ps").json().path("models")).hasSize(2);
    }

    @Test
    void embedReturnsOneVectorPerInput() {
        JsonNode body = client.post("/api/embed", "{\"model\":\"stories\",\"input\":[\"a\",\"b\",\"c\"]}").json();
        assertThat(body.path("embeddings")).hasSize(3);
        JsonNode legacy = client.post("/api/embeddings", "{\"model\":\"stories\",\"prompt\":\"a\"}").json();
        assertThat(legacy.path("embedding").get(0).asDouble())
                .isEqualTo(body.path("embeddings").get(0).get(0).asDouble());
    }

    @Test
    void fillInTheMiddleBuildsThePrefixSuffixMiddlePrompt() {
        var tokenizer = fimModel.tokenizer();
        int expected = 1 + 3 + tokenizer.encode("def add(a, b):", false, false).length
                + tokenizer.encode("    return c", false, false).length;
        JsonNode body = client.post("/api/generate", "{\"model\":\"stories-fim\",\"prompt\":\"def add(a, b):\","
                + "\"suffix\":\"    return c\",\"stream\":false,\"options\":{\"num_predict\":4}}").json();
        assertThat(body.path("prompt_eval_count").asInt()).isEqualTo(expected);
        JsonNode openAi = client.post("/v1/completions", "{\"model\":\"stories-fim\",\"prompt\":\"def add(a, b):\","
                + "\"suffix\":\"    return c\",\"max_tokens\":4}").json();
        assertThat(openAi.path("usage").path("prompt_tokens").asInt()).isEqualTo(expected);
        // llama.cpp's /infill, as editor plugins call it.
        JsonNode infill = client.post("/infill", "{\"model\":\"stories-fim\",\"input_prefix\":\"def add(a, b):\","
                + "\"input_suffix\":\"    return c\",\"n_predict\":4}").json();
        assertThat(infill.path("stop").asBoolean()).isTrue();
        assertThat(infill.path("tokens_evaluated").asInt()).isEqualTo(expected);
        assertThat(infill.path("tokens_predicted").asInt()).isEqualTo(4);
        var streamed = client.post("/infill", "{\"model\":\"stories-fim\",\"input_prefix\":\"x = \",\"n_predict\":3,"
                + "\"stream\":true}");
        assertThat(streamed.body()).startsWith("data: {\"content\":").contains("\"stop\":true");
        // A model without FIM tokens says so.
        var refused = client.post("/api/generate", "{\"model\":\"stories\",\"prompt\":\"a\",\"suffix\":\"b\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).contains("cannot fill in the middle");
        var refusedInfill = client.post("/infill", "{\"model\":\"stories\",\"input_prefix\":\"a\"}");
        OpenAiApiTest.assertError(refusedInfill, 400, "input_prefix", "fim_not_supported");
    }

    @Test
    void errorsUseOllamasShape() {
        var missing = client.post("/api/generate", "{\"model\":\"llama9\",\"prompt\":\"x\"}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").isTextual()).isTrue();
        var bad = client.post("/api/chat", "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"options\":{\"temperature\":\"warm\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).contains("options.temperature");
        var format = client.post("/api/generate", "{\"model\":\"stories\",\"prompt\":\"x\",\"format\":\"xml\"}");
        assertThat(format.status()).isEqualTo(400);
        var keyword = client.post("/api/generate", "{\"model\":\"stories\",\"prompt\":\"x\",\"format\":"
                + "{\"type\":\"object\",\"not\":{}}}");
        assertThat(keyword.status()).isEqualTo(400);
        assertThat(keyword.json().path("error").asText()).contains("'not'");
        JsonNode load = client.post("/api/generate", "{\"model\":\"stories\"}").json();
        assertThat(load.path("done_reason").asText()).isEqualTo("load");
    }

    private static List<JsonNode> lines(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            try {
                out.add(HttpTestClient.JSON.readTree(line));
            } catch (Exception e) {
                throw new AssertionError("corrupt NDJSON line: " + line, e);
            }
        }
        return out;
    }
}
