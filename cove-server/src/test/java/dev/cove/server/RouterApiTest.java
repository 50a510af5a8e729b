package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.Model;
import dev.cove.core.route.ClassifierFile;
import dev.cove.core.route.RouteClassifier;
import dev.cove.core.route.RouteException;
import dev.cove.server.route.Router;
import dev.cove.server.route.RoutesConfig;
import dev.cove.server.route.RoutesFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model: "auto"} over HTTP with two models: the router's choice answers, the headers say
 * which route and how sure, {@code /metrics} counts it, an explicit model always wins, and the
 * chosen route never reaches the answer's text.
 */
class RouterApiTest {
    private static final Path SMALL = Path.of("../../shared/models/small-test/small-f32.gguf");
    private static final String ROUTES = """
            router: auto
            threshold: 0.5
            default: general
            routes:
              - name: clinical-note
                model: med
                examples:
                  - "Pt is a 67 y/o M with hx of HTN and T2DM presenting with SOB and bilateral LE edema."
                  - "Vitals: BP 142/88, HR 96, RR 18, T 37.9 C, SpO2 93% on RA."
                  - "Medications: metformin 1000 mg BID, lisinopril 20 mg daily, aspirin 81 mg daily."
                  - "Assessment and plan: community-acquired pneumonia, start amoxicillin 1 g PO TID x 5 days."
                  - "Discharge summary: admitted for acute cholecystitis, underwent laparoscopic cholecystectomy."
              - name: code
                model: stories
                examples:
                  - "Why does this Python code raise KeyError: 'name'? for row in rows: print(row['name'])"
                  - "Write a Java method that reverses a singly linked list in place."
                  - "Exception in thread main java.lang.NullPointerException at com.example.App.main(App.java:14)"
                  - "SELECT id, COUNT(*) FROM orders GROUP BY id; why is this query slow?"
                  - "How do I fix 'TypeError: Cannot read properties of undefined' in my React component?"
              - name: general
                model: stories
                examples:
                  - "What are some good day trips from Lisbon by train?"
                  - "Write a short birthday message for my grandmother who is turning 90."
                  - "Why is the sky blue?"
                  - "Recommend three science fiction novels for someone who loved The Martian."
                  - "How do I politely decline a wedding invitation from a coworker?"
            """;

    @TempDir
    static Path dir;
    private static Model small;
    private static CoveServer server;
    private static HttpTestClient client;

    @BeforeAll
    static void start() throws IOException {
        Model stories = TestModels.stories();
        assumeTrue(Files.isRegularFile(SMALL), "skipped: " + SMALL + " is absent (the shared test models)");
        small = Model.load(SMALL, 1);
        Path routes = dir.resolve("ROUTES.yaml");
        Files.writeString(routes, ROUTES);
        RoutesConfig config = RoutesFile.read(routes);
        ClassifierFile.write(config.classifierFile(), RouteClassifier.train(config.training()));
        server = CoveServer.builder(ServerConfig.defaults().port(0).parallel(1).accessLog(false))
                .model("stories", stories).model("med", small).router(Router.load(routes)).start();
        client = new HttpTestClient(server.baseUri());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (small != null) {
            small.close();
        }
    }

    @Test
    void autoSendsAClinicalNoteToTheClinicalModelAndSaysSoInHeaders() {
        var r = client.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":2,"temperature":0,"messages":[
                 {"role":"system","content":"You write code."},
                 {"role":"user","content":"Write a Python function that sorts a list."},
                 {"role":"assistant","content":"Sure."},
                 {"role":"user","content":"Progress note: 72 yo F with COPD exacerbation, on 2L NC, started prednisone 40 mg daily, SpO2 91% on RA."}]}
                """);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("model").asText()).isEqualTo("med"); // the last user message decides
        assertThat(r.header("X-Cove-Route")).isEqualTo("clinical-note");
        assertThat(r.header("X-Cove-Route-Reason")).isEqualTo("classified");
        assertThat(Double.parseDouble(r.header("X-Cove-Route-Confidence"))).isBetween(0.5, 1.0);
        assertThat(r.body()).doesNotContain("clinical-note");
    }

    @Test
    void autoRoutesCompletionsAndOllamaRequestsToo() {
        var completion = client.post("/v1/completions", """
                {"model":"auto","max_tokens":1,"temperature":0,
                 "prompt":"Why does my Java code throw java.lang.IllegalStateException in main(App.java:3)?"}""");
        assertThat(completion.status()).isEqualTo(200);
        assertThat(completion.header("X-Cove-Route")).isEqualTo("code");
        assertThat(completion.json().path("model").asText()).isEqualTo("stories");

        var generate = client.post("/api/generate", """
                {"model":"auto:latest","stream":false,"options":{"num_predict":1,"temperature":0},
                 "prompt":"Vitals: BP 150/90, HR 88, on lisinopril 20 mg daily and metformin 500 mg BID."}""");
        assertThat(generate.status()).isEqualTo(200);
        assertThat(generate.header("X-Cove-Route")).isEqualTo("clinical-note");
        assertThat(generate.json().path("model").asText()).isEqualTo("med");

        var chat = client.post("/api/chat", """
                {"model":"auto","stream":true,"options":{"num_predict":1,"temperature":0},
                 "messages":[{"role":"user","content":"Plan a weekend trip to the mountains with my family."}]}""");
        assertThat(chat.status()).isEqualTo(200);
        assertThat(chat.header("X-Cove-Route")).isEqualTo("general");
    }

    @Test
    void anExplicitModelAlwaysWins() {
        var r = client.post("/v1/chat/completions", """
                {"model":"stories","max_tokens":1,"temperature":0,"messages":[
                 {"role":"user","content":"Vitals: BP 142/88, HR 96, RR 18, SpO2 93% on RA, metformin 1000 mg BID."}]}""");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("model").asText()).isEqualTo("stories");
        assertThat(r.header("X-Cove-Route")).isNull();
    }

    @Test
    void nothingToClassifyGoesToTheDefaultRoute() {
        var r = client.post("/v1/completions", """
                {"model":"auto","max_tokens":1,"temperature":0,"prompt":[1, 400, 401]}""");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Cove-Route")).isEqualTo("general");
        assertThat(r.header("X-Cove-Route-Reason")).isEqualTo("no-text");
    }

    @Test
    void theRouterIsListedAndCountedButEndpointsThatDoNotRouteRefuseIt() {
        List<String> ids = new ArrayList<>();
        client.get("/v1/models").json().path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).containsExactly("stories", "med", "auto");
        assertThat(client.get("/v1/models/auto").json().path("owned_by").asText()).isEqualTo("cove-router");

        var embed = client.post("/v1/embeddings", """
                {"model":"auto","input":"hello"}""");
        assertThat(embed.status()).isEqualTo(400);
        assertThat(embed.json().path("error").path("message").asText()).contains("'auto' is the router");

        client.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":1,"messages":[{"role":"user","content":"Why is the sky blue?"}]}""");
        String metrics = client.get("/metrics").body();
        assertThat(metrics).contains("cove_router_requests_total{route=\"general\",reason=\"classified\"}")
                .contains("cove_router_confidence_bucket{le=\"0.5\"}").contains("cove_router_classify_seconds_count");
        assertThat(metrics).doesNotContain("sky");
    }

    @Test
    void aRouteToAModelThatIsNotServedIsRefusedAtStart() throws IOException {
        Path routes = dir.resolve("unknown-model.yaml");
        Files.writeString(routes, ROUTES.replace("model: med", "model: medicine"));
        RoutesConfig config = RoutesFile.read(routes);
        ClassifierFile.write(config.classifierFile(), RouteClassifier.train(config.training()));
        var builder = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", TestModels.stories()).router(Router.load(routes));
        assertThatThrownBy(builder::start).isInstanceOf(RouteException.class)
                .hasMessageContaining("route 'clinical-note' is answered by model 'medicine', which is not served");
    }

    @Test
    void aRouterNamedLikeAServedModelIsRefusedAtStart() throws IOException {
        Path routes = dir.resolve("clash.yaml");
        Files.writeString(routes, ROUTES.replace("router: auto", "router: stories"));
        RoutesConfig config = RoutesFile.read(routes);
        ClassifierFile.write(config.classifierFile(), RouteClassifier.train(config.training()));
        var builder = CoveServer.builder(ServerConfig.defaults().port(0).accessLog(false))
                .model("stories", TestModels.stories()).router(Router.load(routes));
        assertThatThrownBy(builder::start).isInstanceOf(RouteException.class)
                .hasMessageContaining("the router is named 'stories', as a served model is");
    }

}
