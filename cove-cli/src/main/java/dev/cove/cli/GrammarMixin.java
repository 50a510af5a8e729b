package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.grammar.Grammar;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --grammar FILE} (GBNF) or {@code --json-schema FILE}: constrains the output. */
final class GrammarMixin {
    /** Larger grammar or schema files are refused before reading: these are hand-written texts. */
    private static final long MAX_BYTES = 4L << 20;

    @Option(names = "--grammar", paramLabel = "FILE", description = "Constrain the output to a GBNF grammar (llama.cpp's format).")
    Path grammar;

    @Option(names = "--json-schema", paramLabel = "FILE", description = "Constrain the output to JSON valid against this JSON schema.")
    Path jsonSchema;

    /** The grammar asked for, or null; errors name the file and say what is wrong. */
    Grammar load() {
        if (grammar != null && jsonSchema != null) {
            throw new CoveException("give --grammar or --json-schema, not both");
        }
        Path file = grammar != null ? grammar : jsonSchema;
        if (file == null) {
            return null;
        }
        String text = read(file);
        try {
            return grammar != null ? Grammar.parse(text) : Grammar.fromJsonSchema(text);
        } catch (CoveException e) {
            throw new CoveException(file + ": " + e.getMessage());
        }
    }

    /** The file named for display, or null. */
    String describe() {
        Path file = grammar != null ? grammar : jsonSchema;
        return file == null ? null : (grammar != null ? "grammar " : "json schema ") + file.getFileName();
    }

    private static String read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new CoveException(file + ": no such file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new CoveException(file + ": larger than " + (MAX_BYTES >> 20) + " MiB, too large for a grammar or schema");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new CoveException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new CoveException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }
}
