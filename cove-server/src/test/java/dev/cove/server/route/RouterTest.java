package dev.cove.server.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.route.ClassifierFile;
import dev.cove.core.route.RouteClassifier;
import dev.cove.core.route.RouteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router's decisions (classified, below the threshold, no text) and the classifier files it refuses. */
class RouterTest {
    @TempDir
    Path dir;

    private static final String ROUTES = """
            threshold: THRESHOLD
            default: general
            routes:
              - name: code
                model: coder
                examples: ["def f(x): return x", "public static void main(String[] args)", "SELECT * FROM t;",
                           "git rebase conflict", "NullPointerException at App.java:3"]
              - name: general
                model: chat
                examples: ["plan a trip to Lisbon", "why is the sky blue", "a birthday message for my aunt",
                           "recommend a novel", "how long to boil an egg"]
            """;

    @Test
    void confidentChoicesAreTakenAndUnsureOnesGoToTheDefault() throws IOException {
        Router sure = trained(ROUTES.replace("THRESHOLD", "0.5"));
        RouteDecision d = sure.route("def g(y): return y * 2");
        assertThat(d.route()).isEqualTo("code");
        assertThat(d.model()).isEqualTo("coder");
        assertThat(d.reason()).isEqualTo(RouteDecision.Reason.CLASSIFIED);
        assertThat(d.confidence()).isGreaterThanOrEqualTo(0.5);

        Router strict = trained(ROUTES.replace("THRESHOLD", "1.0"));
        RouteDecision fallback = strict.route("def g(y): return y * 2");
        assertThat(fallback.route()).isEqualTo("general");
        assertThat(fallback.classified()).isEqualTo("code");
        assertThat(fallback.reason()).isEqualTo(RouteDecision.Reason.BELOW_THRESHOLD);
        assertThat(fallback.confidence()).isEqualTo(d.confidence());

        RouteDecision blank = sure.route("  \n");
        assertThat(blank.route()).isEqualTo("general");
        assertThat(blank.reason()).isEqualTo(RouteDecision.Reason.NO_TEXT);
        assertThat(sure.route(null).reason()).isEqualTo(RouteDecision.Reason.NO_TEXT);
    }

    @Test
    void aMissingClassifierIsRefusedWithWhatToRun() throws IOException {
        Path routes = Files.writeString(dir.resolve("ROUTES.yaml"), ROUTES.replace("THRESHOLD", "0.5"));
        assertThatThrownBy(() -> Router.load(routes)).isInstanceOf(RouteException.class)
                .hasMessageContaining("ROUTES.classifier: no trained classifier here; run `cove route train`");
    }

    @Test
    void aClassifierOlderThanItsExamplesIsRefused() throws IOException {
        trained(ROUTES.replace("THRESHOLD", "0.5"));
        Path routes = dir.resolve("ROUTES.yaml");
        Files.writeString(routes, ROUTES.replace("THRESHOLD", "0.5").replace("recommend a novel", "recommend a film"));
        assertThatThrownBy(() -> Router.load(routes)).isInstanceOf(RouteException.class)
                .hasMessageContaining("was trained from other routes or examples than")
                .hasMessageContaining("run `cove route train");
    }

    @Test
    void changingOnlyModelsOrTheThresholdNeedsNoRetraining() throws IOException {
        trained(ROUTES.replace("THRESHOLD", "0.5"));
        Path routes = dir.resolve("ROUTES.yaml");
        Files.writeString(routes, ROUTES.replace("THRESHOLD", "0.8").replace("model: coder", "model: coder2"));
        Router r = Router.load(routes);
        assertThat(r.config().threshold()).isEqualTo(0.8);
        r.requireModels(List.of("coder2", "chat"));
    }

    @Test
    void aClassifierOfAnotherRoutesFileIsRefused() throws IOException {
        Router other = trained(ROUTES.replace("THRESHOLD", "0.5").replace("name: code", "name: programming")
                .replace("default: general", "default: programming"));
        Path routes = Files.writeString(dir.resolve("ROUTES.yaml"), ROUTES.replace("THRESHOLD", "0.5"));
        ClassifierFile.write(dir.resolve("ROUTES.classifier"), other.classifier());
        assertThatThrownBy(() -> Router.load(routes)).isInstanceOf(RouteException.class)
                .hasMessageContaining("was trained from other routes or examples");
    }

    private Router trained(String yaml) throws IOException {
        Path routes = Files.writeString(dir.resolve("ROUTES.yaml"), yaml);
        RoutesConfig config = RoutesFile.read(routes);
        ClassifierFile.write(config.classifierFile(), RouteClassifier.train(config.training()));
        return Router.load(routes);
    }
}
