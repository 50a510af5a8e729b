package dev.cove.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the team's reference data in {@code ../shared}; tests skip when it is absent. */
public final class SharedData {
    private SharedData() {
    }

    /** The shared folder: found from the module directory (surefire's working dir) or the repo root. */
    public static Path root() {
        for (Path candidate : new Path[] {Path.of("../../shared"), Path.of("../shared")}) {
            if (Files.isDirectory(candidate.resolve("models"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /** A file under the shared folder; skips the calling test when it is not there. */
    public static Path require(String relative) {
        Path root = root();
        assumeTrue(root != null, "../shared is absent: skipping a test that needs the reference data");
        Path p = root.resolve(relative);
        assumeTrue(Files.exists(p), "missing reference file " + p + ": skipping");
        return p;
    }
}
