package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tool calling over both APIs on stories260K. The model cannot call tools by itself, so
 * {@code tool_choice: "required"} (or a named function) drives its output into the call format
 * with constrained decoding; the answer is then read as a model's own call would be.
 */
class ToolCallingApiTest {
    private static final String TOOLS = """
            [{"type":"function","function":{"name":"get_weather","description":"The weather in a city",
              "parameters":{"type":"object","properties":{"city":{"type":"string","enum":["Paris","Bern"]},
                "days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"],
                "additionalProperties":false}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}]
            """;
    private static CoveServer server;
    private static HttpTestClient client;

    @BeforeAll
    static void start() {
        // the tool descriptions need more than stories260K's 128 positions
        server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(2).contextLength(2048).accessLog(false))
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
    void aRequiredCallComesBackAsToolCalls() throws Exception {
        JsonNode body = ok(client.post("/v1/chat/completions", chat("\"required\"", false)));
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode message = choice.path("message");
        assertThat(message.path("content").isNull()).isTrue();
        JsonNode call = message.path("tool_calls").get(0);
        assertThat(call.path("id").asText()).matches("call_[A-Za-z0-9]{24}");
        assertThat(call.path("type").asText()).isEqualTo("function");
        String name = call.path("function").path("name").asText();
        assertThat(name).isIn("get_weather", "get_time");
        JsonNode args = HttpTestClient.JSON.readTree(call.path("function").path("arguments").asText());
        assertThat(args.isObject()).isTrue();
        if (name.equals("get_weather")) {
            assertThat(args.path("city").asText()).isIn("Paris", "Bern");
            assertThat(args.path("days").asInt()).isBetween(1, 7);
        }
    }

    @Test
    void aNamedFunctionIsTheOneCalled() throws Exception {
        JsonNode body = ok(client.post("/v1/chat/completions",
                chat("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", false)));
        JsonNode call = body.path("choices").get(0).path("message").path("tool_calls").get(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        JsonNode args = HttpTestClient.JSON.readTree(call.path("function").path("arguments").asText());
        assertThat(args.path("city").asText()).isIn("Paris", "Bern");
    }

    @Test
    void aStreamedCallArrivesAsOpenAiSendsIt() throws Exception {
        var r = client.post("/v1/chat/completions",
                chat("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", true));
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                chunks.add(HttpTestClient.JSON.readTree(line.substring(6)));
            }
        }
        StringBuilder arguments = new StringBuilder();
        String id = null;
        String name = null;
        String finish = null;
        StringBuilder content = new StringBuilder();
        for (JsonNode c : chunks) {
            JsonNode choice = c.path("choices").get(0);
            JsonNode delta = choice.path("delta");
            content.append(delta.path("content").asText(""));
            for (JsonNode call : delta.path("tool_calls")) {
                assertThat(call.path("index").asInt()).isZero();
                if (call.has("id")) {
                    id = call.path("id").asText();
                    name = call.path("function").path("name").asText();
                }
                arguments.append(call.path("function").path("arguments").asText());
            }
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertThat(content.toString()).isEmpty();
        assertThat(id).startsWith("call_");
        assertThat(name).isEqualTo("get_weather");
        assertThat(HttpTestClient.JSON.readTree(arguments.toString()).path("days").asInt()).isBetween(1, 7);
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void theToolResultGoesBackAndTheModelAnswers() {
        var r = client.post("/v1/chat/completions", """
                {"model":"stories","max_tokens":8,"temperature":0,"tools":%s,"messages":[
                 {"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\",\\"days\\":1}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny, 21 C"}]}
                """.formatted(TOOLS));
        JsonNode body = ok(r);
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isIn("length", "stop");
        assertThat(choice.path("message").path("content").isTextual()).isTrue();
        assertThat(choice.path("message").has("tool_calls")).isFalse();
        // tool_choice none: tools are not offered, the answer is text (a shorter prompt)
        int withTools = body.path("usage").path("prompt_tokens").asInt();
        JsonNode none = ok(client.post("/v1/chat/completions", chat("\"none\"", false)));
        assertThat(none.path("choices").get(0).path("message").path("content").asText()).isNotNull();
        assertThat(none.path("usage").path("prompt_tokens").asInt()).isLessThan(withTools);
    }

    @Test
    void ollamaChatCallsToolsToo() throws Exception {
        // Ollama has no tool_choice: the model decides, so here a format drives it (the grammar of
        // the call is the request's own JSON schema) and the server reads the call from the text.
        var r = client.post("/api/chat", """
                {"model":"stories","stream":false,"tools":%s,"options":{"temperature":0,"num_predict":60},
                 "format":{"type":"object","properties":{"name":{"const":"get_time"},
                   "arguments":{"type":"object","properties":{}, "additionalProperties":false}},
                   "required":["name","arguments"],"additionalProperties":false},
                 "messages":[{"role":"user","content":"What time is it?"}]}
                """.formatted(TOOLS));
        JsonNode body = ok(r);
        JsonNode message = body.path("message");
        assertThat(message.path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("get_time");
        assertThat(message.path("tool_calls").get(0).path("function").path("arguments").isObject()).isTrue();
        assertThat(message.path("content").asText()).isEmpty();
        assertThat(body.path("done").asBoolean()).isTrue();

        var followUp = client.post("/api/chat", """
                {"model":"stories","stream":false,"tools":%s,"options":{"temperature":0,"num_predict":5},
                 "messages":[{"role":"user","content":"What time is it?"},
                  {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_time","arguments":{}}}]},
                  {"role":"tool","tool_name":"get_time","content":"12:00"}]}
                """.formatted(TOOLS));
        assertThat(ok(followUp).path("message").path("content").isTextual()).isTrue();
    }

    @Test
    void badToolRequestsAreRefusedClearly() {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":{}}", "tools");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":[{\"type\":\"function\"}]}", "tools[0].function");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a b\"}}]}",
                "tools[0].function.name");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"a\"}}]}", "tools[1].function.name");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":[{\"type\":\"retrieval\"}]}", "tools[0].type");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":" + TOOLS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}}", "tool_choice.function.name");
        expect400("{\"model\":\"stories\"," + user + ",\"tool_choice\":\"required\"}", "tool_choice");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":" + TOOLS + ",\"tool_choice\":\"always\"}", "tool_choice");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":" + TOOLS
                + ",\"tool_choice\":\"required\",\"response_format\":{\"type\":\"json_object\"}}", "tool_choice");
        expect400("{\"model\":\"stories\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}",
                "messages[0].tool_call_id");
        expect400("{\"model\":\"stories\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]}]}",
                "messages[0].tool_calls[0].function.arguments");
        expect400("{\"model\":\"stories\"," + user + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"contentEncoding\":\"base64\"}}}}}],"
                + "\"tool_choice\":\"required\"}", "tools");
        var ollama = client.post("/api/chat", "{\"model\":\"stories\",\"stream\":false,\"messages\":[{\"role\":\"assistant\","
                + "\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":[1]}}]}]}");
        assertThat(ollama.status()).isEqualTo(400);
    }

    private static void expect400(String body, String param) {
        var r = client.post("/v1/chat/completions", body);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).as(body).isEqualTo(param);
    }

    private static String chat(String toolChoice, boolean stream) {
        return """
                {"model":"stories","max_tokens":200,"temperature":0,"stream":%s,"tools":%s,"tool_choice":%s,
                 "messages":[{"role":"user","content":"What is the weather in Paris?"}]}
                """.formatted(stream, TOOLS, toolChoice);
    }

    private static JsonNode ok(HttpTestClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
