package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official {@code ollama} npm package, unchanged, against the server: listing, chat,
 * streaming, a tool-call round trip and errors. npm installs it under
 * {@code target/ollama-client} on first use; the test skips when Node.js or npm is missing or the
 * install fails (no registry).
 */
class OllamaNodeClientTest {
    private static final Path DIR = Path.of("target/ollama-client");

    @Test
    void theOfficialOllamaClientWorksUnchanged() throws Exception {
        TestModels.stories();
        NodeScripts.prepare(DIR, "/node-client/ollama-client-test.mjs", "ollama@0.5", "ollama");
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false).contextLength(2048))
                .model("stories", TestModels.stories()).start()) {
            JsonNode out = NodeScripts.run(DIR, "ollama-client-test.mjs", Map.of("COVE_URL", server.baseUri().toString()), 90);

            assertThat(out.path("models").get(0).asText()).isEqualTo("stories");
            assertThat(out.path("chat").path("content").asText()).isNotEmpty();
            assertThat(out.path("chat").path("done").asBoolean()).isTrue();
            assertThat(out.path("chat").path("reason").asText()).isEqualTo("length");
            assertThat(out.path("chat").path("evalCount").asInt()).isEqualTo(8);
            assertThat(out.path("stream").path("text").asText()).isEqualTo(out.path("chat").path("content").asText());
            assertThat(out.path("stream").path("parts").asInt()).isGreaterThan(2);
            JsonNode tools = out.path("tools");
            assertThat(tools.path("name").asText()).isEqualTo("get_weather");
            assertThat(tools.path("arguments").path("city").asText()).isIn("Paris", "Bern");
            assertThat(tools.path("content").asText()).isEmpty();
            assertThat(tools.path("answer").isTextual()).isTrue();
            assertThat(out.path("unknownModel").path("status").asInt()).isEqualTo(404);
        }
    }
}
