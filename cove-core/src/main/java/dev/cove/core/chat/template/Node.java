package dev.cove.core.chat.template;

import java.util.List;

/** A statement of a parsed template. Immutable; the tree is shared by concurrent renders. */
sealed interface Node {
    int line();

    record Text(String text, int line) implements Node { }

    record Output(Expr expr, int line) implements Node { }

    record If(List<Expr> tests, List<List<Node>> bodies, List<Node> orElse, int line) implements Node { }

    /** {@code recursive}: the body may call {@code loop(items)} to render the loop again, one level deeper. */
    record For(Target target, Expr iterable, Expr condition, boolean recursive, List<Node> body, List<Node> orElse,
               int line) implements Node { }

    record Set(Target target, Expr value, int line) implements Node { }

    /** {@code {% set name %}...{% endset %}}, optionally through filters. */
    record SetBlock(Target target, List<Node> body, List<Expr.Filter> filters, int line) implements Node { }

    /** {@code special}: which of varargs, kwargs and caller the body reads. */
    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body, java.util.Set<String> special,
                 int line) implements Node { }

    /** {@code {% call(params) macro(args) %}body{% endcall %}}: the body becomes {@code caller}. */
    record CallBlock(Expr.Call call, List<String> params, List<Expr> defaults, List<Node> body,
                     java.util.Set<String> special, int line) implements Node { }

    record FilterBlock(List<Expr.Filter> filters, List<Node> body, int line) implements Node { }

    record With(List<Target> targets, List<Expr> values, List<Node> body, int line) implements Node { }

    record Break(int line) implements Node { }

    record Continue(int line) implements Node { }

    /** Where {@code set} and {@code for} store values. */
    sealed interface Target {
        record Name(String name) implements Target { }

        record Tuple(List<Target> items) implements Target { }

        /** {@code ns.attr}: an attribute of a namespace object. */
        record Attribute(String object, String attr) implements Target { }
    }
}
