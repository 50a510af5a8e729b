package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Grammars and schemas built to exhaust time, memory or the stack get a clear error, quickly. */
class HostileGrammarTest {
    private static final Duration QUICK = Duration.ofSeconds(5);

    private static void refused(String gbnf, String message) {
        assertTimeoutPreemptively(QUICK, () -> assertThatThrownBy(() -> Grammar.parse(gbnf))
                .isInstanceOf(GrammarException.class).hasMessageContaining(message));
    }

    private static void schemaRefused(String schema, String message) {
        assertTimeoutPreemptively(QUICK, () -> assertThatThrownBy(() -> Grammar.fromJsonSchema(schema))
                .isInstanceOf(GrammarException.class).hasMessageContaining(message));
    }

    @Test
    void leftRecursionThroughARuleThatIsEmptyOnlyIndirectly() {
        // llama.cpp's check misses this one (b is empty only through c) and would loop forever;
        // the expansion runs into the stack limit instead.
        refused("root ::= a\na ::= b a \"x\" | \"y\"\nb ::= c\nc ::= \"\"", "the grammar");
    }

    @Test
    void hugeRepetitionCounts() {
        refused("root ::= \"a\"{1000000}", "repetitions exceeds");
        refused("root ::= \"a\"{99999999999999999999}", "repetitions exceeds");
        refused("root ::= ((\"a\"){0,100}){0,100}", "exceeds sane defaults");
        refused("root ::= \"" + "x".repeat(2000) + "\"{1999}", "elements");
    }

    @Test
    void deeplyNestedGroups() {
        refused("root ::= " + "(".repeat(100_000) + "\"a\"" + ")".repeat(100_000), "nested deeper");
    }

    @Test
    void longChainsOfRules() {
        StringBuilder b = new StringBuilder("root ::= r0\n");
        for (int i = 0; i < 100_000; i++) {
            b.append('r').append(i).append(" ::= r").append(i + 1).append('\n');
        }
        b.append("r100000 ::= \"a\"\n");
        refused(b.toString(), "levels deep");
    }

    @Test
    void exponentiallyAmbiguousGrammarStopsAtTheStackLimit() {
        Grammar g = Grammar.parse("root ::= s\ns ::= \"a\" s \"b\" | \"a\" s \"c\" | \"\"");
        assertTimeoutPreemptively(QUICK, () -> assertThatThrownBy(() -> g.acceptsPrefix("a".repeat(40)))
                .isInstanceOf(GrammarException.class).hasMessageContaining("ambiguous"));
    }

    @Test
    void refCycles() {
        schemaRefused("{\"$ref\": \"#/$defs/a\", \"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}}",
                "left recursion");
        schemaRefused("{\"$ref\": \"#\"}", "left recursion");
    }

    @Test
    void longRefChains() {
        StringBuilder defs = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            defs.append(i == 0 ? "" : ",").append("\"d").append(i).append("\": {\"$ref\": \"#/$defs/d").append(i + 1)
                    .append("\"}");
        }
        defs.append(",\"d5000\": {\"type\": \"string\"}");
        schemaRefused("{\"$ref\": \"#/$defs/d1\", \"$defs\": {" + defs + "}}", "nested deeper");
    }

    @Test
    void recursiveSchemasThatTerminateAreFine() {
        Grammar g = Grammar.fromJsonSchema("{\"$ref\": \"#/$defs/node\", \"$defs\": {\"node\": {\"type\": \"object\","
                + " \"properties\": {\"children\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/node\"}}},"
                + " \"required\": [\"children\"], \"additionalProperties\": false}}}");
        assertThat(g.accepts("{\"children\": [{\"children\": []}, {\"children\": [{\"children\": []}]}]}")).isTrue();
        assertThat(g.accepts("{\"children\": [{}]}")).isFalse();
    }

    @Test
    void tenThousandProperties() {
        StringBuilder props = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": {\"type\": \"integer\"}");
        }
        schemaRefused("{\"type\": \"object\", \"properties\": {" + props + "}}", "at most 1000");
    }

    @Test
    void deeplyNestedSchemas() {
        schemaRefused("{\"type\":\"array\",\"items\":".repeat(200) + "{}" + "}".repeat(200), "nested deeper");
        schemaRefused("[".repeat(100_000), "nesting deeper");
    }

    @ParameterizedTest
    @ValueSource(strings = {"allOf", "not", "uniqueItems", "if", "patternProperties", "minProperties", "contains",
        "multipleOf", "propertyNames"})
    void unsupportedKeywordsAreNamed(String keyword) {
        schemaRefused("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", \"" + keyword + "\": 1}}}",
                "'" + keyword + "' at /properties/a");
    }

    @Test
    void badSchemaText() {
        schemaRefused("{\"type\": ", "invalid JSON");
        schemaRefused("[1, 2]", "must be an object");
        schemaRefused("{\"type\": \"kaboom\"}", "unknown type 'kaboom'");
        schemaRefused("{\"type\": \"string\", \"maxLength\": 100000}", "too large");
        schemaRefused("{\"type\": \"string\", \"pattern\": \"^(a)\\\\1$\"}", "not supported");
        schemaRefused("{\"type\": \"string\", \"pattern\": \"abc\"}", "must start with ^");
        schemaRefused("{\"type\": \"string\", \"format\": \"email\"}", "unsupported string format 'email'");
        schemaRefused("{\"$ref\": \"https://example.com/s.json\"}", "unsupported $ref");
        schemaRefused("{\"type\": \"integer\", \"minimum\": 5, \"maximum\": 1}", "no integer fits");
    }

    @Test
    void badGrammarText() {
        refused("root ::= \"abc", "unexpected end of input");
        refused("root ::= [a-", "unexpected end of input");
        refused("root := \"a\"", "expecting ::=");
        refused("root ::= <think>", "needs a vocabulary");
        refused("root ::= \"\\q\"", "unknown escape");
        refused("root ::= \"a\"{3,1}", "maximum below its minimum");
    }
}
