package dev.cove.core.chat.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's built-in filters, with jinja2's semantics (and transformers' {@code tojson}); the ones
 * for prose, URLs and markup are in {@link TextFilters}. A filter jinja2 lacks is reported as unknown.
 */
final class Filters {
    @FunctionalInterface
    interface Filter {
        Object apply(Evaluator ev, Object value, List<Object> args, Map<String, Object> kw);
    }

    private static final Map<String, Filter> FILTERS = new HashMap<>();
    private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);

    static {
        FILTERS.put("abs", (ev, v, a, kw) -> {
            if (v instanceof Double d) {
                return Math.abs(d);
            }
            if (Py.isInt(v)) {
                if (Py.toLong(v) == Long.MIN_VALUE) {
                    throw TemplateException.limit("computes an integer beyond 64 bits");
                }
                return Math.abs(Py.toLong(v));
            }
            throw operandError("abs()", v);
        });
        FILTERS.put("attr", (ev, v, a, kw) -> Values.pythonAttr(v, Args.str("attr", arg(a, kw, 0, "name")).text()));
        FILTERS.put("batch", Filters::batch);
        FILTERS.put("capitalize", (ev, v, a, kw) -> Strings.capitalize(Py.str(v)));
        FILTERS.put("center", (ev, v, a, kw) -> Strings.pad(Py.str(v), "center",
                List.of(Args.get(a, kw, 0, "width", 80L)), ev));
        FILTERS.put("count", Filters::length);
        FILTERS.put("length", Filters::length);
        FILTERS.put("default", Filters::defaultValue);
        FILTERS.put("d", Filters::defaultValue);
        FILTERS.put("dictsort", Filters::dictsort);
        FILTERS.put("escape", (ev, v, a, kw) -> v instanceof PyStr s && s.isMarkup() ? s : escape(Py.str(v)));
        FILTERS.put("e", (ev, v, a, kw) -> v instanceof PyStr s && s.isMarkup() ? s : escape(Py.str(v)));
        FILTERS.put("forceescape", (ev, v, a, kw) -> escape(Py.str(v)));
        FILTERS.put("first", (ev, v, a, kw) -> {
            Iterator<Object> it = Values.iterator(v);
            return it.hasNext() ? it.next() : Undefined.hint("No first item, sequence was empty.");
        });
        FILTERS.put("last", (ev, v, a, kw) -> {
            if (v instanceof PyIterator || v instanceof Map<?, ?>) {
                throw TemplateException.type("'" + Py.typeName(v) + "' object is not reversible");
            }
            List<Object> items = Values.toList(v, ev);
            return items.isEmpty() ? Undefined.hint("No last item, sequence was empty.") : items.getLast();
        });
        FILTERS.put("float", (ev, v, a, kw) -> toFloat(v, Args.get(a, kw, 0, "default", 0.0)));
        FILTERS.put("int", (ev, v, a, kw) -> toInt(v, Args.get(a, kw, 0, "default", 0L),
                Args.integer("base", Args.get(a, kw, 1, "base", 10L))));
        FILTERS.put("groupby", Filters::groupby);
        FILTERS.put("format", (ev, v, a, kw) -> PercentFormat.format(Py.str(v),
                kw.isEmpty() ? new PyTuple(a) : toPyMap(kw), ev));
        FILTERS.put("indent", Filters::indent);
        FILTERS.put("items", (ev, v, a, kw) -> {
            if (v instanceof Undefined) {
                return new PyIterator(List.of().iterator());
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw TemplateException.type("Can only get item pairs from a mapping.");
            }
            List<Object> pairs = new ArrayList<>();
            m.forEach((k, x) -> pairs.add(new PyTuple(k, x)));
            return new PyIterator(pairs.iterator());
        });
        FILTERS.put("join", Filters::join);
        FILTERS.put("list", (ev, v, a, kw) -> Values.toList(v, ev));
        FILTERS.put("lower", (ev, v, a, kw) -> Strings.lower(Py.str(v)));
        FILTERS.put("upper", (ev, v, a, kw) -> Strings.upper(Py.str(v)));
        FILTERS.put("title", (ev, v, a, kw) -> title(Py.str(v)));
        FILTERS.put("map", Filters::map);
        FILTERS.put("max", (ev, v, a, kw) -> minMax(ev, v, a, kw, true));
        FILTERS.put("min", (ev, v, a, kw) -> minMax(ev, v, a, kw, false));
        FILTERS.put("reject", (ev, v, a, kw) -> select(ev, v, a, false, false));
        FILTERS.put("select", (ev, v, a, kw) -> select(ev, v, a, true, false));
        FILTERS.put("rejectattr", (ev, v, a, kw) -> select(ev, v, a, false, true));
        FILTERS.put("selectattr", (ev, v, a, kw) -> select(ev, v, a, true, true));
        FILTERS.put("replace", (ev, v, a, kw) -> {
            Object count = Args.get(a, kw, 2, "count", null);
            return Strings.replace(Py.str(v), Py.str(arg(a, kw, 0, "old")), Py.str(arg(a, kw, 1, "new")),
                    count == null ? -1 : Args.integer("count", count), ev);
        });
        FILTERS.put("reverse", (ev, v, a, kw) -> {
            if (v instanceof PyStr s) {
                return Values.slice(s, null, null, -1L, ev);
            }
            List<Object> items = Values.toList(v, ev);
            java.util.Collections.reverse(items);
            return new PyIterator(items.iterator());
        });
        FILTERS.put("random", (ev, v, a, kw) -> {
            List<Object> items = v instanceof PyStr || v instanceof List<?> ? Values.toList(v, ev) : null;
            if (items == null) {
                throw TemplateException.type("object of type '" + Py.typeName(v) + "' has no len()");
            }
            return items.isEmpty() ? Undefined.hint("No random item, sequence was empty.")
                    : items.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(items.size()));
        });
        FILTERS.put("round", Filters::round);
        FILTERS.put("safe", (ev, v, a, kw) -> Py.str(v).asMarkup());
        FILTERS.put("string", (ev, v, a, kw) -> Py.str(v));
        FILTERS.put("sort", Filters::sort);
        FILTERS.put("slice", Filters::slice);
        FILTERS.put("sum", (ev, v, a, kw) -> {
            Object attribute = Args.get(a, kw, 0, "attribute", null);
            Object total = Args.get(a, kw, 1, "start", 0L);
            for (Object x : Values.toList(v, ev)) {
                total = Operators.arithmetic("+", total, attribute == null ? x : attribute(x, attribute, null), ev);
            }
            return total;
        });
        FILTERS.put("tojson", (ev, v, a, kw) -> JsonWriter.dumps(v, Args.get(a, kw, 0, "indent", null),
                kw.get("separators"), Py.truthy(kw.getOrDefault("sort_keys", false)),
                Py.truthy(kw.getOrDefault("ensure_ascii", false)), ev));
        FILTERS.put("trim", (ev, v, a, kw) -> {
            Object chars = Args.get(a, kw, 0, "chars", null);
            return Strings.strip(Py.str(v), chars == null ? null : Args.str("trim chars", chars), true, true);
        });
        FILTERS.put("truncate", Filters::truncate);
        FILTERS.put("unique", Filters::unique);
        FILTERS.put("wordcount", (ev, v, a, kw) -> {
            Matcher m = WORD.matcher(Py.str(v).text());
            long n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        });
        TextFilters.register(FILTERS);
    }

    private Filters() {
    }

    static boolean exists(String name) {
        return FILTERS.containsKey(name);
    }

    static Object apply(Evaluator ev, String name, Object value, List<Object> args, Map<String, Object> kwargs) {
        return FILTERS.get(name).apply(ev, value, args, kwargs);
    }

    private static Object arg(List<Object> args, Map<String, Object> kw, int index, String name) {
        Object v = Args.get(args, kw, index, name, Args.ABSENT);
        if (v == Args.ABSENT) {
            throw TemplateException.type("missing a required argument: '" + name + "'");
        }
        return v;
    }

    private static TemplateException operandError(String fn, Object v) {
        if (v instanceof Undefined u) {
            return u.error();
        }
        return TemplateException.type("bad operand type for " + fn + ": '" + Py.typeName(v) + "'");
    }

    private static Object length(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        long n = Values.length(v);
        if (n < 0) {
            throw TemplateException.type("object of type '" + Py.typeName(v) + "' has no len()");
        }
        return n;
    }

    private static Object defaultValue(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        Object dflt = Args.get(a, kw, 0, "default_value", PyStr.EMPTY);
        boolean bool = Py.truthy(Args.get(a, kw, 1, "boolean", false));
        return v instanceof Undefined || bool && !Py.truthy(v) ? dflt : v;
    }

    private static Map<Object, Object> toPyMap(Map<String, Object> kw) {
        Map<Object, Object> m = new LinkedHashMap<>();
        kw.forEach((k, x) -> m.put(PyStr.of(k), x));
        return m;
    }

    /** HTML-escapes as markupsafe does; the result is Markup. */
    static PyStr escape(PyStr s) {
        TextBuilder out = new TextBuilder();
        String t = s.text();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&#34;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep == null) {
                out.append(c, s.isContent(i));
            } else {
                out.append(rep, s.isContent(i));
            }
        }
        return out.toPyStr().asMarkup();
    }

    /** jinja2's title filter: each word's first character upper-cased, the rest lower-cased. */
    private static PyStr title(PyStr s) {
        TextBuilder out = new TextBuilder();
        Matcher m = WORD_BEGINNING.matcher(s.text());
        int last = 0;
        List<PyStr> parts = new ArrayList<>();
        while (m.find()) {
            parts.add(s.substring(last, m.start()));
            parts.add(s.substring(m.start(), m.end()));
            last = m.end();
        }
        parts.add(s.substring(last, s.length()));
        for (PyStr p : parts) {
            if (p.length() == 0) {
                continue;
            }
            int n = Character.charCount(p.text().codePointAt(0));
            out.append(Strings.upper(p.substring(0, n))).append(Strings.lower(p.substring(n, p.length())));
        }
        return out.toPyStr();
    }

    private static Object toFloat(Object v, Object dflt) {
        if (v instanceof Double d) {
            return d;
        }
        if (Py.isInt(v)) {
            return (double) Py.toLong(v);
        }
        if (v instanceof PyStr s) {
            String t = s.text().strip().replace("_", "");
            try {
                if (t.matches("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?)")) {
                    return Double.parseDouble(t);
                }
                String lower = t.toLowerCase(java.util.Locale.ROOT);
                if (lower.matches("[+-]?(inf|infinity)")) {
                    return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                if (lower.matches("[+-]?nan")) {
                    return Double.NaN;
                }
            } catch (NumberFormatException e) {
                return dflt;
            }
        }
        return dflt;
    }

    /** jinja2's int filter: int(value, base) for a string, int(value) otherwise, then int(float(value)), then the default. */
    private static Object toInt(Object v, Object dflt, long base) {
        if (Py.isInt(v)) {
            return Py.toLong(v);
        }
        if (v instanceof Double d) {
            if (Double.isInfinite(d)) {
                throw TemplateException.of("OverflowError", "cannot convert float infinity to integer");
            }
            return Double.isNaN(d) ? dflt : wholePart(d);
        }
        if (v instanceof PyStr s) {
            Long parsed = Strings.parseInt(s.text(), base);
            if (parsed != null) {
                return parsed;
            }
            Object f = toFloat(v, null);
            return f instanceof Double d && Double.isFinite(d) ? wholePart(d) : dflt;
        }
        return dflt;
    }

    private static long wholePart(double d) {
        if (Math.abs(d) >= 0x1p63) {
            throw TemplateException.limit("computes an integer beyond 64 bits");
        }
        return (long) d;
    }

    private static Object indent(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        Object width = Args.get(a, kw, 0, "width", 4L);
        boolean first = Py.truthy(Args.get(a, kw, 1, "first", false));
        boolean blank = Py.truthy(Args.get(a, kw, 2, "blank", false));
        PyStr indention;
        if (width instanceof PyStr w) {
            indention = w;
        } else {
            long n = Args.integer("width", width);
            ev.checkLength(n);
            indention = PyStr.of(" ".repeat((int) Math.max(0, n)));
        }
        PyStr s = Py.str(v).concat(PyStr.of("\n"));
        List<Object> lines = Strings.splitlines(s, false);
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        if (first) {
            out.append(indention);
        }
        for (int i = 0; i < lines.size(); i++) {
            PyStr line = (PyStr) lines.get(i);
            if (i > 0) {
                out.append("\n");
                if (blank || line.length() > 0) {
                    out.append(indention);
                }
            }
            out.append(line);
        }
        return out.toPyStr();
    }

    private static Object join(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        PyStr sep = Py.str(Args.get(a, kw, 0, "d", PyStr.EMPTY));
        Object attribute = Args.get(a, kw, 1, "attribute", null);
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        boolean first = true;
        for (Object item : Values.toList(v, ev)) {
            if (!first) {
                out.append(sep);
            }
            first = false;
            out.append(Py.str(attribute == null ? item : attribute(item, attribute, null)));
        }
        return out.toPyStr();
    }

    /**
     * jinja2's attribute lookup for filters (make_attrgetter): dotted paths, integer parts as
     * indices, and a {@code dflt} (unless null) standing in for an undefined value after each part.
     */
    static Object attribute(Object item, Object attribute, Object dflt) {
        if (!(attribute instanceof PyStr path)) {
            Object v = Values.getItem(item, attribute);
            return dflt != null && v instanceof Undefined ? dflt : v;
        }
        Object v = item;
        for (String part : path.text().split("\\.", -1)) {
            v = part.matches("\\d+") ? Values.getItem(v, Long.parseLong(part)) : Values.getItem(v, PyStr.of(part));
            if (dflt != null && v instanceof Undefined) {
                v = dflt;
            }
        }
        return v;
    }

    private static Object map(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        // jinja2 maps nothing over a false value (None, an empty list) instead of failing.
        List<Object> items = Py.truthy(v) ? Values.toList(v, ev) : List.of();
        List<Object> out = new ArrayList<>(items.size());
        if (kw.containsKey("attribute")) {
            Object attribute = kw.get("attribute");
            for (Object item : items) {
                out.add(attribute(item, attribute, kw.get("default")));
            }
        } else {
            if (a.isEmpty()) {
                throw TemplateException.runtime("map requires a filter argument");
            }
            String name = Args.str("map filter name", a.getFirst()).text();
            if (!exists(name)) {
                throw TemplateException.runtime("No filter named '" + name + "'.");
            }
            List<Object> rest = a.subList(1, a.size());
            for (Object item : items) {
                out.add(apply(ev, name, item, rest, kw));
            }
        }
        return new PyIterator(out.iterator());
    }

    private static Object select(Evaluator ev, Object v, List<Object> a, boolean keep, boolean byAttr) {
        // jinja2 selects nothing from a false value (None, an empty list) instead of failing.
        List<Object> items = Py.truthy(v) ? Values.toList(v, ev) : List.of();
        int next = 0;
        Object attribute = null;
        if (byAttr) {
            if (a.isEmpty()) {
                throw TemplateException.type("missing a required argument: 'attribute'");
            }
            attribute = a.getFirst();
            next = 1;
        }
        String test = a.size() > next ? Args.str("test name", a.get(next)).text() : null;
        if (test != null && !Tests.exists(test)) {
            throw TemplateException.runtime("No test named '" + test + "'.");
        }
        List<Object> testArgs = a.size() > next + 1 ? a.subList(next + 1, a.size()) : List.of();
        List<Object> out = new ArrayList<>();
        for (Object item : items) {
            Object x = byAttr ? attribute(item, attribute, null) : item;
            boolean r = test == null ? Py.truthy(x) : Tests.apply(test, x, testArgs);
            if (r == keep) {
                out.add(item);
            }
        }
        return new PyIterator(out.iterator());
    }

    private static Object ignoreCase(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof PyStr s ? Strings.lower(s) : v;
    }

    private static Comparator<Object> order(boolean caseSensitive, Object attribute) {
        return (x, y) -> {
            Object a = attribute == null ? x : attribute(x, attribute, null);
            Object b = attribute == null ? y : attribute(y, attribute, null);
            return Py.compare(ignoreCase(a, caseSensitive), ignoreCase(b, caseSensitive), "<");
        };
    }

    /** The sort key of jinja2's sort filter: one attribute, or several separated by commas (a list). */
    private static Object sortKey(Object item, Object attribute, boolean caseSensitive) {
        if (attribute == null) {
            return ignoreCase(item, caseSensitive);
        }
        if (!(attribute instanceof PyStr s) || s.text().indexOf(',') < 0) {
            return ignoreCase(attribute(item, attribute, null), caseSensitive);
        }
        List<Object> key = new ArrayList<>();
        for (String part : s.text().split(",", -1)) {
            key.add(ignoreCase(attribute(item, PyStr.of(part), null), caseSensitive));
        }
        return key;
    }

    private static Object sort(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        boolean reverse = Py.truthy(Args.get(a, kw, 0, "reverse", false));
        boolean caseSensitive = Py.truthy(Args.get(a, kw, 1, "case_sensitive", false));
        Object attribute = Args.get(a, kw, 2, "attribute", null);
        List<Object> items = Values.toList(v, ev);
        Comparator<Object> c = (x, y) -> Py.compare(sortKey(x, attribute, caseSensitive),
                sortKey(y, attribute, caseSensitive), "<");
        items.sort(reverse ? c.reversed() : c);
        return items;
    }

    /**
     * jinja2's groupby: sorted by the attribute, consecutive equal keys grouped into
     * {@code (grouper, list)} tuples; without case sensitivity strings group by their lower case
     * and the grouper is the first item's own value.
     */
    private static Object groupby(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        Object attribute = Args.get(a, kw, 0, "attribute", Args.ABSENT);
        if (attribute == Args.ABSENT) {
            throw TemplateException.type("sync_do_groupby() missing 1 required positional argument: 'attribute'");
        }
        Object dflt = Args.get(a, kw, 1, "default", null);
        boolean caseSensitive = Py.truthy(Args.get(a, kw, 2, "case_sensitive", false));
        List<Object> items = Values.toList(v, ev);
        List<Object> keys = new ArrayList<>(items.size());
        for (Object item : items) {
            keys.add(ignoreCase(attribute(item, attribute, dflt), caseSensitive));
        }
        Integer[] order = new Integer[items.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Py.compare(keys.get(x), keys.get(y), "<"));
        List<Object> groups = new ArrayList<>();
        for (int i = 0; i < order.length; ) {
            Object key = keys.get(order[i]);
            List<Object> members = new ArrayList<>();
            int j = i;
            while (j < order.length && Py.equal(keys.get(order[j]), key)) {
                members.add(items.get(order[j++]));
            }
            Object grouper = caseSensitive ? key : attribute(members.getFirst(), attribute, dflt);
            groups.add(new GroupTuple(grouper, members));
            i = j;
        }
        return groups;
    }

    /** jinja2's slice: {@code n} columns, the first ones one longer, the others padded when asked. */
    private static Object slice(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        long slices = Args.integer("slices", arg(a, kw, 0, "slices"));
        Object fill = Args.get(a, kw, 1, "fill_with", null);
        List<Object> items = Values.toList(v, ev);
        if (slices == 0) {
            throw TemplateException.of("ZeroDivisionError", "integer division or modulo by zero");
        }
        ev.spend(Math.max(0, slices));
        int perSlice = (int) (items.size() / Math.max(1, slices));
        long withExtra = slices > 0 ? items.size() % slices : 0;
        List<Object> out = new ArrayList<>();
        int offset = 0;
        for (long k = 0; k < slices; k++) {
            int start = (int) (offset + k * perSlice);
            if (k < withExtra) {
                offset++;
            }
            int end = (int) (offset + (k + 1) * perSlice);
            List<Object> column = new ArrayList<>(items.subList(start, end));
            if (fill != null && k >= withExtra) {
                column.add(fill);
            }
            out.add(column);
        }
        return new PyIterator(out.iterator());
    }

    private static Object dictsort(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        if (!(v instanceof Map<?, ?> m)) {
            throw TemplateException.of("FilterArgumentError", "dictsort filter can only sort dictionaries");
        }
        boolean caseSensitive = Py.truthy(Args.get(a, kw, 0, "case_sensitive", false));
        String by = Py.str(Args.get(a, kw, 1, "by", PyStr.of("key"))).text();
        boolean reverse = Py.truthy(Args.get(a, kw, 2, "reverse", false));
        int pos = switch (by) {
            case "key" -> 0;
            case "value" -> 1;
            default -> throw TemplateException.of("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
        };
        List<Object> pairs = new ArrayList<>();
        m.forEach((k, x) -> pairs.add(new PyTuple(k, x)));
        Comparator<Object> c = (x, y) -> Py.compare(ignoreCase(((PyTuple) x).get(pos), caseSensitive),
                ignoreCase(((PyTuple) y).get(pos), caseSensitive), "<");
        pairs.sort(reverse ? c.reversed() : c);
        return pairs;
    }

    private static Object minMax(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw, boolean max) {
        boolean caseSensitive = Py.truthy(Args.get(a, kw, 0, "case_sensitive", false));
        Object attribute = Args.get(a, kw, 1, "attribute", null);
        List<Object> items = Values.toList(v, ev);
        if (items.isEmpty()) {
            return Undefined.hint("No aggregated item, sequence was empty.");
        }
        Comparator<Object> c = order(caseSensitive, attribute);
        Object best = items.getFirst();
        for (Object x : items) {
            int r = c.compare(x, best);
            if (max ? r > 0 : r < 0) {
                best = x;
            }
        }
        return best;
    }

    private static Object unique(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        boolean caseSensitive = Py.truthy(Args.get(a, kw, 0, "case_sensitive", false));
        Object attribute = Args.get(a, kw, 1, "attribute", null);
        List<Object> seen = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        for (Object x : Values.toList(v, ev)) {
            Object k = ignoreCase(attribute == null ? x : attribute(x, attribute, null), caseSensitive);
            boolean dup = false;
            for (Object s : seen) {
                if (Py.equal(s, k)) {
                    dup = true;
                    break;
                }
            }
            if (!dup) {
                seen.add(k);
                out.add(x);
            }
        }
        return new PyIterator(out.iterator());
    }

    /** jinja2's batch, its loop followed exactly (a size below one puts every item in one batch). */
    private static Object batch(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        Object linecount = arg(a, kw, 0, "linecount");
        Object fill = Args.get(a, kw, 1, "fill_with", null);
        // jinja2 compares the batch's length with linecount: a size that no length equals makes one batch.
        long size = Py.isInt(linecount) ? Py.toLong(linecount)
                : linecount instanceof Double d && d == Math.rint(d) ? (long) (double) d : -1;
        List<Object> out = new ArrayList<>();
        List<Object> chunk = new ArrayList<>();
        for (Object item : Values.toList(v, ev)) {
            if (chunk.size() == size) {
                out.add(chunk);
                chunk = new ArrayList<>();
            }
            chunk.add(item);
        }
        if (!chunk.isEmpty()) {
            if (fill != null && !Py.isNumber(linecount)) {
                Py.compare((long) chunk.size(), linecount, "<");
            }
            if (fill != null && chunk.size() < size) {
                ev.spend(size - chunk.size());
                while (chunk.size() < size) {
                    chunk.add(fill);
                }
            }
            out.add(chunk);
        }
        return new PyIterator(out.iterator());
    }

    /**
     * jinja2's round: Python's round() (ties to even on the double's exact value) for "common",
     * {@code math.ceil/floor(value * 10**precision) / 10**precision} for the others.
     */
    private static Object round(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        long precision = Args.integer("precision", Args.get(a, kw, 0, "precision", 0L));
        String method = Py.str(Args.get(a, kw, 1, "method", PyStr.of("common"))).text();
        if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
            throw TemplateException.of("FilterArgumentError", "method must be common, ceil or floor");
        }
        if (!Py.isNumber(v)) {
            throw TemplateException.type("type " + Py.typeName(v) + " doesn't define __round__ method");
        }
        if (method.equals("common")) {
            if (Py.isInt(v)) {
                // Python rounds an int to an int: only a negative precision changes it.
                if (precision >= 0) {
                    return Py.toLong(v);
                }
                try {
                    return new BigDecimal(Py.toLong(v)).setScale((int) Math.max(precision, -20), RoundingMode.HALF_EVEN)
                            .longValueExact();
                } catch (ArithmeticException e) {
                    throw TemplateException.limit("computes an integer beyond 64 bits");
                }
            }
            double d = Py.toDouble(v);
            if (!Double.isFinite(d)) {
                return d;
            }
            return new BigDecimal(d).setScale((int) Math.max(-400, Math.min(precision, 400)), RoundingMode.HALF_EVEN)
                    .doubleValue();
        }
        double scale = precision >= 0 ? (double) pow10(precision) : Math.pow(10, precision);
        double scaled = Py.toDouble(v) * scale;
        double whole = method.equals("ceil") ? Math.ceil(scaled) : Math.floor(scaled);
        return whole / scale;
    }

    private static double pow10(long n) {
        return n > 308 ? Double.POSITIVE_INFINITY : new BigDecimal(java.math.BigInteger.TEN.pow((int) n)).doubleValue();
    }

    private static Object truncate(Evaluator ev, Object v, List<Object> a, Map<String, Object> kw) {
        PyStr s = Py.str(v);
        long length = Args.integer("length", Args.get(a, kw, 0, "length", 255L));
        boolean killwords = Py.truthy(Args.get(a, kw, 1, "killwords", false));
        PyStr end = Py.str(Args.get(a, kw, 2, "end", PyStr.of("...")));
        long leeway = Args.integer("leeway", Args.get(a, kw, 3, "leeway", 5L));
        long endLength = Values.length(end);
        if (length < endLength) {
            throw TemplateException.of("AssertionError", "expected length >= " + endLength + ", got " + length);
        }
        if (leeway < 0) {
            throw TemplateException.of("AssertionError", "expected leeway >= 0, got " + leeway);
        }
        if (Values.length(s) <= length + leeway) {
            return s;
        }
        PyStr head = (PyStr) Values.slice(s, null, length - endLength, null, ev);
        if (killwords) {
            return head.concat(end);
        }
        int space = head.text().lastIndexOf(' ');
        return (space >= 0 ? head.substring(0, space) : head).concat(end);
    }
}
