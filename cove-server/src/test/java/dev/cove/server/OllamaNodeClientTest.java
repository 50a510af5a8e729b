package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
        prepareClient();
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false).contextLength(2048))
                .model("stories", TestModels.stories()).start()) {
            ProcessBuilder pb = new ProcessBuilder("node", "ollama-client-test.mjs").directory(DIR.toFile());
            pb.environment().put("COVE_URL", server.baseUri().toString());
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] stdout = p.getInputStream().readAllBytes();
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(stderr).isZero();
            JsonNode out = HttpTestClient.JSON.readTree(stdout);

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

    private static void prepareClient() throws IOException, InterruptedException {
        TestModels.stories();
        assumeTrue(runs("node", "--version"), "skipped: Node.js is not installed");
        assumeTrue(runs("npm", "--version"), "skipped: npm is not installed");
        Files.createDirectories(DIR);
        try (var in = OllamaNodeClientTest.class.getResourceAsStream("/node-client/ollama-client-test.mjs")) {
            Files.write(DIR.resolve("ollama-client-test.mjs"), in.readAllBytes());
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/ollama"))) {
            Files.writeString(DIR.resolve("package.json"), "{\"private\":true,\"name\":\"cove-ollama-client-test\"}\n");
            Process install = new ProcessBuilder("npm", "install", "ollama@0.5", "--no-audit", "--no-fund",
                    "--loglevel=error").directory(DIR.toFile()).redirectErrorStream(true).start();
            String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean finished = install.waitFor(180, TimeUnit.SECONDS);
            assumeTrue(finished && install.exitValue() == 0, "skipped: npm install ollama@0.5 failed: " + log);
        }
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
