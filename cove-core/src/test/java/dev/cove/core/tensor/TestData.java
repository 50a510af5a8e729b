package dev.cove.core.tensor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared reference data ({@code ../shared} next to the project root); tests skip when it is absent. */
final class TestData {

    private TestData() {
    }

    /** Surefire runs in the module directory (cove-core), so the project root is "..". */
    static Path shared() {
        String configured = System.getProperty("cove.shared");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path candidate : new Path[] {Path.of("../../shared"), Path.of("../shared")}) {
            if (Files.isDirectory(candidate.resolve("models"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return Path.of("../../shared").toAbsolutePath().normalize();
    }

    /** The file {@code relative} under shared/, or skips the calling test with a message. */
    static Path require(String relative) {
        Path p = shared().resolve(relative);
        assumeTrue(Files.isRegularFile(p),
                () -> "skipped: reference file " + p + " is absent (set -Dcove.shared=DIR to point at the shared data)");
        return p;
    }
}
