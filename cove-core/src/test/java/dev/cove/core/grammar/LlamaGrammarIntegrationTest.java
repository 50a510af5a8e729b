package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of llama.cpp's {@code test-grammar-integration.cpp} and {@code test-grammar-parser.cpp},
 * with llama.cpp's verdict: each grammar (or schema, through {@link Grammar#fromJsonSchema})
 * accepts its passing strings and rejects its failing ones; grammars that llama.cpp refuses to
 * parse or build are refused.
 */
class LlamaGrammarIntegrationTest {
    /**
     * llama.cpp cases where Cove refuses on purpose, with the keyword named: llama.cpp drops
     * {@code exclusiveMinimum} on a number (its own test notes it lets -12.50 through), and Cove
     * never turns a constraint into a looser grammar.
     */
    static final Map<String, String> REFUSED = Map.of("required props", "exclusiveMinimum");

    @TestFactory
    Stream<DynamicTest> everyStringGetsLlamaCppsVerdict() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : LlamaGrammarCases.all().get("integration")) {
            String name = c.get("kind").asText() + ": " + c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String text = c.get("text").asText();
                Grammar g;
                if (c.get("kind").asText().equals("grammar")) {
                    g = Grammar.parse(text);
                } else if (REFUSED.containsKey(c.get("name").asText())) {
                    assertThatThrownBy(() -> Grammar.fromJsonSchema(text)).isInstanceOf(GrammarException.class)
                            .hasMessageContaining(REFUSED.get(c.get("name").asText()));
                    return;
                } else {
                    g = Grammar.fromJsonSchema(text);
                }
                for (JsonNode s : c.get("pass")) {
                    assertThat(LlamaGrammarCases.matches(g, s)).as("accepts %s", LlamaGrammarCases.describe(s)).isTrue();
                }
                for (JsonNode s : c.get("fail")) {
                    assertThat(LlamaGrammarCases.matches(g, s)).as("rejects %s", LlamaGrammarCases.describe(s)).isFalse();
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> leftRecursionIsRefused() {
        return stream(LlamaGrammarCases.all().get("leftRecursion")).map(g -> DynamicTest.dynamicTest(g.trim(),
                () -> assertThatThrownBy(() -> Grammar.parse(g)).isInstanceOf(GrammarException.class)
                        .hasMessageContaining("left recursion")));
    }

    @TestFactory
    Stream<DynamicTest> parserFailuresAreRefused() {
        return stream(LlamaGrammarCases.all().get("parseFailures")).map(g -> DynamicTest.dynamicTest(g.trim(),
                () -> assertThatThrownBy(() -> Grammar.parse(g)).isInstanceOf(GrammarException.class)));
    }

    /** The grammars llama.cpp parses, with llama.cpp's symbol table (names and ids of the generated rules too). */
    @TestFactory
    Stream<DynamicTest> parserSuccessesParseWithLlamaCppsSymbols() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : LlamaGrammarCases.all().get("parses")) {
            String g = c.get("grammar").asText();
            tests.add(DynamicTest.dynamicTest(g.trim(), () -> {
                GbnfParser parsed = GbnfParser.parse(g, null);
                java.util.Map<String, Integer> expected = new java.util.TreeMap<>();
                c.get("symbols").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().intValue()));
                assertThat(parsed.symbolIds).isEqualTo(expected);
                Grammar.parse(g);
            }));
        }
        return tests.stream();
    }

    @Test
    void missingRootRuleIsRefused() {
        String g = """
                rot ::= expr
                expr ::= term ("+" term)*
                term ::= number
                number ::= [0-9]+""";
        assertThat(GbnfParser.parse(g, null).symbolIds).doesNotContainKey("root");
        assertThatThrownBy(() -> Grammar.parse(g)).isInstanceOf(GrammarException.class).hasMessageContaining("'root'");
    }

    @Test
    void missingReferenceIsRefused() {
        String g = """
                root ::= expr
                expr ::= term ("+" term)*
                term ::= numero
                number ::= [0-9]+""";
        assertThatThrownBy(() -> Grammar.parse(g)).isInstanceOf(GrammarException.class)
                .hasMessageContaining("Undefined rule identifier 'numero'");
    }

    @Test
    void customRootSymbol() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"foobar\"", "nonexistent")).isInstanceOf(GrammarException.class);
        String custom = "foobar ::= \"foobar\"";
        assertThatThrownBy(() -> Grammar.parse(custom)).isInstanceOf(GrammarException.class);
        assertThat(Grammar.parse(custom, "foobar").accepts("foobar")).isTrue();
    }

    private static Stream<String> stream(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.stream();
    }
}
