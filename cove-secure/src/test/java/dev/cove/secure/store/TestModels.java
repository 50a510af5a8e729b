package dev.cove.secure.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.gguf.GgufWriter;
import dev.cove.core.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Small GGUF files made on the spot, and helpers shared by the store, pull, sign and crypt tests. */
public final class TestModels {
    private TestModels() {
    }

    /** A valid GGUF with one F32 tensor of {@code floats} random values (about 4 bytes each). */
    public static Path tinyGguf(Path dir, String fileName, int floats, long seed) {
        Random r = new Random(seed);
        float[] values = new float[floats];
        for (int i = 0; i < floats; i++) {
            values[i] = r.nextFloat();
        }
        Path p = dir.resolve(fileName);
        new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "test-" + seed)
                .putUInt32("llama.context_length", 128)
                .addTensor("weights", GgmlType.F32, new long[] {floats}, GgufWriter.TensorPayload.ofFloats(values))
                .write(p);
        return p;
    }

    /** The team's stories260K model in ../shared; skips the calling test when it is absent. */
    public static Path stories260k() {
        for (Path candidate : new Path[] {Path.of("../../shared"), Path.of("../shared")}) {
            Path p = candidate.resolve("models/stories260K/stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        assumeTrue(false, "../shared/models/stories260K is absent: skipping a test that needs a runnable model");
        return null;
    }

    /** True when {@code openssl} can be run. */
    public static boolean hasOpenssl() {
        try {
            return run(Path.of("."), "openssl", "version").exitCode == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs a command, returning its exit code and combined output. */
    public static Result run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must succeed. */
    public static String ok(Path dir, String... command) {
        Result r = run(dir, command);
        if (r.exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + r.exitCode + "): " + r.output);
        }
        return r.output;
    }
}
