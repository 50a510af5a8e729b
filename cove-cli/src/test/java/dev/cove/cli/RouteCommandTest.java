package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cove route train} and {@code eval} on the routing test set: three routes ("clinical-note",
 * "code", "general") trained from 30 examples each, measured on 60 held-back requests written
 * separately and on 60 more written blind (src/test/resources/routing); and the mistakes {@code eval} and
 * {@code serve --router} refuse.
 */
class RouteCommandTest {
    private static final Path DATA = Path.of("src/test/resources/routing");

    @TempDir
    Path dir;
    private Path routes;
    private Path heldOut;

    @BeforeEach
    void copyTheTestSet() throws IOException {
        SecureCli.useEnvironment(Map.of("COVE_HOME", dir.resolve("home").toString()));
        routes = Files.copy(DATA.resolve("ROUTES.yaml"), dir.resolve("ROUTES.yaml"));
        heldOut = Files.copy(DATA.resolve("held-out.jsonl"), dir.resolve("held-out.jsonl"));
    }

    @AfterEach
    void reset() {
        SecureCli.useEnvironment(null);
    }

    @Test
    void routesAtLeastNinetyPercentOfTheHeldOutRequestsRight() throws IOException {
        assertThat(run(0, "route", "train", routes.toString()).err()).contains("90 of 90 examples");
        assertThat(dir.resolve("ROUTES.classifier")).isRegularFile();

        JsonNode report = new ObjectMapper().readTree(run(0, "route", "eval", routes.toString(), heldOut.toString(),
                "--json").out());
        assertThat(report.path("requests").asInt()).isEqualTo(60);
        assertThat(report.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(report.path("classifier_accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(report.path("routes")).hasSize(3);
        long total = 0;
        for (JsonNode row : report.path("confusion").path("matrix")) {
            for (JsonNode n : row) {
                total += n.asLong();
            }
        }
        assertThat(total).isEqualTo(60);
        assertThat(report.path("latency_ms").path("calls").asInt()).isPositive();

        String table = run(0, "route", "eval", routes.toString(), heldOut.toString()).out();
        assertThat(table).contains("accuracy", "precision", "recall", "confusion matrix", "clinical-note", "p99");
        System.out.println(table); // the report, in the test log
    }

    /**
     * The 60 requests of held-out-blind.jsonl (20 per route) were written blind: after the
     * classifier's features and penalty were settled, by someone who had read only the first two
     * lines of held-out.jsonl (for the format) and none of its mistakes, and committed before the
     * first run. Unlike held-out.jsonl, which the tuning saw, they measure the router honestly.
     * Measured: 90.0% (54/60) as routed, 91.7% (55/60) by the classifier alone; the floors are
     * those figures rounded down to the nearest 5%.
     */
    @Test
    void routesAtLeastNinetyPercentOfTheBlindHeldOutRequestsRight() throws IOException {
        Path blind = Files.copy(DATA.resolve("held-out-blind.jsonl"), dir.resolve("held-out-blind.jsonl"));
        run(0, "route", "train", routes.toString());

        JsonNode report = new ObjectMapper().readTree(run(0, "route", "eval", routes.toString(), blind.toString(),
                "--json").out());
        assertThat(report.path("requests").asInt()).isEqualTo(60);
        assertThat(report.path("correct").asInt()).isGreaterThanOrEqualTo(54);
        assertThat(report.path("classifier_accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void badLabelledFilesAreRefusedWithTheLineAndNeverTheText() throws IOException {
        run(0, "route", "train", routes.toString(), "-q");
        assertThat(evalOf("{\"route\": \"code\", \"text\": \"ok\"}\n{\"route\": \"cardiology\", \"text\": \"secret\"}\n"))
                .contains("line 2: route 'cardiology' is not one of the routes").doesNotContain("secret");
        assertThat(evalOf("{\"route\": \"code\", \"text\": \"unfinished secret\n"))
                .contains("line 1: not a JSON object").doesNotContain("unfinished secret");
        assertThat(evalOf("{\"route\": \"code\"}\n")).contains("line 1: no \"text\"");
        assertThat(evalOf("{\"text\": \"secret\"}\n")).contains("line 1: no \"route\"").doesNotContain("secret");
        assertThat(evalOf("\n\n")).contains("no labelled requests");
        assertThat(run(1, "route", "eval", routes.toString(), dir.resolve("none.jsonl").toString()).err())
                .contains("none.jsonl: no such file");
    }

    @Test
    void evalWithoutATrainedClassifierSaysToTrain() {
        assertThat(run(1, "route", "eval", routes.toString(), heldOut.toString()).err())
                .contains("no trained classifier here; run `cove route train`");
    }

    @Test
    void serveRefusesABadRouterBeforeLoadingAnyModel() throws IOException {
        String med = "med=" + dir.resolve("not-there-1.gguf");
        String stories = "stories=" + dir.resolve("not-there-2.gguf");
        assertThat(run(1, "serve", "--router", routes.toString(), med, stories).err())
                .contains("no trained classifier here").doesNotContain("not-there");
        run(0, "route", "train", routes.toString(), "-q");
        assertThat(run(1, "serve", "--router", routes.toString(), stories).err())
                .contains("route 'clinical-note' is answered by model 'med', which is not served")
                .doesNotContain("not-there");
        Files.writeString(routes, Files.readString(routes).replace("Why is the sky blue?", "Why is the sea blue?"));
        assertThat(run(1, "serve", "--router", routes.toString(), med, stories).err())
                .contains("was trained from other routes or examples").doesNotContain("not-there");
    }

    private String evalOf(String jsonl) throws IOException {
        Path f = Files.writeString(dir.resolve("labelled.jsonl"), jsonl);
        return run(1, "route", "eval", routes.toString(), f.toString()).err();
    }

    private record Result(String out, String err) {
    }

    /** Runs cove with stdout and stderr captured, expecting {@code code}. */
    private static Result run(int code, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cli = Main.commandLine();
            cli.setErr(new java.io.PrintWriter(System.err, true));
            int exit = cli.execute(args);
            Result r = new Result(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            assertThat(exit).as(r.err()).isEqualTo(code);
            return r;
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
