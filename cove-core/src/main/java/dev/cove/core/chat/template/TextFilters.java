package dev.cove.core.chat.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's filters for text made for people, URLs and markup: {@code wordwrap} (Python's textwrap),
 * {@code filesizeformat}, {@code urlencode} and {@code xmlattr}.
 */
final class TextFilters {
    private static final String WS = "[\\t\\n\\x0b\\x0c\\r ]";
    private static final String NWS = "[^\\t\\n\\x0b\\x0c\\r ]";
    private static final String LETTER = "[^\\d\\W]";
    private static final String WORD_PUNCT = "[\\w!\"'&.,?]";
    /** textwrap's wordsep_re: whitespace, em-dashes, and words split after their hyphens. */
    private static final Pattern WORD_SEP = Pattern.compile(
            "(" + WS + "+"
            + "|(?<=" + WORD_PUNCT + ")-{2,}(?=\\w)"
            + "|" + NWS + "+?(?:-(?:(?<=" + LETTER + "{2}-)|(?<=" + LETTER + "-" + LETTER + "-))(?=" + LETTER + "-?"
            + LETTER + ")|(?=" + WS + "|\\z)|(?<=" + WORD_PUNCT + ")(?=-{2,}\\w)))",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WORD_SEP_SIMPLE = Pattern.compile("(" + WS + "+)");
    private static final Pattern ATTR_KEY_INVALID = Pattern.compile("[\\s/>=]");

    private TextFilters() {
    }

    static void register(Map<String, Filters.Filter> filters) {
        filters.put("wordwrap", TextFilters::wordwrap);
        filters.put("filesizeformat", TextFilters::filesizeformat);
        filters.put("urlencode", TextFilters::urlencode);
        filters.put("xmlattr", TextFilters::xmlattr);
    }

    /** jinja2's wordwrap: each line of the text wrapped on its own by textwrap.wrap, joined by the wrap string. */
    private static Object wordwrap(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        PyStr s = Py.str(v);
        Object widthArg = Args.get(a, kw, 0, "width", 79L);
        if (!Py.isNumber(widthArg)) {
            // textwrap's first use of the width is "width <= 0", which is where Python fails.
            Py.compare(widthArg, 0L, "<=");
        }
        long width = Py.isInt(widthArg) ? Py.toLong(widthArg) : (long) Math.floor(Py.toDouble(widthArg));
        boolean breakLong = Py.truthy(Args.get(a, kw, 1, "break_long_words", true));
        Object wrapArg = Args.get(a, kw, 2, "wrapstring", null);
        PyStr wrap = wrapArg == null ? PyStr.of("\n") : Py.str(wrapArg);
        boolean breakOnHyphens = Py.truthy(Args.get(a, kw, 3, "break_on_hyphens", true));
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        List<Object> lines = Strings.splitlines(s, false);
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                out.append(wrap);
            }
            List<PyStr> wrapped = wrap((PyStr) lines.get(i), width, breakLong, breakOnHyphens, ev);
            for (int k = 0; k < wrapped.size(); k++) {
                if (k > 0) {
                    out.append(wrap);
                }
                out.append(wrapped.get(k));
            }
        }
        return out.toPyStr();
    }

    /** textwrap.wrap with expand_tabs and replace_whitespace off, drop_whitespace on, no indents. */
    private static List<PyStr> wrap(PyStr line, long width, boolean breakLong, boolean breakOnHyphens, Evaluator ev) {
        if (width <= 0) {
            throw TemplateException.value("invalid width " + width + " (must be > 0)");
        }
        List<PyStr> chunks = new ArrayList<>();
        Matcher m = (breakOnHyphens ? WORD_SEP : WORD_SEP_SIMPLE).matcher(line.text());
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                chunks.add(line.substring(last, m.start()));
            }
            if (m.end() > m.start()) {
                chunks.add(line.substring(m.start(), m.end()));
            }
            last = m.end();
        }
        if (last < line.length()) {
            chunks.add(line.substring(last, line.length()));
        }
        ev.spend(chunks.size());
        java.util.Collections.reverse(chunks);
        List<PyStr> lines = new ArrayList<>();
        while (!chunks.isEmpty()) {
            List<PyStr> cur = new ArrayList<>();
            long curLen = 0;
            if (!lines.isEmpty() && isBlank(chunks.getLast())) {
                chunks.removeLast();
            }
            while (!chunks.isEmpty() && curLen + Values.length(chunks.getLast()) <= width) {
                curLen += Values.length(chunks.getLast());
                cur.add(chunks.removeLast());
            }
            if (!chunks.isEmpty() && Values.length(chunks.getLast()) > width) {
                handleLongWord(chunks, cur, curLen, width, breakLong, breakOnHyphens, ev);
            }
            if (!cur.isEmpty() && isBlank(cur.getLast())) {
                cur.removeLast();
            }
            if (!cur.isEmpty()) {
                TextBuilder b = new TextBuilder();
                cur.forEach(b::append);
                lines.add(b.toPyStr());
            }
        }
        return lines;
    }

    private static void handleLongWord(List<PyStr> chunks, List<PyStr> cur, long curLen, long width, boolean breakLong,
                                       boolean breakOnHyphens, Evaluator ev) {
        long spaceLeft = width < 1 ? 1 : width - curLen;
        if (breakLong) {
            PyStr chunk = chunks.getLast();
            long end = spaceLeft;
            if (breakOnHyphens && Values.length(chunk) > spaceLeft) {
                // Break after the last hyphen that has something other than hyphens before it.
                String head = ((PyStr) Values.slice(chunk, 0L, spaceLeft, null, ev)).text();
                int hyphen = head.lastIndexOf('-');
                if (hyphen > 0 && !head.substring(0, hyphen).chars().allMatch(c -> c == '-')) {
                    end = head.codePointCount(0, hyphen) + 1;
                }
            }
            cur.add((PyStr) Values.slice(chunk, 0L, end, null, ev));
            chunks.set(chunks.size() - 1, (PyStr) Values.slice(chunk, end, null, null, ev));
        } else if (cur.isEmpty()) {
            cur.add(chunks.removeLast());
        }
    }

    private static boolean isBlank(PyStr s) {
        return Strings.strip(s, null, true, true).length() == 0;
    }

    /** jinja2's filesizeformat: decimal (kB, MB, ...) or binary (KiB, MiB, ...) units with one decimal. */
    private static Object filesizeformat(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        boolean binary = Py.truthy(Args.get(a, kw, 0, "binary", false));
        double bytes = toFloat(v);
        double base = binary ? 1024 : 1000;
        String[] prefixes = binary ? new String[] {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
                : new String[] {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
        if (bytes == 1) {
            return PyStr.of("1 Byte");
        }
        if (bytes < base) {
            return PyStr.of((long) bytes + " Bytes");
        }
        double unit = 0;
        for (int i = 0; i < prefixes.length; i++) {
            unit = Math.pow(base, i + 2);
            if (bytes < unit || i == prefixes.length - 1) {
                return PyStr.of(FormatSpec.fixed(base * bytes / unit, 1) + " " + prefixes[i]);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Python's float() of a number or numeric string; ValueError or TypeError as Python words them. */
    private static double toFloat(Object v) {
        if (Py.isNumber(v)) {
            return Py.toDouble(v);
        }
        if (v instanceof PyStr s) {
            Long asInt = Strings.parseInt(s.text(), 10);
            if (asInt != null) {
                return asInt;
            }
            try {
                String t = Py.strip(s.text());
                if (t.matches("[+-]?(\\d[\\d_]*\\.?[\\d_]*([eE][+-]?\\d+)?|\\.\\d[\\d_]*([eE][+-]?\\d+)?)")) {
                    return Double.parseDouble(t.replace("_", ""));
                }
            } catch (NumberFormatException e) {
                // falls through to Python's message
            }
            throw TemplateException.value("could not convert string to float: " + Py.repr(s).text());
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateException.type("float() argument must be a string or a real number, not '" + Py.typeName(v) + "'");
    }

    /** jinja2's urlencode: a string quoted ("/" kept), or a dict or pairs as a query string. */
    private static Object urlencode(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        if (v instanceof PyStr || !(v instanceof List<?> || v instanceof Map<?, ?> || v instanceof PyIterator)) {
            return PyStr.of(quote(Py.str(v).text(), false));
        }
        List<Object> pairs = new ArrayList<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> pairs.add(new PyTuple(k, x)));
        } else {
            pairs.addAll(Values.toList(v, ev));
        }
        StringBuilder sb = new StringBuilder();
        for (Object pair : pairs) {
            List<Object> kv = Values.toList(pair, ev);
            if (kv.size() != 2) {
                throw TemplateException.value((kv.size() < 2 ? "not enough" : "too many") + " values to unpack (expected 2"
                        + (kv.size() < 2 ? ", got " + kv.size() : "") + ")");
            }
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(quote(Py.str(kv.get(0)).text(), true)).append('=').append(quote(Py.str(kv.get(1)).text(), true));
        }
        return PyStr.of(sb.toString());
    }

    /** urllib's quote of the UTF-8 bytes: letters, digits and "_.-~" kept, "/" too outside a query string. */
    private static String quote(String s, boolean forQuery) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "_.-~".indexOf(c) >= 0 || c == '/' && !forQuery)) {
                sb.append((char) c);
            } else if (c == ' ' && forQuery) {
                sb.append('+');
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    /** jinja2's xmlattr: {@code key="value"} pairs, HTML-escaped, None and undefined values left out. */
    private static Object xmlattr(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        boolean autospace = Py.truthy(Args.get(a, kw, 0, "autospace", true));
        if (!(v instanceof Map<?, ?> m)) {
            throw TemplateException.of("AttributeError", "'" + Py.typeName(v) + "' object has no attribute 'items'");
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getValue() == null || e.getValue() instanceof Undefined) {
                continue;
            }
            PyStr key = Py.str(e.getKey());
            if (ATTR_KEY_INVALID.matcher(key.text()).find()) {
                throw TemplateException.value("Invalid character in attribute name: " + Py.repr(e.getKey()).text());
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(Filters.escape(key).text()).append("=\"").append(Filters.escape(Py.str(e.getValue())).text())
                    .append('"');
        }
        return PyStr.of(autospace && !sb.isEmpty() ? " " + sb : sb.toString());
    }
}
