package dev.cove.core.convert;

import dev.cove.core.json.JsonException;
import java.util.List;
import java.util.Map;

/**
 * The converter's view of {@link dev.cove.core.json.Json}: the same values, with errors as
 * {@link ConvertException}s, the type every converter failure has.
 */
final class Json {
    static final Object NULL = dev.cove.core.json.Json.NULL;

    private Json() {
    }

    static Object parse(String text, String source) {
        try {
            return dev.cove.core.json.Json.parse(text, source);
        } catch (JsonException e) {
            throw new ConvertException(e.getMessage());
        }
    }

    static Map<String, Object> object(Object v, String source, String what) {
        try {
            return dev.cove.core.json.Json.object(v, source, what);
        } catch (JsonException e) {
            throw new ConvertException(e.getMessage());
        }
    }

    static List<Object> array(Object v, String source, String what) {
        try {
            return dev.cove.core.json.Json.array(v, source, what);
        } catch (JsonException e) {
            throw new ConvertException(e.getMessage());
        }
    }

    static Map<String, Object> emptyObject() {
        return dev.cove.core.json.Json.emptyObject();
    }

    static String kind(Object v) {
        return dev.cove.core.json.Json.kind(v);
    }
}
