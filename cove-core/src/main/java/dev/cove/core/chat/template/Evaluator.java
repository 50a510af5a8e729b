package dev.cove.core.chat.template;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Renders a parsed template: one instance per render (it holds the output and the limit
 * counters), so a compiled {@link ChatTemplate} is shared safely between threads.
 */
final class Evaluator {
    private enum Flow { NORMAL, BREAK, CONTINUE }

    private final Limits limits;
    private final long deadline;
    private final Supplier<LocalDateTime> now;
    private long budget;
    private int callDepth;
    private int ticks;
    private TextBuilder out;

    Evaluator(Limits limits, Supplier<LocalDateTime> now) {
        this.limits = limits;
        this.now = now;
        this.budget = limits.maxLoopIterations();
        this.deadline = System.nanoTime() + limits.maxTime().toNanos();
    }

    Rendering render(List<Node> nodes, Map<String, Object> context) {
        Scope globals = new Scope(null);
        Globals.install(globals, this);
        Scope top = new Scope(globals);
        context.forEach(top::set);
        out = new TextBuilder(limits.maxOutputChars());
        try {
            execAll(nodes, top);
        } catch (StackOverflowError e) {
            throw TemplateException.limit("nests calls or expressions too deeply for the stack");
        } catch (TemplateException e) {
            throw e;
        } catch (RuntimeException e) {
            // A safety net for hostile input: an engine bug must not escape as an arbitrary exception.
            throw TemplateException.internal(e);
        }
        return new Rendering(out.text(), out.contentBits());
    }

    LocalDateTime now() {
        return now.get();
    }

    Limits limits() {
        return limits;
    }

    // ---- limits ----

    private void tick() {
        if ((++ticks & 255) == 0 && System.nanoTime() > deadline) {
            throw TemplateException.limit("ran longer than " + limits.maxTime().toMillis() + " ms");
        }
    }

    /** Charges {@code n} units of work (loop iterations, built items) to the render's budget. */
    void spend(long n) {
        budget -= n;
        if (budget < 0) {
            throw TemplateException.limit("exceeds " + limits.maxLoopIterations() + " loop iterations and built items");
        }
        tick();
    }

    /** Fails when a string about to be built would be longer than the output may be. */
    void checkLength(long chars) {
        if (chars > limits.maxOutputChars()) {
            throw TemplateException.limit("builds a string longer than " + limits.maxOutputChars() + " characters");
        }
    }

    // ---- statements ----

    private Flow execAll(List<Node> nodes, Scope scope) {
        for (Node n : nodes) {
            Flow f = exec(n, scope);
            if (f != Flow.NORMAL) {
                return f;
            }
        }
        return Flow.NORMAL;
    }

    private Flow exec(Node node, Scope scope) {
        tick();
        try {
            switch (node) {
                case Node.Text t -> out.append(t.text());
                case Node.Output o -> out.append(Py.str(eval(o.expr(), scope)));
                case Node.If i -> {
                    for (int k = 0; k < i.tests().size(); k++) {
                        if (Py.truthy(eval(i.tests().get(k), scope))) {
                            return execAll(i.bodies().get(k), scope);
                        }
                    }
                    return execAll(i.orElse(), scope);
                }
                case Node.For f -> {
                    return forLoop(f, scope);
                }
                case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope);
                case Node.SetBlock s -> {
                    PyStr text = capture(s.body(), new Scope(scope));
                    Object v = text;
                    for (Expr.Filter f : s.filters()) {
                        v = applyFilter(f, v, scope);
                    }
                    assign(s.target(), v, scope);
                }
                case Node.Macro m -> scope.set(m.name(), new Macro(m.name(), m.params(), m.defaults(), m.body(), scope, m.special()));
                case Node.CallBlock c -> {
                    Macro caller = new Macro("caller", c.params(), c.defaults(), c.body(), scope, c.special());
                    out.append(Py.str(call(c.call(), scope, caller)));
                }
                case Node.FilterBlock fb -> {
                    Object v = capture(fb.body(), new Scope(scope));
                    for (Expr.Filter f : fb.filters()) {
                        v = applyFilter(f, v, scope);
                    }
                    out.append(Py.str(v));
                }
                case Node.With w -> {
                    Scope inner = new Scope(scope);
                    for (int k = 0; k < w.targets().size(); k++) {
                        assign(w.targets().get(k), eval(w.values().get(k), scope), inner);
                    }
                    return execAll(w.body(), inner);
                }
                case Node.Break b -> {
                    return Flow.BREAK;
                }
                case Node.Continue c -> {
                    return Flow.CONTINUE;
                }
            }
            return Flow.NORMAL;
        } catch (TemplateException e) {
            throw e.at(node.line());
        }
    }

    private Flow forLoop(Node.For f, Scope scope) {
        return loopOver(f, eval(f.iterable(), scope), scope, 0);
    }

    /** One level of a for-loop over {@code iterable}; a recursive loop's {@code loop(items)} comes back here. */
    private Flow loopOver(Node.For f, Object iterable, Scope scope, int depth0) {
        List<Object> items = Values.toList(iterable, this);
        Scope loopScope = new Scope(scope);
        if (f.condition() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                spend(1);
                assign(f.target(), item, loopScope);
                if (Py.truthy(eval(f.condition(), loopScope))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            return execAll(f.orElse(), scope);
        }
        // As in jinja2, the recursive call renders in the scope the loop started in, not the iteration's.
        LoopContext loop = new LoopContext(items, depth0, f.recursive()
                ? (ev, inner, depth) -> recurse(f, inner, scope, depth) : null);
        for (int i = 0; i < items.size(); i++) {
            spend(1);
            loop.index0 = i;
            // As in jinja2, what one iteration sets is gone in the next: a fresh scope each time.
            Scope iteration = new Scope(scope);
            assign(f.target(), items.get(i), iteration);
            iteration.set("loop", loop);
            if (execAll(f.body(), iteration) == Flow.BREAK) {
                break;
            }
        }
        return Flow.NORMAL;
    }

    /** {@code loop(items)} of a recursive loop: the loop rendered into a string, bounded like a macro call. */
    private PyStr recurse(Node.For f, Object items, Scope scope, int depth0) {
        enterCall("nests recursive loop calls deeper than ");
        TextBuilder saved = out;
        out = new TextBuilder(limits.maxOutputChars());
        try {
            loopOver(f, items, scope, depth0);
            return out.toPyStr();
        } finally {
            out = saved;
            callDepth--;
        }
    }

    private void enterCall(String what) {
        if (++callDepth > limits.maxCallDepth()) {
            callDepth--;
            throw TemplateException.limit(what + limits.maxCallDepth());
        }
    }

    private void assign(Node.Target target, Object value, Scope scope) {
        switch (target) {
            case Node.Target.Name n -> scope.set(n.name(), value);
            case Node.Target.Attribute a -> {
                Object ns = scope.lookup(a.object());
                if (!(ns instanceof Namespace namespace)) {
                    throw TemplateException.runtime("cannot assign attribute on non-namespace object");
                }
                namespace.attrs.put(a.attr(), value);
            }
            case Node.Target.Tuple t -> {
                if (!(value instanceof List<?> || value instanceof Map<?, ?> || value instanceof PyStr
                        || value instanceof PyIterator || value instanceof Undefined)) {
                    throw TemplateException.type("cannot unpack non-iterable " + Py.typeName(value) + " object");
                }
                List<Object> items = Values.toList(value, this);
                if (items.size() < t.items().size()) {
                    throw TemplateException.value("not enough values to unpack (expected " + t.items().size()
                            + ", got " + items.size() + ")");
                }
                if (items.size() > t.items().size()) {
                    throw TemplateException.value("too many values to unpack (expected " + t.items().size() + ")");
                }
                for (int k = 0; k < items.size(); k++) {
                    assign(t.items().get(k), items.get(k), scope);
                }
            }
        }
    }

    /** Renders {@code body} into a string of its own (set blocks, macros, filter blocks). */
    private PyStr capture(List<Node> body, Scope scope) {
        TextBuilder saved = out;
        out = new TextBuilder(limits.maxOutputChars());
        try {
            execAll(body, scope);
            return out.toPyStr();
        } finally {
            out = saved;
        }
    }

    Object callMacro(Macro m, List<Object> args, Map<String, Object> kwargs) {
        enterCall("nests macro calls deeper than ");
        try {
            Scope s = new Scope(m.closure());
            Map<String, Object> rest = new LinkedHashMap<>(kwargs);
            Object caller = rest.remove("caller");
            if (caller != null && !m.special().contains("caller")) {
                throw TemplateException.type("macro '" + m.name() + "' was invoked with two values for the special "
                        + "caller argument. This is most likely a bug.");
            }
            if (args.size() > m.params().size() && !m.special().contains("varargs")) {
                throw TemplateException.type("macro '" + m.name() + "' takes not more than " + m.params().size()
                        + " argument(s)");
            }
            int firstDefault = m.params().size() - m.defaults().size();
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                Object v;
                if (i < args.size()) {
                    v = args.get(i);
                } else if (rest.containsKey(p)) {
                    v = rest.remove(p);
                } else if (i >= firstDefault) {
                    v = eval(m.defaults().get(i - firstDefault), s);
                } else {
                    v = Undefined.hint("parameter '" + p + "' was not provided");
                }
                s.set(p, v);
            }
            if (!rest.isEmpty() && !m.special().contains("kwargs")) {
                throw TemplateException.type("macro '" + m.name() + "' takes no keyword argument '"
                        + rest.keySet().iterator().next() + "'");
            }
            List<Object> varargs = args.size() > m.params().size()
                    ? args.subList(m.params().size(), args.size()) : List.of();
            s.set("varargs", new PyTuple(new ArrayList<>(varargs)));
            Map<Object, Object> kw = new LinkedHashMap<>();
            rest.forEach((k, v) -> kw.put(PyStr.of(k), v));
            s.set("kwargs", kw);
            if (caller != null) {
                s.set("caller", caller);
            }
            return capture(m.body(), s);
        } finally {
            callDepth--;
        }
    }

    // ---- expressions ----

    Object eval(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Literal l -> l.value();
            case Expr.Name n -> scope.lookup(n.name());
            case Expr.Attr a -> Values.getAttr(eval(a.object(), scope), a.name());
            case Expr.Item i -> Values.getItem(eval(i.object(), scope), eval(i.key(), scope));
            case Expr.Slice s -> Values.slice(eval(s.object(), scope), evalOrNull(s.start(), scope),
                    evalOrNull(s.stop(), scope), evalOrNull(s.step(), scope), this);
            case Expr.Call c -> call(c, scope, null);
            case Expr.Filter f -> applyFilter(f, eval(f.value(), scope), scope);
            case Expr.Test t -> {
                if (!t.known()) {
                    throw TemplateException.runtime("No test named '" + t.name() + "' found.");
                }
                List<Object> args = new ArrayList<>();
                for (Expr a : t.args()) {
                    args.add(eval(a, scope));
                }
                boolean r = Tests.apply(t.name(), eval(t.value(), scope), args);
                yield t.negated() != r;
            }
            case Expr.Unary u -> unary(u.op(), eval(u.operand(), scope));
            case Expr.Binary b -> binary(b, scope);
            case Expr.Compare c -> compare(c, scope);
            case Expr.Cond c -> Py.truthy(eval(c.test(), scope)) ? eval(c.then(), scope)
                    : c.orElse() == null ? Undefined.hint("the inline if-expression on line " + c.line()
                            + " evaluated to false and no else section was defined.") : eval(c.orElse(), scope);
            case Expr.ListLit l -> {
                List<Object> items = new ArrayList<>(l.items().size());
                for (Expr x : l.items()) {
                    items.add(eval(x, scope));
                }
                yield items;
            }
            case Expr.TupleLit t -> {
                List<Object> items = new ArrayList<>(t.items().size());
                for (Expr x : t.items()) {
                    items.add(eval(x, scope));
                }
                yield new PyTuple(items);
            }
            case Expr.DictLit d -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int k = 0; k < d.keys().size(); k++) {
                    map.put(Values.key(eval(d.keys().get(k), scope)), eval(d.values().get(k), scope));
                }
                yield map;
            }
        };
    }

    private Object evalOrNull(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private Object call(Expr.Call c, Scope scope, Macro caller) {
        Object callee = eval(c.callee(), scope);
        List<Object> args = new ArrayList<>(c.args().size());
        for (Expr a : c.args()) {
            args.add(eval(a, scope));
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (int k = 0; k < c.kwNames().size(); k++) {
            kwargs.put(c.kwNames().get(k), eval(c.kwValues().get(k), scope));
        }
        if (caller != null) {
            kwargs.put("caller", caller);
        }
        if (callee instanceof Undefined u) {
            throw u.error();
        }
        if (callee instanceof PyCallable f) {
            return f.call(this, args, kwargs);
        }
        throw TemplateException.type("'" + Py.typeName(callee) + "' object is not callable");
    }

    private Object applyFilter(Expr.Filter f, Object value, Scope scope) {
        if (!f.known()) {
            throw TemplateException.runtime("No filter named '" + f.name() + "' found.");
        }
        List<Object> args = new ArrayList<>(f.args().size());
        for (Expr a : f.args()) {
            args.add(eval(a, scope));
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (int k = 0; k < f.kwNames().size(); k++) {
            kwargs.put(f.kwNames().get(k), eval(f.kwValues().get(k), scope));
        }
        return Filters.apply(this, f.name(), value, args, kwargs);
    }

    private Object unary(String op, Object v) {
        if (op.equals("not")) {
            return !Py.truthy(v);
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        if (v instanceof Boolean || v instanceof Long) {
            long x = Py.toLong(v);
            if (op.equals("-") && x == Long.MIN_VALUE) {
                throw TemplateException.limit("computes an integer beyond 64 bits");
            }
            return op.equals("-") ? -x : x;
        }
        if (v instanceof Double d) {
            return op.equals("-") ? -d : d;
        }
        throw TemplateException.type("bad operand type for unary " + op + ": '" + Py.typeName(v) + "'");
    }

    private Object binary(Expr.Binary b, Scope scope) {
        Object left = eval(b.left(), scope);
        switch (b.op()) {
            case "and" -> {
                return Py.truthy(left) ? eval(b.right(), scope) : left;
            }
            case "or" -> {
                return Py.truthy(left) ? left : eval(b.right(), scope);
            }
            case "~" -> {
                PyStr l = Py.str(left);
                PyStr r = Py.str(eval(b.right(), scope));
                checkLength((long) l.length() + r.length());
                return l.concat(r);
            }
            default -> {
                return Operators.arithmetic(b.op(), left, eval(b.right(), scope), this);
            }
        }
    }

    private Object compare(Expr.Compare c, Scope scope) {
        Object left = eval(c.operands().getFirst(), scope);
        for (int k = 0; k < c.ops().size(); k++) {
            Object right = eval(c.operands().get(k + 1), scope);
            String op = c.ops().get(k);
            boolean r = switch (op) {
                case "==" -> Py.equal(left, right);
                case "!=" -> !Py.equal(left, right);
                case "<" -> Py.compare(left, right, op) < 0;
                case ">" -> Py.compare(left, right, op) > 0;
                case "<=" -> Py.compare(left, right, op) <= 0;
                case ">=" -> Py.compare(left, right, op) >= 0;
                case "in" -> Values.contains(right, left);
                default -> !Values.contains(right, left);
            };
            if (!r) {
                return false;
            }
            left = right;
        }
        return true;
    }
}
