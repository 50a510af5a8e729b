package dev.cove.core.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** llama.cpp's grammar test cases, as data (tools/grammar/extract_llama_grammar_tests.py). */
final class LlamaGrammarCases {
    private static JsonNode cases;

    private LlamaGrammarCases() {
    }

    static synchronized JsonNode all() {
        if (cases == null) {
            try (InputStream in = LlamaGrammarCases.class.getResourceAsStream("llama-grammar-cases.json")) {
                cases = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cases;
    }

    /**
     * llama.cpp's {@code match_string}: the string as tokens (each code point of text a token 0
     * with that piece, each {@code token(N)} token N with piece {@code <[N]>}), accepted one by
     * one; true when every one is accepted and some stack is then empty.
     */
    static boolean matches(Grammar grammar, JsonNode parts) {
        GrammarState state = grammar.initial();
        for (JsonNode part : parts) {
            if (part.isInt()) {
                state = grammar.acceptToken(state, part.intValue(),
                        ("<[" + part.intValue() + "]>").getBytes(StandardCharsets.UTF_8));
                if (state == null) {
                    return false;
                }
                continue;
            }
            String text = part.textValue();
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                state = grammar.acceptToken(state, 0, new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                if (state == null) {
                    return false;
                }
            }
        }
        for (Frame f : state.stacks) {
            if (f == Frame.EMPTY) {
                return true;
            }
        }
        return false;
    }

    static String describe(JsonNode parts) {
        StringBuilder b = new StringBuilder();
        for (JsonNode p : parts) {
            b.append(p.isInt() ? "<[" + p.intValue() + "]>" : p.textValue());
        }
        return b.toString();
    }
}
