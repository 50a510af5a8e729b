package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of llama.cpp's {@code test-json-schema-to-grammar.cpp}: a schema llama.cpp refuses
 * is refused, and for the others Cove's grammar and llama.cpp's (parsed by Cove, so its parser is
 * checked on each too) describe the same language, judged by random strings of each accepted by
 * the other. The grammar texts differ (rule names, grouping); the strings must not, except where
 * a JSON Schema validator shows llama.cpp wrong: a string of llama.cpp's grammar that Cove rejects
 * must be invalid (llama.cpp lets through raw quotes for a pattern's {@code .}, raw control
 * characters in extra keys, {@code -073}), and a string of Cove's that llama.cpp rejects must be
 * valid (llama.cpp refuses extra keys that start with an escape or are a prefix of a declared
 * one). Where networknt finds llama.cpp's schema itself invalid (old tuple syntax), the languages
 * must agree exactly.
 */
class SchemaToGrammarLanguageTest {
    /** Cases Cove refuses on purpose, and the keyword its error names (not in OpenAI's strict subset). */
    static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("allOf with enum schema", "allOf"),
            Map.entry("allOf with multiple enum schemas", "allOf"),
            Map.entry("mix of allOf, anyOf and $ref (similar to https://json.schemastore.org/tsconfig.json)", "allOf"));

    /**
     * Where llama.cpp's expected grammar is not a grammar of the schema at all: its rule for the
     * property named "" is called {@code root}, so its root matches a bare integer. Only Cove's
     * strings (which the validator must pass) are checked there.
     */
    static final Map<String, String> REFERENCE_BROKEN = Map.of("optional props with empty name",
            "root is the empty-named property's integer rule");

    private static final int SAMPLES = 40;

    @TestFactory
    Stream<DynamicTest> sameLanguageAsLlamaCpp() {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode c : LlamaGrammarCases.all().get("schemaToGrammar")) {
            String name = (index++) + " " + c.get("name").asText();
            String schema = c.get("schema").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                if (c.get("status").asText().equals("FAILURE")) {
                    assertThatThrownBy(() -> Grammar.fromJsonSchema(schema)).isInstanceOf(GrammarException.class);
                    return;
                }
                Grammar reference = Grammar.parse(c.get("grammar").asText());
                if (REFUSED.containsKey(c.get("name").asText())) {
                    assertThatThrownBy(() -> Grammar.fromJsonSchema(schema)).isInstanceOf(GrammarException.class)
                            .hasMessageContaining(REFUSED.get(c.get("name").asText()));
                    return;
                }
                Grammar cove = Grammar.fromJsonSchema(schema);
                var validator = SchemaCheck.schema(schema.isBlank() ? "{}" : schema);
                SplittableRandom random = new SplittableRandom(name.hashCode());
                for (int i = 0; i < SAMPLES; i++) {
                    String s = REFERENCE_BROKEN.containsKey(c.get("name").asText()) ? null
                            : RandomStrings.sample(reference, random, 300);
                    if (s != null && !cove.accepts(s)) {
                        assertThat(validator != null && SchemaCheck.valid(validator, s)).as("Cove's grammar rejects llama.cpp's string %s,"
                                + " which is valid\n%s", s, cove.gbnf()).isFalse();
                    }
                    String t = RandomStrings.sample(cove, random, 300);
                    if (t != null && !reference.accepts(t)) {
                        assertThat(validator != null && SchemaCheck.valid(validator, t)).as("Cove's string %s is valid\n%s", t, cove.gbnf())
                                .isTrue();
                    }
                }
            }));
        }
        return tests.stream();
    }
}
