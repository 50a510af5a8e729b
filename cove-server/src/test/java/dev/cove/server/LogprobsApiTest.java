package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenAI's {@code logprobs} on chat (whole and streamed) and completions, and their bad values. */
class LogprobsApiTest {
    private static CoveServer server;
    private static HttpTestClient client;

    @BeforeAll
    static void start() {
        server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
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
    void chatReportsEachTokenWithItsAlternatives() throws Exception {
        JsonNode body = ok(client.post("/v1/chat/completions", chat(false)));
        JsonNode choice = body.path("choices").get(0);
        JsonNode content = choice.path("logprobs").path("content");
        assertThat(content.size()).isEqualTo(body.path("usage").path("completion_tokens").asInt());
        StringBuilder text = new StringBuilder();
        for (JsonNode t : content) {
            text.append(t.path("token").asText());
            JsonNode top = t.path("top_logprobs");
            assertThat(top).hasSize(3);
            // greedy: the token is the most likely one
            assertThat(t.path("token").asText()).isEqualTo(top.get(0).path("token").asText());
            assertThat(t.path("logprob").asDouble()).isEqualTo(top.get(0).path("logprob").asDouble());
            assertThat(top.get(0).path("logprob").asDouble()).isGreaterThanOrEqualTo(top.get(1).path("logprob").asDouble());
            double mass = 0;
            for (JsonNode alt : top) {
                mass += Math.exp(alt.path("logprob").asDouble());
            }
            assertThat(mass).isLessThanOrEqualTo(1.0 + 1e-6);
            assertThat(t.path("bytes").size()).isEqualTo(t.path("token").asText().getBytes("UTF-8").length);
        }
        assertThat(text.toString()).isEqualTo(choice.path("message").path("content").asText());

        var r = client.post("/v1/chat/completions", chat(true));
        List<JsonNode> streamed = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode lp = HttpTestClient.JSON.readTree(line.substring(6)).path("choices").get(0).path("logprobs");
                lp.path("content").forEach(streamed::add);
            }
        }
        assertThat(streamed).hasSize(content.size());
        for (int i = 0; i < streamed.size(); i++) {
            assertThat(streamed.get(i).path("token").asText()).isEqualTo(content.get(i).path("token").asText());
        }
        // without the option: null, as OpenAI sends it
        JsonNode plain = ok(client.post("/v1/chat/completions", chat(false).replace("\"logprobs\":true,\"top_logprobs\":3,", "")));
        assertThat(plain.path("choices").get(0).path("logprobs").isNull()).isTrue();
    }

    @Test
    void completionsUseTheLegacyShape() {
        JsonNode body = ok(client.post("/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once upon a time\",\"max_tokens\":6,\"temperature\":0,\"logprobs\":2}"));
        JsonNode choice = body.path("choices").get(0);
        JsonNode lp = choice.path("logprobs");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lp.path("tokens").size(); i++) {
            assertThat(lp.path("text_offset").get(i).asInt()).isEqualTo(text.length());
            text.append(lp.path("tokens").get(i).asText());
            assertThat(lp.path("top_logprobs").get(i).size()).isBetween(1, 2);
        }
        assertThat(text.toString()).isEqualTo(choice.path("text").asText());
    }

    @Test
    void badValuesAreRefused() {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        assertThat(param(client.post("/v1/chat/completions", "{\"model\":\"stories\"," + user + ",\"top_logprobs\":2}")))
                .isEqualTo("top_logprobs");
        assertThat(param(client.post("/v1/chat/completions",
                "{\"model\":\"stories\"," + user + ",\"logprobs\":true,\"top_logprobs\":21}"))).isEqualTo("top_logprobs");
        assertThat(param(client.post("/v1/chat/completions", "{\"model\":\"stories\"," + user + ",\"logprobs\":\"yes\"}")))
                .isEqualTo("logprobs");
        assertThat(param(client.post("/v1/completions", "{\"model\":\"stories\",\"prompt\":\"x\",\"logprobs\":6}")))
                .isEqualTo("logprobs");
    }

    private static String param(HttpTestClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json().path("error").path("param").asText();
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"stories\",\"max_tokens\":8,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":3,"
                + "\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
    }

    private static JsonNode ok(HttpTestClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
