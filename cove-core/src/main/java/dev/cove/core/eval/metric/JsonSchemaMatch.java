package dev.cove.core.eval.metric;

import dev.cove.core.grammar.Grammar;
import java.util.Map;

/**
 * 1 when the output (white space at its ends removed) is JSON valid against a schema, else 0:
 * checked by the grammar Cove's constrained decoding builds from the schema, which accepts
 * exactly the texts it could have generated ({@link Grammar#fromJsonSchema}), so the check and
 * the constraint agree. Schema keywords outside that subset are refused when the metric is made.
 */
public final class JsonSchemaMatch implements TextMetric {
    private final String label;
    private final Grammar grammar;

    public JsonSchemaMatch(String label, Map<String, Object> schema) {
        this.label = label;
        this.grammar = Grammar.fromJsonSchema(schema);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public double score(String output) {
        return grammar.accepts(output.strip()) ? 1 : 0;
    }
}
