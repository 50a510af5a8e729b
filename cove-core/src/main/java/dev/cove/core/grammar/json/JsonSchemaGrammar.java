package dev.cove.core.grammar.json;

import dev.cove.core.grammar.Grammar;
import dev.cove.core.grammar.GrammarException;
import dev.cove.core.json.Json;
import dev.cove.core.json.JsonException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON schema to GBNF, in the shape of llama.cpp's {@code json-schema-to-grammar} (the same
 * primitive rules, whitespace rule and property order), for the subset OpenAI's strict
 * structured outputs accept:
 *
 * <ul>
 *   <li>{@code type} (object, array, string, number, integer, boolean, null, or a list of them),
 *       {@code enum}, {@code const}, {@code anyOf} / {@code oneOf}, local {@code $ref} into
 *       {@code $defs} / {@code definitions} (recursion allowed);</li>
 *   <li>objects: {@code properties} (in the order written, required ones mandatory, the others
 *       optional), {@code required}, {@code additionalProperties} (false, true or a schema);
 *       without {@code properties}, any object;</li>
 *   <li>arrays: {@code items}, {@code prefixItems}, {@code minItems}, {@code maxItems};</li>
 *   <li>strings: {@code minLength}, {@code maxLength}, {@code pattern} (see {@link RegexToGbnf}),
 *       {@code format} date, time, date-time, uuid;</li>
 *   <li>annotations that do not constrain ({@code title}, {@code description}, {@code default},
 *       {@code examples}, {@code $schema}, {@code $id}, {@code $comment}, {@code strict},
 *       {@code name}) are ignored.</li>
 * </ul>
 *
 * <p>Any other keyword is refused with a {@link GrammarException} naming it (and where it is),
 * never silently dropped into a looser grammar. Limits: {@value #MAX_PROPERTIES} properties per
 * object, {@value #MAX_DEPTH} levels of nesting, {@value #MAX_RULES} rules.
 */
public final class JsonSchemaGrammar {
    static final int MAX_PROPERTIES = 1000;
    static final int MAX_DEPTH = 64;
    static final int MAX_RULES = 20_000;

    static final String SPACE = "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}";
    static final String CHAR = "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4})";
    static final Map<String, String> PRIMITIVES = new LinkedHashMap<>();
    static final Map<String, List<String>> DEPENDS = new LinkedHashMap<>();

    static {
        primitive("boolean", "(\"true\" | \"false\")");
        primitive("decimal-part", "[0-9]{1,16}");
        primitive("integral-part", "[0] | [1-9] [0-9]{0,15}");
        primitive("number", "(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)?",
                "integral-part", "decimal-part");
        primitive("integer", "(\"-\"? integral-part)", "integral-part");
        primitive("value", "object | array | string | number | boolean | null",
                "object", "array", "string", "number", "boolean", "null");
        primitive("object", "\"{\" space ( string \":\" space value (\",\" space string \":\" space value)* )? space \"}\"",
                "string", "value");
        primitive("array", "\"[\" space ( value (\",\" space value)* )? space \"]\"", "value");
        primitive("char", CHAR);
        primitive("string", "\"\\\"\" char* \"\\\"\"", "char");
        primitive("null", "\"null\"");
        // Dates and times that exist (RFC 3339 as java.time reads it): days per month, 29 February
        // only in leap years, offsets within 18 hours. Stricter than llama.cpp's rules, which let
        // through 2012-02-31 or +23:59.
        primitive("date", "[0-9]{4} \"-\" ( (\"01\" | \"03\" | \"05\" | \"07\" | \"08\" | \"10\" | \"12\") \"-\" day31"
                + " | (\"04\" | \"06\" | \"09\" | \"11\") \"-\" day30 | \"02\" \"-\" day28 ) | leap-year \"-02-29\"",
                "day31", "day30", "day28", "leap-year");
        primitive("day31", "\"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1]");
        primitive("day30", "\"0\" [1-9] | [1-2] [0-9] | \"30\"");
        primitive("day28", "\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8]");
        primitive("leap-year", "[0-9] [0-9] (\"0\" [48] | [2468] [048] | [13579] [26]) | ([02468] [048] | [13579] [26]) \"00\"");
        primitive("time", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )?"
                + " ( \"Z\" | ( \"+\" | \"-\" ) ( ( \"0\" [0-9] | \"1\" [0-7] ) \":\" [0-5] [0-9] | \"18:00\" ) )");
        primitive("date-time", "date \"T\" time", "date", "time");
        primitive("date-string", "\"\\\"\" date \"\\\"\"", "date");
        primitive("time-string", "\"\\\"\" time \"\\\"\"", "time");
        primitive("date-time-string", "\"\\\"\" date-time \"\\\"\"", "date-time");
        primitive("uuid", "\"\\\"\" [0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4}"
                + " \"-\" [0-9a-fA-F]{12} \"\\\"\"");
    }

    private static void primitive(String name, String body, String... deps) {
        PRIMITIVES.put(name, body);
        DEPENDS.put(name, List.of(deps));
    }

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples",
            "$schema", "$id", "$comment", "strict", "name", "$defs", "definitions", "deprecated", "readOnly",
            "writeOnly");

    private final Map<String, Object> rootSchema;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new LinkedHashMap<>();
    private final Set<String> resolving = new HashSet<>();

    private JsonSchemaGrammar(Map<String, Object> rootSchema) {
        this.rootSchema = rootSchema;
        rules.put("space", SPACE);
    }

    /** GBNF for the schema in {@code schemaJson}, root rule {@code root}. */
    public static String fromJson(String schemaJson) {
        Object parsed;
        try {
            parsed = Json.parse(schemaJson, "the JSON schema");
        } catch (JsonException e) {
            throw new GrammarException(e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw new GrammarException("a JSON schema must be an object, not " + Json.kind(parsed));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = (Map<String, Object>) parsed;
        return toGbnf(schema, "root");
    }

    /** GBNF for a parsed schema, its top rule named {@code rootName} (other rules keep their own names). */
    public static String toGbnf(Map<String, Object> schema, String rootName) {
        JsonSchemaGrammar c = new JsonSchemaGrammar(schema);
        String body = c.visit(schema, "", 0);
        c.rules.put(rootName, body);
        StringBuilder b = new StringBuilder();
        c.rules.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n'));
        return b.toString();
    }

    /** Any JSON object, for {@code json_object} and Ollama's {@code "json"}. */
    public static String anyJsonObject() {
        return toGbnf(Map.of("type", "object"), "root");
    }

    // ------------------------------------------------------------------ schema to rule bodies

    /** The rule body for {@code schema}; {@code path} names the place in error messages and rule names. */
    private String visit(Object node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new GrammarException("the schema is nested deeper than " + MAX_DEPTH + " levels at " + where(path));
        }
        if (node instanceof Boolean b) {
            if (b) {
                return addPrimitive("value");
            }
            throw new GrammarException("schema 'false' at " + where(path) + " allows no value");
        }
        if (!(node instanceof Map<?, ?>)) {
            throw new GrammarException("a schema must be an object at " + where(path) + ", not " + Json.kind(node));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = (Map<String, Object>) node;
        checkKeywords(schema, path);
        if (schema.containsKey("$ref")) {
            return ref(string(schema.get("$ref"), path, "$ref"), path, depth);
        }
        if (schema.containsKey("anyOf") || schema.containsKey("oneOf")) {
            String key = schema.containsKey("anyOf") ? "anyOf" : "oneOf";
            List<Object> alts = list(schema.get(key), path, key);
            if (alts.isEmpty()) {
                throw new GrammarException("'" + key + "' at " + where(path) + " must list at least one schema");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < alts.size(); i++) {
                names.add(rule(path + "-" + key.toLowerCase() + "-" + i,
                        visit(alts.get(i), path + "/" + key + "/" + i, depth + 1)));
            }
            return String.join(" | ", names);
        }
        if (schema.containsKey("const")) {
            return literal(schema.get("const"));
        }
        if (schema.containsKey("enum")) {
            List<Object> values = list(schema.get("enum"), path, "enum");
            if (values.isEmpty()) {
                throw new GrammarException("'enum' at " + where(path) + " must list at least one value");
            }
            List<String> lits = new ArrayList<>();
            for (Object v : values) {
                lits.add(literal(v));
            }
            return "(" + String.join(" | ", lits) + ")";
        }
        Object type = schema.get("type");
        if (type instanceof List<?> types) {
            if (types.isEmpty()) {
                throw new GrammarException("'type' at " + where(path) + " must name at least one type");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                Map<String, Object> one = new LinkedHashMap<>(schema);
                one.put("type", types.get(i));
                names.add(rule(path + "-alternative-" + i, visit(one, path, depth + 1)));
            }
            return String.join(" | ", names);
        }
        if (type == null) {
            if (schema.containsKey("properties") || schema.containsKey("additionalProperties")) {
                type = "object";
            } else if (schema.containsKey("items") || schema.containsKey("prefixItems")) {
                type = "array";
            } else if (schema.containsKey("format") || schema.containsKey("pattern")
                    || schema.containsKey("minLength") || schema.containsKey("maxLength")) {
                type = "string";
            } else if (schema.isEmpty()) {
                return addPrimitive("object"); // llama.cpp: an empty schema is any object
            } else {
                return addPrimitive("value");
            }
        }
        if (!(type instanceof String t)) {
            throw new GrammarException("'type' at " + where(path) + " must be a string or a list of strings, not "
                    + Json.kind(type));
        }
        return switch (t) {
            case "object" -> object(schema, path, depth);
            case "array" -> array(schema, path, depth);
            case "string" -> string(schema, path);
            case "integer" -> integer(schema, path);
            case "number", "boolean", "null" -> {
                for (String bound : BOUNDS) {
                    if (schema.containsKey(bound)) {
                        throw new GrammarException("unsupported JSON schema keyword '" + bound + "' at " + where(path)
                                + " for type " + t + " (integer bounds are supported)");
                    }
                }
                yield addPrimitive(t);
            }
            default -> throw new GrammarException("unknown type '" + shorten(t) + "' at " + where(path));
        };
    }

    private static final List<String> BOUNDS = List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

    private String integer(Map<String, Object> schema, String path) {
        Long min = bound(schema, "minimum", path, 0);
        Long exMin = bound(schema, "exclusiveMinimum", path, 1);
        Long max = bound(schema, "maximum", path, 0);
        Long exMax = bound(schema, "exclusiveMaximum", path, -1);
        if (exMin != null) {
            min = min == null ? exMin : Long.valueOf(Math.max(min, exMin));
        }
        if (exMax != null) {
            max = max == null ? exMax : Long.valueOf(Math.min(max, exMax));
        }
        if (min == null && max == null) {
            return addPrimitive("integer");
        }
        return IntegerRange.gbnf(min, max);
    }

    /** An integer bound, moved by {@code shift} (exclusive bounds become inclusive); null when absent. */
    private static Long bound(Map<String, Object> schema, String key, String path, int shift) {
        Object v = schema.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Long n && Math.abs(n) < Long.MAX_VALUE / 2) {
            return n + shift;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e17) {
            return d.longValue() + shift;
        }
        throw new GrammarException("'" + key + "' at " + where(path) + " must be a whole number for an integer, not "
                + Json.kind(v));
    }

    private static final Set<String> KEYWORDS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum","$ref", "anyOf", "oneOf", "const", "enum", "type",
            "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems",
            "minLength", "maxLength", "pattern", "format");

    private static void checkKeywords(Map<String, Object> schema, String path) {
        for (String key : schema.keySet()) {
            if (!KEYWORDS.contains(key) && !ANNOTATIONS.contains(key)) {
                throw new GrammarException("unsupported JSON schema keyword '" + shorten(key) + "' at " + where(path));
            }
        }
    }

    private String ref(String ref, String path, int depth) {
        if (!ref.startsWith("#")) {
            throw new GrammarException("unsupported $ref '" + shorten(ref) + "' at " + where(path)
                    + ": only references inside the schema (#/...)");
        }
        if (refRules.containsKey(ref)) {
            return refRules.get(ref);
        }
        Object target = rootSchema;
        if (ref.length() > 1) {
            if (!ref.startsWith("#/")) {
                throw new GrammarException("unsupported $ref '" + shorten(ref) + "' at " + where(path)
                        + ": only JSON pointers (#/...)");
            }
            for (String raw : ref.substring(2).split("/", -1)) {
                String key = decodePointer(raw);
                if (target instanceof Map<?, ?> m && m.containsKey(key)) {
                    target = m.get(key);
                } else if (target instanceof List<?> l && key.matches("\\d{1,9}") && Integer.parseInt(key) < l.size()) {
                    target = l.get(Integer.parseInt(key));
                } else {
                    throw new GrammarException("$ref '" + shorten(ref) + "' at " + where(path) + " points to nothing");
                }
            }
        }
        String ruleName = freshName("ref-" + ref.substring(1));
        refRules.put(ref, ruleName);
        rules.put(ruleName, visit(target, ref.substring(1), depth + 1));
        return ruleName;
    }

    private static String decodePointer(String segment) {
        String s = segment.replace("~1", "/").replace("~0", "~");
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private String object(Map<String, Object> schema, String path, int depth) {
        Object props = schema.get("properties");
        Object additional = schema.get("additionalProperties");
        if (props == null && (additional == null || Boolean.TRUE.equals(additional))) {
            return addPrimitive("object");
        }
        Map<String, Object> properties = props == null ? Map.of() : map(props, path, "properties");
        if (properties.size() > MAX_PROPERTIES) {
            throw new GrammarException("the object at " + where(path) + " has " + properties.size()
                    + " properties; at most " + MAX_PROPERTIES + " are supported");
        }
        Set<String> required = new HashSet<>();
        if (schema.containsKey("required")) {
            for (Object r : list(schema.get("required"), path, "required")) {
                required.add(string(r, path, "required"));
            }
        }
        List<String> requiredKv = new ArrayList<>();
        List<String> optionalKv = new ArrayList<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            String kvName = path + "-" + e.getKey() + "-kv";
            String value = rule(path + "-" + e.getKey(), visit(e.getValue(), path + "/properties/" + e.getKey(),
                    depth + 1));
            String kv = rule(kvName, jsonLiteral(e.getKey()) + " space \":\" space " + value);
            (required.contains(e.getKey()) ? requiredKv : optionalKv).add(kv);
        }
        if (additional != null && !Boolean.FALSE.equals(additional)) {
            String valueRule = Boolean.TRUE.equals(additional) ? addPrimitive("value")
                    : rule(path + "-additional-value", visit(additional, path + "/additionalProperties", depth + 1));
            // Extra keys may not reuse a declared property's name (its value would escape its schema).
            String key = properties.isEmpty() ? addPrimitive("string")
                    : rule(path + "-additional-key", NotStrings.gbnf(properties.keySet(), addPrimitive("char")));
            optionalKv.add(rule(path + "-additional-kv", key + " \":\" space " + valueRule));
        }
        StringBuilder b = new StringBuilder("\"{\" space ");
        for (int i = 0; i < requiredKv.size(); i++) {
            if (i > 0) {
                b.append(" \",\" space ");
            }
            b.append(requiredKv.get(i));
        }
        if (!optionalKv.isEmpty()) {
            b.append(" (");
            if (!requiredKv.isEmpty()) {
                b.append(" \",\" space ( ");
            }
            // Optional properties in order, each one skippable: alternative i starts at property i,
            // and its rest rule offers the later ones.
            List<String> alts = new ArrayList<>();
            for (int i = 0; i < optionalKv.size(); i++) {
                String kv = optionalKv.get(i);
                boolean repeats = kv.endsWith("additional-kv");
                String rest = restRule(optionalKv, i + 1, path);
                String first = repeats ? kv + " ( \",\" space " + kv + " )*" : kv;
                alts.add(rest == null ? first : first + " " + rest);
            }
            b.append(String.join(" | ", alts));
            if (!requiredKv.isEmpty()) {
                b.append(" )");
            }
            b.append(" )?");
        }
        return b.append(" space \"}\"").toString();
    }

    /** A rule for the optional properties from index {@code from} on, each preceded by a comma; null when none. */
    private String restRule(List<String> kvs, int from, String path) {
        if (from >= kvs.size()) {
            return null;
        }
        String kv = kvs.get(from);
        String next = restRule(kvs, from + 1, path);
        String item = kv.endsWith("additional-kv") ? "( \",\" space " + kv + " )*" : "( \",\" space " + kv + " )?";
        return rule(kv + "-rest", next == null ? item : item + " " + next);
    }

    private String array(Map<String, Object> schema, String path, int depth) {
        Object prefix = schema.get("prefixItems");
        Object items = schema.get("items");
        if (prefix instanceof List<?> tuple || items instanceof List<?>) {
            List<?> list = prefix instanceof List<?> p ? p : (List<?>) items;
            StringBuilder b = new StringBuilder("\"[\" space ");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(" \",\" space ");
                }
                b.append(rule(path + "-tuple-" + i, visit(list.get(i), path + "/prefixItems/" + i, depth + 1)));
            }
            return b.append(" space \"]\"").toString();
        }
        Object itemSchema = items != null ? items : prefix;
        String item = itemSchema == null ? addPrimitive("value")
                : rule(path + "-item", visit(itemSchema, path + "/items", depth + 1));
        long min = count(schema, "minItems", path, 0);
        long max = count(schema, "maxItems", path, -1);
        if (max >= 0 && max < min) {
            throw new GrammarException("maxItems is below minItems at " + where(path));
        }
        return "\"[\" space " + list(item, "\",\" space", min, max) + " space \"]\"";
    }

    /** llama.cpp's {@code build_repetition} with a separator: item (sep item){min-1,max-1}. */
    static String list(String item, String separator, long min, long max) {
        if (max == 0) {
            return "";
        }
        String rest = "(" + separator + " " + item + ")";
        String tail;
        long lo = Math.max(0, min - 1);
        long hi = max < 0 ? -1 : max - 1;
        if (hi < 0) {
            tail = lo == 0 ? rest + "*" : lo == 1 ? rest + "+" : rest + "{" + lo + ",}";
        } else if (lo == hi) {
            tail = hi == 0 ? "" : hi == 1 ? rest : rest + "{" + hi + "}";
        } else {
            tail = lo == 0 && hi == 1 ? rest + "?" : rest + "{" + lo + "," + hi + "}";
        }
        String body = tail.isEmpty() ? item : item + " " + tail;
        return min == 0 ? "(" + body + ")?" : body;
    }

    private String string(Map<String, Object> schema, String path) {
        if (schema.containsKey("pattern")) {
            if (schema.containsKey("minLength") || schema.containsKey("maxLength") || schema.containsKey("format")) {
                throw new GrammarException("'pattern' with minLength, maxLength or format at " + where(path)
                        + " is not supported: put the length in the pattern");
            }
            return "\"\\\"\" (" + RegexToGbnf.convert(string(schema.get("pattern"), path, "pattern")) + ") \"\\\"\"";
        }
        if (schema.containsKey("format")) {
            String format = string(schema.get("format"), path, "format");
            if (schema.containsKey("minLength") || schema.containsKey("maxLength")) {
                throw new GrammarException("'format' with minLength or maxLength at " + where(path) + " is not supported");
            }
            return switch (format) {
                case "date", "time", "date-time" -> addPrimitive(format + "-string");
                case "uuid" -> addPrimitive("uuid");
                default -> throw new GrammarException("unsupported string format '" + shorten(format) + "' at "
                        + where(path) + ": date, time, date-time and uuid are");
            };
        }
        long min = count(schema, "minLength", path, 0);
        long max = count(schema, "maxLength", path, -1);
        if (max >= 0 && max < min) {
            throw new GrammarException("maxLength is below minLength at " + where(path));
        }
        if (min == 0 && max < 0) {
            return addPrimitive("string");
        }
        addPrimitive("char");
        String rep;
        if (max < 0) {
            rep = min == 1 ? "char+" : "char{" + min + ",}";
        } else if (min == max) {
            rep = "char{" + min + "}";
        } else {
            rep = "char{" + min + "," + max + "}";
        }
        return "\"\\\"\" " + rep + " \"\\\"\"";
    }

    private long count(Map<String, Object> schema, String key, String path, long absent) {
        Object v = schema.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Long n) || n < 0) {
            throw new GrammarException("'" + key + "' at " + where(path) + " must be a whole number of 0 or more, not "
                    + Json.kind(v));
        }
        if (n >= GbnfLimits.REPETITION) {
            throw new GrammarException("'" + key + "' " + n + " at " + where(path) + " is too large: a grammar"
                    + " repeats at most " + (GbnfLimits.REPETITION - 1) + " times (leave it out for no limit)");
        }
        return n;
    }

    // ------------------------------------------------------------------ rules and literals

    private String addPrimitive(String name) {
        if (!rules.containsKey(name)) {
            rules.put(name, PRIMITIVES.get(name));
            for (String dep : DEPENDS.get(name)) {
                addPrimitive(dep);
            }
        }
        return name;
    }

    /** A rule named after {@code path} holding {@code body}; an existing rule with the same body is reused. */
    private String rule(String path, String body) {
        if (body.matches("[a-zA-Z0-9-]+")) {
            return body; // already a single rule reference
        }
        for (Map.Entry<String, String> e : rules.entrySet()) {
            if (e.getValue().equals(body) && !PRIMITIVES.containsKey(e.getKey())) {
                return e.getKey();
            }
        }
        String name = freshName(path.isEmpty() ? "root" : path);
        rules.put(name, body);
        return name;
    }

    /** An unused rule name for {@code path}, reserved (with an empty body until it is set). */
    private String freshName(String path) {
        String base = ruleName(path);
        String name = base;
        for (int i = 1; rules.containsKey(name) || PRIMITIVES.containsKey(name) || name.equals("root"); i++) {
            name = base + "-" + i;
        }
        if (rules.size() >= MAX_RULES) {
            throw new GrammarException("the schema needs more than " + MAX_RULES + " grammar rules");
        }
        rules.put(name, "\"\"");
        return name;
    }

    private static String ruleName(String path) {
        String s = path.replaceAll("[^a-zA-Z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 60) {
            s = s.substring(s.length() - 60).replaceAll("^-+", "");
        }
        return s.isEmpty() ? "r" : s;
    }

    /** A GBNF literal for the compact JSON text of {@code v}. */
    private static String literal(Object v) {
        return Grammar.literal(JsonText.write(v));
    }

    private static String jsonLiteral(String key) {
        return Grammar.literal(JsonText.write(key));
    }

    private static String where(String path) {
        return path.isEmpty() ? "the top level" : shorten(path);
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static String string(Object v, String path, String key) {
        if (v instanceof String s) {
            return s;
        }
        throw new GrammarException("'" + key + "' at " + where(path) + " must be a string, not " + Json.kind(v));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v, String path, String key) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new GrammarException("'" + key + "' at " + where(path) + " must be an array, not " + Json.kind(v));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v, String path, String key) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new GrammarException("'" + key + "' at " + where(path) + " must be an object, not " + Json.kind(v));
    }
}
