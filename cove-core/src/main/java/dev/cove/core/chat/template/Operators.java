package dev.cove.core.chat.template;

import java.util.ArrayList;
import java.util.List;

/** Python's arithmetic operators on template values ({@code + - * / // % **}). */
final class Operators {
    private Operators() {
    }

    static Object arithmetic(String op, Object a, Object b, Evaluator ev) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        if (Py.isNumber(a) && Py.isNumber(b)) {
            return numeric(op, a, b, ev);
        }
        switch (op) {
            case "+" -> {
                if (a instanceof PyStr x) {
                    if (b instanceof PyStr y) {
                        if (x.isMarkup() || y.isMarkup()) {
                            // markupsafe: adding to Markup HTML-escapes the plain side; the sum is Markup.
                            x = x.isMarkup() ? x : Filters.escape(x);
                            y = y.isMarkup() ? y : Filters.escape(y);
                            ev.checkLength((long) x.length() + y.length());
                            return x.concat(y).asMarkup();
                        }
                        ev.checkLength((long) x.length() + y.length());
                        return x.concat(y);
                    }
                    throw TemplateException.type("can only concatenate str (not \"" + Py.typeName(b) + "\") to str");
                }
                if (Py.isPlainList(a)) {
                    List<?> x = (List<?>) a;
                    if (Py.isPlainList(b)) {
                        List<?> y = (List<?>) b;
                        ev.spend(x.size() + y.size());
                        List<Object> out = new ArrayList<>(x);
                        out.addAll(y);
                        return out;
                    }
                    throw TemplateException.type("can only concatenate list (not \"" + Py.typeName(b) + "\") to list");
                }
                if (a instanceof PyTuple x) {
                    if (b instanceof PyTuple y) {
                        ev.spend(x.size() + y.size());
                        List<Object> out = new ArrayList<>(x);
                        out.addAll(y);
                        return new PyTuple(out);
                    }
                    throw TemplateException.type("can only concatenate tuple (not \"" + Py.typeName(b) + "\") to tuple");
                }
            }
            case "*" -> {
                if (Py.isInt(b) && repeatable(a)) {
                    return repeat(a, Py.toLong(b), ev);
                }
                if (Py.isInt(a) && repeatable(b)) {
                    return repeat(b, Py.toLong(a), ev);
                }
                if (repeatable(a)) {
                    throw TemplateException.type("can't multiply sequence by non-int of type '" + Py.typeName(b) + "'");
                }
            }
            case "%" -> {
                if (a instanceof PyStr fmt) {
                    return PercentFormat.format(fmt, b, ev);
                }
            }
            default -> { }
        }
        throw TemplateException.type("unsupported operand type(s) for " + (op.equals("**") ? "** or pow()" : op) + ": '"
                + Py.typeName(a) + "' and '" + Py.typeName(b) + "'");
    }

    private static boolean repeatable(Object v) {
        return v instanceof PyStr || v instanceof PyTuple || Py.isPlainList(v);
    }

    private static Object repeat(Object seq, long times, Evaluator ev) {
        long n = Math.max(0, times);
        if (seq instanceof PyStr s) {
            ev.checkLength(saturatedProduct(s.length(), n));
            TextBuilder out = new TextBuilder();
            for (long i = 0; i < n; i++) {
                out.append(s);
            }
            return out.toPyStr();
        }
        List<?> l = (List<?>) seq;
        ev.spend(saturatedProduct(l.size(), n));
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.addAll(l);
        }
        return seq instanceof PyTuple ? new PyTuple(out) : out;
    }

    private static long saturatedProduct(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        return high != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static Object numeric(String op, Object a, Object b, Evaluator ev) {
        boolean ints = Py.isInt(a) && Py.isInt(b);
        try {
            if (ints) {
                long x = Py.toLong(a);
                long y = Py.toLong(b);
                return switch (op) {
                    case "+" -> Math.addExact(x, y);
                    case "-" -> Math.subtractExact(x, y);
                    case "*" -> Math.multiplyExact(x, y);
                    case "/" -> {
                        if (y == 0) {
                            throw TemplateException.of("ZeroDivisionError", "division by zero");
                        }
                        yield (double) x / y;
                    }
                    case "//" -> {
                        if (y == 0) {
                            throw TemplateException.of("ZeroDivisionError", "integer division or modulo by zero");
                        }
                        yield Math.floorDiv(x, y);
                    }
                    case "%" -> {
                        if (y == 0) {
                            throw TemplateException.of("ZeroDivisionError", "integer division or modulo by zero");
                        }
                        yield Math.floorMod(x, y);
                    }
                    case "**" -> {
                        if (y < 0) {
                            yield (Object) Math.pow(x, y);
                        }
                        yield (Object) power(x, y, ev);
                    }
                    default -> throw new IllegalStateException(op);
                };
            }
        } catch (ArithmeticException e) {
            throw TemplateException.limit("computes an integer beyond 64 bits");
        }
        double x = Py.toDouble(a);
        double y = Py.toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> {
                if (y == 0) {
                    throw TemplateException.of("ZeroDivisionError", "float division by zero");
                }
                yield x / y;
            }
            case "//" -> {
                if (y == 0) {
                    throw TemplateException.of("ZeroDivisionError", "float floor division by zero");
                }
                yield Math.floor(x / y);
            }
            case "%" -> {
                if (y == 0) {
                    throw TemplateException.of("ZeroDivisionError", "float modulo");
                }
                double r = x % y;
                yield r != 0 && (r < 0) != (y < 0) ? r + y : r;
            }
            case "**" -> Math.pow(x, y);
            default -> throw new IllegalStateException(op);
        };
    }

    private static long power(long base, long exp, Evaluator ev) {
        long result = 1;
        long b = base;
        long e = exp;
        while (e > 0) {
            ev.spend(1);
            if ((e & 1) == 1) {
                result = Math.multiplyExact(result, b);
            }
            e >>= 1;
            if (e > 0) {
                b = Math.multiplyExact(b, b);
            }
        }
        return result;
    }
}
