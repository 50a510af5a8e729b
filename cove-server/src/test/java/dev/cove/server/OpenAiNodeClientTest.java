package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm package (v4), unchanged, against the server: chat, streaming,
 * completions, structured output ({@code response_format} json_schema), tool calls (a round
 * trip, and streamed), embeddings (base64 by
 * default) and errors. npm installs it under
 * {@code target/node-client} on first use; the test skips when Node.js or npm is missing or the
 * install fails (no registry).
 */
class OpenAiNodeClientTest {
    private static final String KEY = "node-client-key-0123456789";
    private static final Path DIR = Path.of("target/node-client");

    @Test
    void theOfficialNodeSdkWorksUnchanged() throws Exception {
        TestModels.stories();
        NodeScripts.prepare(DIR, "/node-client/openai-client-test.mjs", "openai@4", "openai");
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).apiKeys(List.of(KEY)).accessLog(false)
                .contextLength(2048))
                .model("stories", TestModels.stories()).start()) {
            JsonNode out = NodeScripts.run(DIR, "openai-client-test.mjs",
                    Map.of("COVE_URL", server.baseUri().toString(), "COVE_KEY", KEY), 90);

            assertThat(out.path("models").get(0).asText()).isEqualTo("stories");
            assertThat(out.path("chat").path("content").asText()).isNotEmpty();
            assertThat(out.path("chat").path("finish").asText()).isEqualTo("length");
            assertThat(out.path("chat").path("usage").path("completion_tokens").asInt()).isEqualTo(10);
            assertThat(out.path("stream").path("text").asText()).isEqualTo(out.path("chat").path("content").asText());
            assertThat(out.path("stream").path("finish").asText()).isEqualTo("length");
            assertThat(out.path("stream").path("usage").path("completion_tokens").asInt()).isEqualTo(10);
            assertThat(out.path("stream").path("chunks").asInt()).isGreaterThan(3);
            assertThat(out.path("completion").asText()).isNotEmpty();
            JsonNode person = HttpTestClient.JSON.readTree(out.path("structured").path("content").asText());
            assertThat(person.path("name").asText().length()).isLessThanOrEqualTo(8);
            assertThat(person.path("age").asInt()).isBetween(0, 120);
            assertThat(person.size()).isEqualTo(2);
            assertThat(out.path("structured").path("finish").asText()).isEqualTo("stop");
            int width = TestModels.stories().config().embeddingLength();
            assertThat(out.path("embeddingLengths").get(0).asInt()).isEqualTo(width);
            assertThat(out.path("embeddingLengths").get(1).asInt()).isEqualTo(width);
            for (int i = 0; i < 4; i++) {
                assertThat(out.path("embeddingHead").get(i).asDouble())
                        .isCloseTo(out.path("floatHead").get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
            }
            JsonNode tools = out.path("tools");
            assertThat(tools.path("finish").asText()).isEqualTo("tool_calls");
            assertThat(tools.path("id").asText()).startsWith("call_");
            assertThat(tools.path("name").asText()).isEqualTo("get_weather");
            assertThat(tools.path("arguments").path("city").asText()).isIn("Paris", "Bern");
            assertThat(tools.path("answer").isTextual()).isTrue();
            assertThat(tools.path("answerFinish").asText()).isIn("length", "stop");
            JsonNode toolStream = out.path("toolStream");
            assertThat(toolStream.path("id").asText()).startsWith("call_");
            assertThat(toolStream.path("name").asText()).isEqualTo("get_weather");
            assertThat(toolStream.path("arguments").path("city").asText()).isIn("Paris", "Bern");
            assertThat(toolStream.path("finish").asText()).isEqualTo("tool_calls");
            assertThat(out.path("unknownModel").path("status").asInt()).isEqualTo(404);
            assertThat(out.path("unknownModel").path("code").asText()).isEqualTo("model_not_found");
            assertThat(out.path("unknownModel").path("name").asText()).isEqualTo("NotFoundError");
            assertThat(out.path("wrongKey").path("status").asInt()).isEqualTo(401);
            assertThat(out.path("wrongKey").path("name").asText()).isEqualTo("AuthenticationError");
        }
    }
}
