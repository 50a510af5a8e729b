package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** jinja2's built-in tests ({@code x is defined}, {@code x is string}, ...). */
final class Tests {
    private static final Set<String> NAMES = Set.of("defined", "undefined", "none", "string", "mapping", "iterable",
            "sequence", "number", "integer", "float", "boolean", "true", "false", "callable", "sameas", "eq",
            "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in",
            "divisibleby", "odd", "even", "lower", "upper", "escaped", "filter", "test");

    private Tests() {
    }

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static boolean apply(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof PyStr;
            case "mapping" -> v instanceof Map<?, ?>;
            case "iterable" -> v instanceof PyStr || v instanceof List<?> || v instanceof Map<?, ?>
                    || v instanceof PyIterator || v instanceof Undefined;
            case "sequence" -> v instanceof PyStr || v instanceof List<?> && !(v instanceof DictView) || v instanceof Map<?, ?>
                    || v instanceof Undefined;
            case "number" -> Py.isNumber(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "callable" -> v instanceof PyCallable;
            case "sameas" -> same(v, arg(name, args));
            case "eq", "equalto", "==" -> Py.equal(v, arg(name, args));
            case "ne", "!=" -> !Py.equal(v, arg(name, args));
            case "lt", "lessthan", "<" -> Py.compare(v, arg(name, args), "<") < 0;
            case "le", "<=" -> Py.compare(v, arg(name, args), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Py.compare(v, arg(name, args), ">") > 0;
            case "ge", ">=" -> Py.compare(v, arg(name, args), ">=") >= 0;
            case "in" -> Values.contains(arg(name, args), v);
            case "divisibleby" -> {
                Object d = arg(name, args);
                if (!Py.isNumber(v) || !Py.isNumber(d)) {
                    throw TemplateException.type("unsupported operand type(s) for %: '" + Py.typeName(v) + "' and '"
                            + Py.typeName(d) + "'");
                }
                if (Py.isInt(v) && Py.isInt(d)) {
                    if (Py.toLong(d) == 0) {
                        throw TemplateException.of("ZeroDivisionError", "integer division or modulo by zero");
                    }
                    yield Py.toLong(v) % Py.toLong(d) == 0;
                }
                yield Py.toDouble(v) % Py.toDouble(d) == 0;
            }
            case "odd", "even" -> {
                if (!Py.isInt(v)) {
                    if (v instanceof Undefined u) {
                        throw u.error();
                    }
                    throw TemplateException.type("unsupported operand type(s) for %: '" + Py.typeName(v) + "' and 'int'");
                }
                yield (Py.toLong(v) % 2 != 0) == name.equals("odd");
            }
            case "lower" -> Strings.isLower(Py.str(v));
            case "upper" -> Strings.isUpper(Py.str(v));
            // Markup (from safe or escape) is what markupsafe calls escaped.
            case "escaped" -> v instanceof PyStr s && s.isMarkup();
            case "filter" -> v instanceof PyStr s && Filters.exists(s.text());
            case "test" -> v instanceof PyStr s && exists(s.text());
            default -> throw TemplateException.runtime("No test named '" + name + "' found.");
        };
    }

    private static Object arg(String test, List<Object> args) {
        if (args.isEmpty()) {
            throw TemplateException.type("test_" + test + "() missing 1 required positional argument");
        }
        return args.getFirst();
    }

    /** Python's {@code is}: identity for objects, value for the interned singletons and small values. */
    private static boolean same(Object a, Object b) {
        if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) {
            return a == b || a != null && a.equals(b);
        }
        if (a instanceof Long x && b instanceof Long y) {
            return x.equals(y) && x >= -5 && x <= 256;
        }
        return a == b;
    }
}
