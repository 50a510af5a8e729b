package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.Session;
import dev.cove.core.generate.StopReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test: 200 seeded random schemas from the supported subset, each
 * constrained generation by a random-weight model at temperature 1 (stories260K's 512-token
 * byte-fallback vocabulary, which can spell any text), and every output must parse and validate
 * against its schema (networknt's validator, formats asserted). The schemas bound every string and
 * array, so each grammar ends: a generation stops only where the grammar is complete or accepts
 * an end-of-generation token, and any other stop (token budget, full context) fails the test
 * rather than counting a cut-off text as valid.
 */
class RandomSchemaGenerationTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void twoHundredRandomSchemasAllGiveValidJson() throws Exception {
        try (Model model = Model.load(SharedData.require("models/small-test/small-q8_0.gguf"), 1)) {
            RandomSchemas schemas = new RandomSchemas(20261206L);
            int tokens = 0;
            for (int i = 0; i < 200; i++) {
                Map<String, Object> schema = schemas.next();
                String schemaJson = MAPPER.writeValueAsString(schema);
                Grammar grammar = Grammar.fromJsonSchema(schemaJson);
                GenerationOptions options = GenerationOptions.defaults().temperature(1f).seed(i).maxTokens(1500)
                        .contextLength(2048).grammar(grammar);
                Session session = model.newSession(options);
                GenerationResult r = session.generate("Once upon a time", t -> { });
                tokens += r.generatedTokens();
                assertThat(r.stopReason()).as("schema %d %s stopped at the end of its grammar", i, schemaJson)
                        .isEqualTo(StopReason.END_OF_GENERATION);
                assertThat(SchemaCheck.valid(SchemaCheck.schema(schemaJson), r.text()))
                        .as("schema %d %s: output %s", i, schemaJson, r.text()).isTrue();
            }
            System.out.println("random schemas: 200 valid outputs, " + tokens + " tokens");
        }
    }
}
