package dev.cove.core.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code tojson} filter as transformers defines it: Python's
 * {@code json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)}. Characters
 * of a content string stay content after escaping (its quotes too).
 */
final class JsonWriter {
    private final String indent;
    private final String itemSep;
    private final String keySep;
    private final boolean sortKeys;
    private final boolean ensureAscii;
    private final TextBuilder out;
    private final Evaluator ev;

    private JsonWriter(String indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii, Evaluator ev) {
        this.ensureAscii = ensureAscii;
        this.indent = indent;
        this.itemSep = itemSep;
        this.keySep = keySep;
        this.sortKeys = sortKeys;
        this.ev = ev;
        this.out = new TextBuilder(ev.limits().maxOutputChars());
    }

    static PyStr dumps(Object value, Object indent, Object separators, boolean sortKeys, boolean ensureAscii,
                       Evaluator ev) {
        String ind = null;
        if (indent instanceof PyStr s) {
            ind = s.text();
        } else if (Py.isInt(indent)) {
            long n = Py.toLong(indent);
            ev.checkLength(n);
            ind = " ".repeat((int) Math.max(0, n));
        } else if (indent != null && !(indent instanceof Undefined)) {
            throw TemplateException.type("can't multiply sequence by non-int of type '" + Py.typeName(indent) + "'");
        }
        String itemSep = ind == null ? ", " : ",";
        String keySep = ": ";
        if (separators instanceof List<?> l && l.size() == 2 && l.get(0) instanceof PyStr a && l.get(1) instanceof PyStr b) {
            itemSep = a.text();
            keySep = b.text();
        } else if (separators != null && !(separators instanceof Undefined)) {
            throw TemplateException.value("separators must be a pair of strings");
        }
        JsonWriter w = new JsonWriter(ind, itemSep, keySep, sortKeys, ensureAscii, ev);
        w.write(value, 0);
        return w.out.toPyStr();
    }

    private void newline(int level) {
        if (indent != null) {
            ev.checkLength((long) indent.length() * level);
            out.append("\n").append(indent.repeat(level));
        }
    }

    private void write(Object v, int level) {
        if (level > 200) {
            throw TemplateException.of("RecursionError", "maximum recursion depth exceeded while encoding a JSON object");
        }
        ev.spend(1);
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Long l -> out.append(l.toString());
            case Double d -> out.append(floatJson(d));
            case PyStr s -> string(s);
            case PyRange r -> throw TemplateException.type("Object of type range is not JSON serializable");
            case DictView view -> throw TemplateException.type("Object of type " + view.kind() + " is not JSON serializable");
            case List<?> l -> {
                if (l.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append("[");
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        out.append(itemSep);
                    }
                    newline(level + 1);
                    write(l.get(i), level + 1);
                }
                newline(level);
                out.append("]");
            }
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    out.append("{}");
                    return;
                }
                List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
                if (sortKeys) {
                    entries.sort((a, b) -> Py.compare(a.getKey(), b.getKey(), "<"));
                }
                out.append("{");
                boolean first = true;
                for (Map.Entry<?, ?> e : entries) {
                    if (!first) {
                        out.append(itemSep);
                    }
                    first = false;
                    newline(level + 1);
                    key(e.getKey());
                    out.append(keySep);
                    write(e.getValue(), level + 1);
                }
                newline(level);
                out.append("}");
            }
            default -> throw TemplateException.type("Object of type " + Py.typeName(v) + " is not JSON serializable");
        }
    }

    private void key(Object k) {
        switch (k) {
            case PyStr s -> string(s);
            case null -> out.append("\"null\"");
            case Boolean b -> out.append(b ? "\"true\"" : "\"false\"");
            case Long l -> out.append("\"" + l + "\"");
            case Double d -> out.append("\"" + floatJson(d) + "\"");
            default -> throw TemplateException.type("keys must be str, int, float, bool or None, not " + Py.typeName(k));
        }
    }

    private static String floatJson(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return Py.floatRepr(d);
    }

    private void string(PyStr s) {
        boolean quoteContent = s.hasContent();
        out.append('"', quoteContent);
        String t = s.text();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean content = s.isContent(i);
            switch (c) {
                case '"' -> out.append("\\\"", content);
                case '\\' -> out.append("\\\\", content);
                case '\n' -> out.append("\\n", content);
                case '\r' -> out.append("\\r", content);
                case '\t' -> out.append("\\t", content);
                case '\b' -> out.append("\\b", content);
                case '\f' -> out.append("\\f", content);
                default -> {
                    if (c < 0x20 || ensureAscii && c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c), content);
                    } else {
                        out.append(c, content);
                    }
                }
            }
        }
        out.append('"', quoteContent);
    }
}
