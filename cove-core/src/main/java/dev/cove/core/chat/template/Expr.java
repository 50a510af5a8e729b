package dev.cove.core.chat.template;

import java.util.List;

/** An expression of a parsed template. Immutable. */
sealed interface Expr {
    int line();

    record Literal(Object value, int line) implements Expr { }

    record Name(String name, int line) implements Expr { }

    record Attr(Expr object, String name, int line) implements Expr { }

    record Item(Expr object, Expr key, int line) implements Expr { }

    /** {@code obj[start:stop:step]}; absent parts are null. */
    record Slice(Expr object, Expr start, Expr stop, Expr step, int line) implements Expr { }

    record Call(Expr callee, List<Expr> args, List<String> kwNames, List<Expr> kwValues, int line) implements Expr { }

    /** {@code value|name(args)}; {@code value} is null in filter blocks; {@code known} false when
     *  the filter did not exist at compile time (an error only if it is reached). */
    record Filter(Expr value, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues,
                  boolean known, int line) implements Expr { }

    record Test(Expr value, String name, List<Expr> args, boolean negated, boolean known, int line)
            implements Expr { }

    record Unary(String op, Expr operand, int line) implements Expr { }

    record Binary(String op, Expr left, Expr right, int line) implements Expr { }

    /** {@code a < b <= c}: ops.get(i) compares operands i and i+1. */
    record Compare(List<Expr> operands, List<String> ops, int line) implements Expr { }

    record Cond(Expr test, Expr then, Expr orElse, int line) implements Expr { }

    record ListLit(List<Expr> items, int line) implements Expr { }

    record TupleLit(List<Expr> items, int line) implements Expr { }

    record DictLit(List<Expr> keys, List<Expr> values, int line) implements Expr { }
}
