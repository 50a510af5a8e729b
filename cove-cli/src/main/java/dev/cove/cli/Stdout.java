package dev.cove.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Standard output as UTF-8 whatever the platform's console encoding (model output is Unicode). */
final class Stdout {
    private Stdout() {
    }

    /** A UTF-8 stream over the current {@code System.out}: bytes pass through it unchanged. */
    static PrintStream utf8() {
        return new PrintStream(System.out, false, StandardCharsets.UTF_8);
    }
}
