package dev.cove.core.grammar;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

/** Strict JSON parsing (Jackson) and JSON Schema validation (networknt, formats asserted): the judge of grammar output. */
final class SchemaCheck {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();

    private SchemaCheck() {
    }

    /** The parsed value, or null when {@code text} is not strict JSON. */
    static JsonNode parse(String text) {
        try {
            return STRICT.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    /** The validator of a schema; null when networknt finds the schema itself invalid (llama.cpp's tests have some). */
    static JsonSchema schema(String schemaJson) {
        try {
            JsonSchema s = FACTORY.getSchema(schemaJson, CONFIG);
            s.initializeValidators();
            return s;
        } catch (RuntimeException invalidSchema) {
            return null;
        }
    }

    /** Whether {@code text} is strict JSON and valid against the schema. */
    static boolean valid(JsonSchema schema, String text) {
        JsonNode value = parse(text);
        return value != null && schema.validate(value).isEmpty();
    }
}
