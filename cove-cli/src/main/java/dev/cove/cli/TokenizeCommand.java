package dev.cove.cli;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cove tokenize MODEL TEXT}: show how the model's tokenizer splits a text. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text under a model's tokenizer.")
final class TokenizeCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The model: a store name or a GGUF file, encrypted ones too (only its vocabulary is read).")
    String model;

    @Parameters(index = "1", description = "The text to tokenize.")
    String text;

    @Option(names = "--no-bos", description = "Do not add the beginning-of-sequence token.")
    boolean noBos;

    @Option(names = "--parse-special", description = "Turn special-token text such as <s> into special tokens.")
    boolean parseSpecial;

    @Option(names = "--json", description = "Print the ids as a JSON array.")
    boolean json;

    @Override
    public Integer call() {
        try (GgufFile file = SecureCli.inspect(model)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            int[] ids = tokenizer.encode(text, !noBos, parseSpecial);
            PrintStream out = Stdout.utf8();
            if (json) {
                out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")));
            } else {
                for (int id : ids) {
                    String piece = new String(tokenizer.tokenBytes(id), StandardCharsets.UTF_8);
                    out.printf("%6d -> '%s'%n", id, piece.isEmpty() ? tokenizer.vocabulary().tokenText(id) : piece);
                }
            }
            out.flush();
            return 0;
        }
    }
}
