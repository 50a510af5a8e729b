package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public conveniences: literals, any JSON object, and JSON between fixed text (a forced tool call). */
class GrammarApiTest {
    @Test
    void literalEscapesWhatGbnfNeeds() {
        String text = "say \"hi\"\\\n\t\u0001 é";
        assertThat(Grammar.parse("root ::= " + Grammar.literal(text)).accepts(text)).isTrue();
    }

    @Test
    void anyJsonObject() {
        Grammar g = Grammar.anyJsonObject();
        assertThat(g.accepts("{\"a\": [1, 2.5e3, \"x\", null, true, {\"b\": {}}]}")).isTrue();
        assertThat(g.accepts("[1]")).isFalse();
        assertThat(g.accepts("{\"a\": 01}")).isFalse();
        assertThat(g.acceptsPrefix("{\"a\": [1, ")).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonSchemaBetweenFixedText() {
        Map<String, Object> schema = (Map<String, Object>) Json.parse("{\"type\": \"object\", \"properties\":"
                + " {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"], \"additionalProperties\": false}", "test");
        Grammar g = Grammar.jsonSchemaBetween("<tool_call>{\"name\": \"get_weather\", \"arguments\": ", schema,
                "}</tool_call>");
        assertThat(g.accepts("<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}</tool_call>"))
                .isTrue();
        assertThat(g.accepts("<tool_call>{\"name\": \"get_weather\", \"arguments\": {}}</tool_call>")).isFalse();
        assertThat(g.accepts("{\"city\": \"Oslo\"}")).isFalse();
    }
}
