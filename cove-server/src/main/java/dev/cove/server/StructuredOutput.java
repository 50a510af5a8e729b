package dev.cove.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.grammar.GrammarException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The grammar a request asks for, compiled once per distinct schema or grammar text (a small
 * cache, so that repeated requests also reuse the token masks computed for it):
 *
 * <ul>
 *   <li>OpenAI {@code response_format}: {@code text} (none), {@code json_object} (any JSON object),
 *       {@code json_schema} ({@code json_schema.schema}; {@code strict} or not, the output follows
 *       the schema);</li>
 *   <li>llama.cpp's server fields {@code grammar} (GBNF text) and {@code json_schema};</li>
 *   <li>Ollama {@code format}: {@code "json"} or a schema object.</li>
 * </ul>
 *
 * A schema or grammar Cove cannot use is a 400 naming the parameter and, for schemas, the keyword.
 */
final class StructuredOutput {
    private static final int CACHED = 64;
    private static final Map<String, Grammar> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Grammar> eldest) {
            return size() > CACHED;
        }
    };

    private StructuredOutput() {
    }

    /** The grammar of an OpenAI-style request, or null for free text. */
    static Grammar openAi(Fields f) {
        Fields format = f.object("response_format");
        Grammar fromFormat = null;
        if (format != null) {
            String type = format.requiredString("type");
            fromFormat = switch (type) {
                case "text" -> null;
                case "json_object" -> cached("json_object", "response_format", Grammar::anyJsonObject);
                case "json_schema" -> {
                    Fields spec = format.object("json_schema");
                    if (spec == null) {
                        throw ApiException.invalid("response_format.json_schema",
                                "'response_format.json_schema' is required for type json_schema");
                    }
                    JsonNode schema = spec.raw("schema");
                    if (schema == null) {
                        yield cached("json_object", "response_format", Grammar::anyJsonObject); // OpenAI: no schema, any object
                    }
                    yield schema("response_format.json_schema.schema", schema);
                }
                default -> throw ApiException.invalid("response_format", "unsupported_parameter", "response_format '"
                        + Strings.shorten(type, 40) + "' is not supported: text, json_object or json_schema");
            };
        }
        String gbnf = f.string("grammar");
        JsonNode jsonSchema = f.raw("json_schema");
        int given = (fromFormat != null ? 1 : 0) + (gbnf != null ? 1 : 0) + (jsonSchema != null ? 1 : 0);
        if (given > 1) {
            throw ApiException.invalid("grammar", "give one of response_format, grammar and json_schema, not several");
        }
        if (gbnf != null) {
            return cached("gbnf:" + gbnf, "grammar", () -> Grammar.parse(gbnf));
        }
        if (jsonSchema != null) {
            return schema("json_schema", jsonSchema);
        }
        return fromFormat;
    }

    /** The grammar of Ollama's {@code format}, or null for free text. */
    static Grammar ollama(Fields f) {
        JsonNode format = f.raw("format");
        if (format == null || (format.isTextual() && format.textValue().isEmpty())) {
            return null;
        }
        if (format.isTextual() && format.textValue().equals("json")) {
            return cached("json_object", "format", Grammar::anyJsonObject);
        }
        if (format.isObject()) {
            return schema("format", format);
        }
        throw ApiException.invalid("format", "'format' must be \"json\" or a JSON schema object, not "
                + Fields.describe(format));
    }

    private static Grammar schema(String param, JsonNode schema) {
        if (!schema.isObject()) {
            throw ApiException.invalid(param, "'" + param + "' must be a JSON schema object, not " + Fields.describe(schema));
        }
        String text = schema.toString();
        return cached("schema:" + text, param, () -> Grammar.fromJsonSchema(text));
    }

    private static Grammar cached(String key, String param, java.util.function.Supplier<Grammar> compile) {
        synchronized (CACHE) {
            Grammar g = CACHE.get(key);
            if (g != null) {
                return g;
            }
        }
        Grammar g;
        try {
            g = compile.get();
        } catch (GrammarException e) {
            throw ApiException.invalid(param, "invalid_" + (param.startsWith("grammar") ? "grammar" : "schema"),
                    e.getMessage());
        }
        synchronized (CACHE) {
            CACHE.put(key, g);
        }
        return g;
    }
}
