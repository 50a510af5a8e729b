package dev.cove.server.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.route.RouteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ROUTES.yaml as YAML and as JSON, and each kind of mistake refused with the file and what to change. */
class RoutesFileTest {
    @TempDir
    Path dir;

    private static final String GOOD = """
            routes:
              - name: code
                model: coder
                examples: [fix my NullPointerException, "yes", 1.0]
              - name: general
                model: chat
                examples:
                  - |
                    Plan a trip
                    to Lisbon
            """;

    @Test
    void readsRoutesWithDefaultsAndKeepsScalarsAsWritten() throws IOException {
        RoutesConfig c = RoutesFile.read(write("ROUTES.yaml", GOOD));
        assertThat(c.name()).isEqualTo("auto");
        assertThat(c.threshold()).isEqualTo(0.5);
        assertThat(c.defaultRoute()).isEqualTo("code"); // the first route
        assertThat(c.routes()).extracting(RoutesConfig.Route::model).containsExactly("coder", "chat");
        assertThat(c.route("code").examples()).containsExactly("fix my NullPointerException", "yes", "1.0");
        assertThat(c.route("general").examples()).containsExactly("Plan a trip\nto Lisbon\n");
        assertThat(c.classifierFile()).isEqualTo(dir.resolve("ROUTES.classifier"));
    }

    @Test
    void readsJsonToo() throws IOException {
        RoutesConfig c = RoutesFile.read(write("routes.json", """
                {"router": "pick", "threshold": 0.7, "default": "b",
                 "routes": [{"name": "a", "model": "m1", "examples": ["x y"]},
                            {"name": "b", "model": "m2", "examples": ["z w"]}]}"""));
        assertThat(c.name()).isEqualTo("pick");
        assertThat(c.threshold()).isEqualTo(0.7);
        assertThat(c.defaultRoute()).isEqualTo("b");
        assertThat(c.classifierFile()).isEqualTo(dir.resolve("routes.classifier"));
    }

    @Test
    void duplicateRouteNamesAreRefused() throws IOException {
        assertRefused(GOOD.replace("name: general", "name: code"), "two routes are named 'code'");
    }

    @Test
    void aRouteWithoutExamplesIsRefused() throws IOException {
        assertRefused(GOOD.replace("examples: [fix my NullPointerException, \"yes\", 1.0]", "examples: []"),
                "route 'code' has no examples");
        assertRefused(GOOD.replace("    examples: [fix my NullPointerException, \"yes\", 1.0]\n", ""),
                "route 'code' has no examples");
        assertRefused(GOOD.replace("\"yes\"", "\"  \""), "route 'code': example 2 is empty");
    }

    @Test
    void aRouteWithoutAModelOrNameIsRefused() throws IOException {
        assertRefused(GOOD.replace("    model: coder\n", ""), "route 'code' has no 'model'");
        assertRefused(GOOD.replace("  - name: code\n    model: coder", "  - model: coder"), "routes[0] has no 'name'");
        assertRefused(GOOD.replace("name: code", "name: \"my code\""), "routes[0].name must be 1 to 64 letters");
    }

    @Test
    void unknownKeysAreRefusedRatherThanIgnored() throws IOException {
        assertRefused(GOOD.replace("examples: [fix", "exampels: [fix"), "unknown key 'routes[0].exampels'");
        assertRefused("treshold: 0.4\n" + GOOD, "unknown key 'treshold'");
    }

    @Test
    void aBadThresholdOrDefaultIsRefused() throws IOException {
        assertRefused("threshold: high\n" + GOOD, "'threshold' must be a number from 0 to 1");
        assertRefused("threshold: 1.5\n" + GOOD, "'threshold' must be from 0 to 1");
        assertRefused("default: medical\n" + GOOD, "'default' names route 'medical', which is not among its routes");
    }

    @Test
    void tooFewRoutesOrNoneAreRefused() throws IOException {
        assertRefused("routes: []\n", "no 'routes'");
        assertRefused("router: auto\n", "no 'routes'");
        assertRefused("""
                routes:
                  - {name: a, model: m, examples: [x]}
                """, "only one route");
        assertRefused("- just a list\n", "a routes file is a mapping");
    }

    @Test
    void brokenYamlNamesTheLineButNotItsText() throws IOException {
        Path f = write("ROUTES.yaml", "routes:\n  - name: a\n    examples: [\"secret patient text\n");
        assertThatThrownBy(() -> RoutesFile.read(f)).isInstanceOf(RouteException.class)
                .hasMessageContaining("not valid YAML at line").hasMessageNotContaining("secret patient");
        Path dup = write("dup.yaml", "routes: []\nroutes: []\n");
        assertThatThrownBy(() -> RoutesFile.read(dup)).isInstanceOf(RouteException.class).hasMessageContaining("not valid YAML");
    }

    @Test
    void aMissingOrNonUtf8FileIsRefused() throws IOException {
        assertThatThrownBy(() -> RoutesFile.read(dir.resolve("nope.yaml"))).isInstanceOf(RouteException.class)
                .hasMessageContaining("no such routes file");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'r', 'o', 'u', 't', 'e', 's', ':', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> RoutesFile.read(latin1)).isInstanceOf(RouteException.class)
                .hasMessageContaining("not UTF-8");
    }

    private void assertRefused(String yaml, String message) throws IOException {
        Path f = write("bad.yaml", yaml);
        assertThatThrownBy(() -> RoutesFile.read(f)).isInstanceOf(RouteException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(message);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
