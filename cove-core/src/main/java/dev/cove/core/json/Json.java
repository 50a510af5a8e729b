package dev.cove.core.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader (RFC 8259) for the files of a Hugging Face checkpoint
 * ({@code config.json}, {@code tokenizer.json}, {@code tokenizer_config.json}, safetensors
 * headers) and the JSON schemas of constrained decoding: cove-core has no dependencies, and these
 * need nothing more than a recursive-descent parser.
 *
 * <p>Values: objects are {@code Map<String, Object>} in file order (a repeated key keeps the last
 * value, as Python's {@code json} does), arrays {@code List<Object>}, strings {@code String},
 * numbers {@code Long} when integral and in range, else {@code Double}, booleans {@code Boolean},
 * and {@code null} is {@link #NULL}. Nesting deeper than {@value #MAX_DEPTH} levels is rejected,
 * so hostile input cannot exhaust the stack. Errors are {@link JsonException}s naming the source,
 * line and column.
 */
public final class Json {
    /** JSON's {@code null}, distinct from a missing key. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    public static final int MAX_DEPTH = 256;

    private final String text;
    private final String source;
    private int pos;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses one JSON value that makes up the whole of {@code text}; {@code source} names it in errors. */
    public static Object parse(String text, String source) {
        Json p = new Json(text, source);
        p.skipWhitespace();
        if (p.pos < text.length() && text.charAt(p.pos) == '\uFEFF') {
            p.pos++; // a byte-order mark, as some editors write
            p.skipWhitespace();
        }
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    /** A JSON value read from the start of some text, and where it ended. */
    public record Prefix(Object value, int end) {
    }

    /**
     * Reads the one JSON value that starts at {@code start} of {@code text} (after optional
     * whitespace), leaving whatever follows it: for values embedded in other text, such as a
     * model's tool call between markers.
     *
     * @throws JsonException when no complete JSON value starts there
     */
    public static Prefix parsePrefix(String text, int start, String source) {
        Json p = new Json(text, source);
        p.pos = start;
        p.skipWhitespace();
        Object v = p.value(0);
        return new Prefix(v, p.pos);
    }

    /**
     * Compact JSON text of a value as {@link #parse} returns them (maps in their order, lists,
     * strings, numbers, booleans, {@link #NULL}), non-ASCII kept as is: what OpenAI's API
     * carries in {@code function.arguments}.
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object v, StringBuilder out) {
        if (v == null || v == NULL) {
            out.append("null");
        } else if (v instanceof String s) {
            quote(s, out);
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (v instanceof List<?> l) {
            out.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(l.get(i), out);
            }
            out.append(']');
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new JsonException("JSON has no " + d);
        } else {
            out.append(v); // Boolean, Long, Double and other numbers
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value(int depth) {
        if (pos >= text.length()) {
            throw error("unexpected end of file (the file is truncated?)");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character " + describe(c));
            }
        };
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        pos++; // {
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a quoted key in an object");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            map.put(key, value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return map;
            } else {
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        pos++; // [
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return list;
            } else {
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    private String string() {
        pos++; // opening quote
        int start = pos;
        // Fast path: no escapes.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("control character " + describe(c) + " in a string");
            }
            pos++;
        }
        StringBuilder b = new StringBuilder().append(text, start, pos);
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string (the file is truncated?)");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character " + describe(c) + " in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string (the file is truncated?)");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(text.charAt(pos + i), 16);
                        if (d < 0) {
                            throw error("invalid \\u escape");
                        }
                        v = v * 16 + d;
                    }
                    pos += 4;
                    b.append((char) v); // surrogate pairs arrive as two escapes and join in the String
                }
                default -> {
                    pos--;
                    throw error("invalid escape \\" + e);
                }
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("invalid number");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("invalid number: digits must follow '.'");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("invalid number: digits must follow the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        String s = text.substring(start, pos);
        if (integral && s.length() <= 18) {
            return Long.parseLong(s);
        }
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(s);
            }
        }
        return Double.parseDouble(s);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected character " + describe(text.charAt(pos)));
        }
        pos += word.length();
        return value;
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                pos++;
            } else {
                return;
            }
        }
    }

    private static String describe(char c) {
        return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    private JsonException error(String message) {
        int line = 1;
        int column = 1;
        int end = Math.min(pos, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        if (pos >= text.length() && !message.contains("end of file") && !message.contains("truncated")) {
            message = "unexpected end of file (the file is truncated?)";
        }
        return new JsonException(source + ": invalid JSON at line " + line + ", column " + column + ": " + message);
    }

    // ------------------------------------------------------------------ typed access

    /** The object {@code v}, or an error saying what {@code what} should have been. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v, String source, String what) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new JsonException(source + ": " + what + " must be a JSON object, not " + kind(v));
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Object v, String source, String what) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new JsonException(source + ": " + what + " must be a JSON array, not " + kind(v));
    }

    public static Map<String, Object> emptyObject() {
        return Collections.emptyMap();
    }

    /** A short description of a value's JSON type, for messages. */
    public static String kind(Object v) {
        if (v == null) {
            return "missing";
        }
        if (v == NULL) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Boolean) {
            return "the boolean " + v;
        }
        return "the number " + v;
    }
}
