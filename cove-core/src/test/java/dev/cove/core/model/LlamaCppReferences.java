package dev.cove.core.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * References that ../shared does not hold ready-made, made by llama.cpp itself on demand: a file
 * quantized by {@code llama-quantize} and its logits from {@code dump_logits}, cached under
 * {@code target/llama-cpp-references}. Tests that need them skip when the tools are absent.
 */
final class LlamaCppReferences {
    private static final Path CACHE = Path.of("target", "llama-cpp-references").toAbsolutePath();

    private LlamaCppReferences() {
    }

    /**
     * The reference of {@code source} (a path under ../shared) quantized to {@code type} by
     * llama.cpp's default recipe (e.g. Q4_K_M, a mix of types).
     */
    static synchronized ReferenceCase quantized(String source, String type) throws IOException, InterruptedException {
        Path tool = SharedData.require("tools/llama.cpp/run");
        Path input = SharedData.require(source);
        String base = input.getFileName().toString().replace("-f32.gguf", "") + "-" + type.toLowerCase();
        Files.createDirectories(CACHE);
        Path model = CACHE.resolve(base + ".gguf");
        Path json = CACHE.resolve(base + ".json");
        if (!Files.exists(json)) {
            run(tool, "llama-quantize", input.toString(), model.toString(), type);
            run(tool, "dump_logits", model.toString(), CACHE.resolve(base).toString());
        }
        return ReferenceCase.load(base, json, model);
    }

    private static void run(Path tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        Path log = CACHE.resolve(args[0] + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assumeTrue(done && p.exitValue() == 0, "llama.cpp's " + args[0] + " did not run here (see " + log + "): skipping");
    }
}
