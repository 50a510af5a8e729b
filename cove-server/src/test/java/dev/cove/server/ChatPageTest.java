package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat page at {@code /}: served from the jar under a strict Content-Security-Policy, reachable
 * without the API key (the page asks for it), and — in the machine's own headless Chromium,
 * driven by puppeteer-core — it streams an answer from a real server on stories260K, stops one,
 * and requests nothing from any other origin. The browser part skips when Chromium, Node.js or
 * npm is missing; the screenshot lands in {@code target/chat-page.png}.
 */
class ChatPageTest {
    private static final Path DIR = Path.of("target/ui-client");
    private static final Path SCREENSHOT = Path.of("target/chat-page.png");

    @Test
    void thePageAndItsFilesAreServedUnderAStrictPolicy() {
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false)
                .apiKeys(List.of("page-key-0123456789"))).model("stories", TestModels.stories()).start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            var page = client.get("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("content-type")).startsWith("text/html");
            String csp = page.header("content-security-policy");
            assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                    "frame-ancestors 'none'").doesNotContain("unsafe-inline", "http:", "https:", "*");
            assertThat(page.body()).contains("<script src=\"/ui/app.js\"").doesNotContain("http://", "https://")
                    .doesNotContainPattern("<script>[^<]");
            for (String file : List.of("app.js", "style.css", "marked.min.js", "purify.min.js", "highlight.min.js",
                    "highlight.css")) {
                var r = client.get("/ui/" + file);
                assertThat(r.status()).as(file).isEqualTo(200);
                assertThat(r.header("content-security-policy")).isEqualTo(csp);
                assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
            }
            assertThat(client.get("/ui/../pom.xml").status()).isEqualTo(404);
            assertThat(client.get("/ui/secret.txt").status()).isEqualTo(404);
            // the API itself still needs the key
            assertThat(client.get("/v1/models").status()).isEqualTo(401);
        }
    }

    @Test
    void theRedactEndpointSaysWhereThePersonalDataIsAndNothingElse() {
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", TestModels.stories()).redaction(ChatPageTest::emails).start()) {
            HttpTestClient client = new HttpTestClient(server.baseUri());
            var r = client.post("/cove/redact", "{\"text\":\"mail é a@b.io or c@d.org\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"spans\":[{\"start\":7,\"end\":13,\"label\":\"EMAIL\"},"
                    + "{\"start\":17,\"end\":24,\"label\":\"EMAIL\"}]}");
            assertThat(client.post("/cove/redact", "{\"text\":5}").status()).isEqualTo(400);
            assertThat(client.post("/cove/redact", "{}").status()).isEqualTo(400);
            assertThat(client.post("/cove/redact", "{\"text\":\"x\"}", Map.of("Origin", "https://evil.example")).status())
                    .isEqualTo(403);
        }
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", TestModels.stories()).start()) {
            var r = new HttpTestClient(server.baseUri()).post("/cove/redact", "{\"text\":\"a@b.io\"}");
            assertThat(r.status()).isEqualTo(501);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("redaction_unavailable");
        }
    }

    @Test
    void inARealBrowserItStreamsStopsAndStaysOnItsOrigin() throws Exception {
        String chromium = chromium();
        assumeTrue(chromium != null, "skipped: no Chromium (apt-get install chromium)");
        TestModels.stories();
        NodeScripts.prepare(DIR, "/ui-client/chat-page-test.mjs", "puppeteer-core@24", "puppeteer-core");
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false).contextLength(4096))
                .model("stories", TestModels.stories()).redaction(ChatPageTest::emails).start()) {
            JsonNode out = NodeScripts.run(DIR, "chat-page-test.mjs", Map.of("COVE_URL", server.baseUri().toString(),
                    "CHROMIUM", chromium, "SCREENSHOT", SCREENSHOT.toAbsolutePath().toString()), 120);

            assertThat(out.path("failure").isMissingNode()).as(out.path("failure").asText()).isTrue();
            assertThat(out.path("errors")).as("page errors").isEmpty();
            assertThat(out.path("title").asText()).isEqualTo("Cove");
            assertThat(out.path("models").get(0).asText()).isEqualTo("stories");
            assertThat(out.path("userEcho").asText()).isEqualTo("Once upon a time");
            assertThat(out.path("first").asText()).isNotBlank();
            assertThat(out.path("firstStats").asText()).contains("tok/s").contains("context");
            assertThat(out.path("growth").size()).as("the answer grew while streaming").isGreaterThanOrEqualTo(3);
            assertThat(out.path("stopped").asText()).contains("stopped");
            assertThat(out.path("sendVisibleAgain").asBoolean()).isTrue();
            assertThat(out.path("messages").asInt()).isEqualTo(4);
            String origin = server.baseUri().toString();
            for (JsonNode url : out.path("requests")) {
                assertThat(url.asText()).as("every request goes to the page's own origin").startsWith(origin + "/");
            }
            assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);

            assertThat(out.path("maskingShown").asBoolean()).isTrue();
            assertThat(texts(out.path("maskedMarks"))).containsExactly("jane.doe@example.com", "jane.doe@example.com");
            assertThat(texts(out.path("maskedPlaceholders"))).containsExactly("[EMAIL_1]", "[EMAIL_1]");
            assertThat(texts(out.path("maskedSent"))).as("what the model was sent")
                    .containsExactly("Write to [EMAIL_1] and [EMAIL_1] again");
            assertThat(out.path("structuredFormat").path("type").asText()).isEqualTo("json_object");
            JsonNode bad = out.path("bad");
            assertThat(bad.path("down").asText()).contains("cannot be reached");
            assertThat(bad.path("wrongKey").asText()).contains("API key");
            assertThat(bad.path("unloaded").asText()).contains("no longer served");
            assertThat(bad.path("busy").asText()).contains("busy").contains("the queue is full");
            assertThat(out.path("structuredBlock").asBoolean()).as(out.path("structuredMeta").asText()).isTrue();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A stand-in for cove-secure's redactor (which the server module does not depend on): e-mail addresses. */
    static List<PersonalDataFinder.Span> emails(String text) {
        List<PersonalDataFinder.Span> spans = new java.util.ArrayList<>();
        var m = java.util.regex.Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+").matcher(text);
        while (m.find()) {
            spans.add(new PersonalDataFinder.Span(m.start(), m.end(), "EMAIL"));
        }
        return spans;
    }

    private static String chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }
}
