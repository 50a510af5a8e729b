package dev.cove.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validated reading of a JSON object's fields. A field that is absent or {@code null}
 * reads as absent; one of the wrong type or out of range is a 400 naming it (with its path, e.g.
 * {@code options.temperature} or {@code messages[2].content}) and what was expected.
 */
final class Fields {
    private final ObjectNode node;
    private final String prefix;

    Fields(ObjectNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    String path(String name) {
        return prefix + name;
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** The raw value, or null when absent or null. */
    JsonNode raw(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    String requiredString(String name) {
        String s = string(name);
        if (s == null) {
            throw ApiException.invalid(path(name), "'" + path(name) + "' is required");
        }
        return s;
    }

    String string(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a string", v);
        }
        return v.textValue();
    }

    Boolean bool(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(name, "true or false", v);
        }
        return v.booleanValue();
    }

    boolean bool(String name, boolean defaultValue) {
        Boolean b = bool(name);
        return b == null ? defaultValue : b;
    }

    /** A finite number in [min, max], or null when absent. */
    Double number(String name, double min, double max) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw wrongType(name, "a number", v);
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiException.invalid(path(name), "'" + path(name) + "' must be between " + fmt(min) + " and "
                    + fmt(max) + ", got " + v.asText());
        }
        return d;
    }

    /** An integer in [min, max] (2.0 counts, 2.5 does not), or null when absent. */
    Long integer(String name, long min, long max) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue())
                && Math.abs(v.doubleValue()) < 9e15)) {
            throw wrongType(name, "an integer", v);
        }
        if (v.isBigInteger() && !v.canConvertToLong()) {
            throw ApiException.invalid(path(name), "'" + path(name) + "' is out of range: " + v.asText());
        }
        long l = v.isIntegralNumber() ? v.longValue() : (long) v.doubleValue();
        if (l < min || l > max) {
            throw ApiException.invalid(path(name), "'" + path(name) + "' must be between " + min + " and " + max
                    + ", got " + l);
        }
        return l;
    }

    /** A nested object, or null when absent. */
    Fields object(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw wrongType(name, "an object", v);
        }
        return new Fields((ObjectNode) v, path(name) + ".");
    }

    /** A string or an array of at most {@code maxItems} strings, as a list; empty when absent. */
    List<String> stringOrStrings(String name, int maxItems) {
        JsonNode v = raw(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(name, "a string or an array of strings", v);
        }
        if (v.size() > maxItems) {
            throw ApiException.invalid(path(name), "'" + path(name) + "' has " + v.size() + " items; at most "
                    + maxItems + " are allowed");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual()) {
                throw ApiException.invalid(path(name), "'" + path(name) + "[" + i + "]' must be a string, not "
                        + describe(item));
            }
            out.add(item.textValue());
        }
        return out;
    }

    ApiException wrongType(String name, String expected, JsonNode v) {
        return ApiException.invalid(path(name), "'" + path(name) + "' must be " + expected + ", not " + describe(v));
    }

    /** The JSON type of a value, for messages: never the value itself, which may be prompt text. */
    static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "null";
        }
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isBoolean()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return "the number " + v.asText();
        }
        if (v.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
