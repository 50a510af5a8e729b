package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real JavaScript clients for the tests: a script from the test resources is run with Node.js
 * in a folder under {@code target} where npm installs its one package on first use. Tests that
 * use it skip when Node.js or npm is missing or the install fails (no registry).
 */
final class NodeScripts {
    private NodeScripts() {
    }

    /**
     * Copies {@code resource} into {@code dir} and installs {@code packageSpec} ({@code openai@4})
     * there unless {@code node_modules/moduleName} is already present.
     */
    static void prepare(Path dir, String resource, String packageSpec, String moduleName)
            throws IOException, InterruptedException {
        assumeTrue(runs("node", "--version"), "skipped: Node.js is not installed");
        assumeTrue(runs("npm", "--version"), "skipped: npm is not installed");
        Files.createDirectories(dir);
        try (var in = NodeScripts.class.getResourceAsStream(resource)) {
            Files.write(dir.resolve(Path.of(resource).getFileName()), in.readAllBytes());
        }
        if (!Files.isDirectory(dir.resolve("node_modules").resolve(moduleName))) {
            Files.writeString(dir.resolve("package.json"), "{\"private\":true,\"name\":\"cove-" + moduleName
                    .replace('/', '-') + "-test\"}\n");
            Process install = new ProcessBuilder("npm", "install", packageSpec, "--no-audit", "--no-fund",
                    "--loglevel=error").directory(dir.toFile()).redirectErrorStream(true).start();
            String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean finished = install.waitFor(180, TimeUnit.SECONDS);
            assumeTrue(finished && install.exitValue() == 0, "skipped: npm install " + packageSpec + " failed: " + log);
        }
    }

    /** Runs {@code script} in {@code dir} with {@code env} added; its standard output, one JSON line, parsed. */
    static JsonNode run(Path dir, String script, Map<String, String> env, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", script).directory(dir.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(stderr).isZero();
        return HttpTestClient.JSON.readTree(stdout);
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
