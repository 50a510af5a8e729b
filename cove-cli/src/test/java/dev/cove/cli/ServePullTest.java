package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cove.server.CoveServer;
import dev.cove.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/pull} of {@code cove serve} end to end: a local HTTP server mimics the hub, the file
 * goes through the store's verified pull, and the server offers it at once.
 */
class ServePullTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreEnvironment() {
        SecureCli.useEnvironment(null);
    }

    @Test
    void ollamaPullFetchesIntoTheStoreAndServes() throws Exception {
        Path stories = Path.of("../../shared/models/stories260K/stories260K.gguf");
        assumeTrue(Files.exists(stories), "../shared is absent: skipping");
        byte[] model = Files.readAllBytes(stories);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        AtomicInteger downloads = new AtomicInteger();
        HttpServer hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.createContext("/cove-org/stories-GGUF/resolve/main/stories260K.gguf", ex -> {
            try (ex) {
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(model.length));
                boolean head = ex.getRequestMethod().equals("HEAD");
                ex.sendResponseHeaders(200, head ? -1 : model.length);
                if (!head) {
                    downloads.incrementAndGet();
                    ex.getResponseBody().write(model);
                }
            }
        });
        hub.start();
        SecureCli.useEnvironment(Map.of("COVE_HOME", dir.resolve("home").toString(),
                "HF_ENDPOINT", "http://127.0.0.1:" + hub.getAddress().getPort()));
        try (CoveServer server = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", dev.cove.core.Model.load(stories, 1)).puller(new StorePuller(1, "warn")).start()) {
            HttpClient http = HttpClient.newHttpClient();
            String pulled = post(http, server, "/api/pull", "{\"model\":\"hf://cove-org/stories-GGUF/stories260K.gguf\"}");
            String[] lines = pulled.strip().split("\n");
            assertThat(lines[0]).contains("pulling manifest");
            assertThat(pulled).contains("\"completed\":" + model.length).contains("verifying sha256 digest");
            assertThat(lines[lines.length - 1]).isEqualTo("{\"status\":\"success\"}");
            assertThat(SecureCli.store().find("stories260K")).isPresent();
            assertThat(post(http, server, "/api/tags", null)).contains("\"name\":\"stories260K\"");
            String chat = post(http, server, "/api/chat", "{\"model\":\"stories260K\",\"stream\":false,\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"Hi\"}],\"options\":{\"num_predict\":2}}");
            assertThat(chat).contains("\"done\":true");
            assertThat(post(http, server, "/api/pull", "{\"model\":\"stories260K\",\"stream\":false}"))
                    .isEqualTo("{\"status\":\"success\"}");
            assertThat(downloads.get()).isEqualTo(1);
        } finally {
            hub.stop(0);
        }
    }

    private static String post(HttpClient http, CoveServer server, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUri() + path));
        b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
