package dev.cove.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.Model;
import java.nio.file.Files;
import java.nio.file.Path;

/** The small real model the tests serve, loaded once per test JVM; tests skip when it is absent. */
public final class TestModels {
    public static final Path STORIES = Path.of("../../shared/models/stories260K/stories260K.gguf");
    private static Model stories;

    private TestModels() {
    }

    /** stories260K (no chat template, no FIM tokens), shared: never close it. */
    public static synchronized Model stories() {
        assumeTrue(Files.isRegularFile(STORIES), "skipped: " + STORIES + " is absent (the shared test models)");
        if (stories == null) {
            stories = Model.load(STORIES, 1);
        }
        return stories;
    }
}
