package dev.cove.core.chat.template;

import dev.cove.core.chat.template.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser from tokens to the statement tree, with jinja2's grammar and operator
 * precedence (condexpr, or, and, not, comparisons, + -, ~, * / // %, **, unary, postfix, filters
 * and tests). An unknown filter or test is an error at compile time, except inside an if-block or
 * conditional expression, where jinja2 defers it to the moment it runs.
 */
final class Parser {
    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", ">", "<=", ">=");
    private static final int MAX_NESTING = 200;

    private final List<Token> tokens;
    private int pos;
    /** Inside an if-block or conditional expression (jinja2's soft frame). */
    private boolean soft;
    private int nesting;
    /** Names read inside each macro or call-block body being parsed (to know which use varargs, kwargs, caller). */
    private final java.util.ArrayDeque<java.util.Set<String>> referenced = new java.util.ArrayDeque<>();

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Node> body = p.body(Set.of(), null);
        if (p.peek().type() != Type.EOF) {
            Token t = p.peek();
            throw TemplateException.syntax("Encountered unknown tag '" + t.text() + "'.", t.line());
        }
        return body;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.type() != Type.EOF) {
            pos++;
        }
        return t;
    }

    private Token expect(Type type, String what) {
        Token t = peek();
        if (t.type() != type) {
            throw TemplateException.syntax("expected " + what + ", got " + t.describe(), t.line());
        }
        return next();
    }

    private void expectOp(String op) {
        Token t = peek();
        if (!t.isOp(op)) {
            throw TemplateException.syntax("expected token '" + op + "', got " + t.describe(), t.line());
        }
        next();
    }

    private boolean acceptOp(String op) {
        if (peek().isOp(op)) {
            next();
            return true;
        }
        return false;
    }

    private boolean acceptName(String name) {
        if (peek().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    private void enter(int line) {
        if (++nesting > MAX_NESTING) {
            throw TemplateException.syntax("the template nests deeper than " + MAX_NESTING + " levels", line);
        }
    }

    /**
     * Statements until one of {@code endTags} (left unconsumed after its {@code {%}) or the end.
     * {@code opener} names the block being closed, for the error when the end comes first.
     */
    private List<Node> body(Set<String> endTags, String opener) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.type()) {
                case DATA -> nodes.add(new Node.Text(next().text(), t.line()));
                case VAR_BEGIN -> {
                    next();
                    Expr e = tuple(true);
                    expect(Type.VAR_END, "end of print statement");
                    nodes.add(new Node.Output(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token name = peek(1);
                    if (name.type() == Type.NAME && endTags.contains(name.text())) {
                        next();
                        return nodes;
                    }
                    next();
                    nodes.add(statement());
                }
                case EOF -> {
                    if (opener != null) {
                        throw TemplateException.syntax("Unexpected end of template. Jinja was looking for the "
                                + "following tags: " + describe(endTags) + ". The innermost block that needs to be closed is '"
                                + opener + "'.", t.line());
                    }
                    return nodes;
                }
                default -> throw TemplateException.syntax("unexpected " + t.describe(), t.line());
            }
        }
    }

    private static String describe(Set<String> tags) {
        List<String> sorted = new ArrayList<>(tags);
        sorted.sort(null);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sorted.size(); i++) {
            sb.append(i == 0 ? "" : i == sorted.size() - 1 ? " or " : ", ").append('\'').append(sorted.get(i)).append('\'');
        }
        return sb.toString();
    }

    /** The tag name after {@code {%} has been read up to; consumes it and the closing {@code %}}. */
    private void endTag(String name) {
        Token t = expect(Type.NAME, "'" + name + "'");
        if (!t.text().equals(name)) {
            throw TemplateException.syntax("expected '" + name + "', got '" + t.text() + "'", t.line());
        }
        expect(Type.BLOCK_END, "end of statement block");
    }

    private Node statement() {
        Token t = peek();
        if (t.type() != Type.NAME) {
            throw TemplateException.syntax("tag name expected", t.line());
        }
        enter(t.line());
        try {
            return switch (t.text()) {
                case "if" -> ifStatement();
                case "for" -> forStatement();
                case "set" -> setStatement();
                case "macro" -> macro();
                case "call" -> callBlock();
                case "filter" -> filterBlock();
                case "with" -> withStatement();
                case "generation" -> generation();
                case "break", "continue" -> {
                    next();
                    expect(Type.BLOCK_END, "end of statement block");
                    yield t.text().equals("break") ? new Node.Break(t.line()) : new Node.Continue(t.line());
                }
                case "include", "import", "from", "extends", "block" -> throw TemplateException.syntax(
                        "'" + t.text() + "' is not supported in chat templates (they are rendered on their own)", t.line());
                default -> throw TemplateException.syntax("Encountered unknown tag '" + t.text() + "'.", t.line());
            };
        } finally {
            nesting--;
        }
    }

    private Node ifStatement() {
        int line = next().line();
        boolean wasSoft = soft;
        soft = true;
        try {
            List<Expr> tests = new ArrayList<>();
            List<List<Node>> bodies = new ArrayList<>();
            tests.add(tuple(false));
            expect(Type.BLOCK_END, "end of statement block");
            while (true) {
                List<Node> b = body(Set.of("elif", "else", "endif"), "if");
                bodies.add(b);
                Token tag = next();
                switch (tag.text()) {
                    case "elif" -> {
                        tests.add(tuple(false));
                        expect(Type.BLOCK_END, "end of statement block");
                    }
                    case "else" -> {
                        expect(Type.BLOCK_END, "end of statement block");
                        List<Node> orElse = body(Set.of("endif"), "if");
                        endTag("endif");
                        return new Node.If(tests, bodies, orElse, line);
                    }
                    default -> {
                        expect(Type.BLOCK_END, "end of statement block");
                        return new Node.If(tests, bodies, List.of(), line);
                    }
                }
            }
        } finally {
            soft = wasSoft;
        }
    }

    private Node forStatement() {
        int line = next().line();
        Node.Target target = assignTarget(true);
        if (!acceptName("in")) {
            throw TemplateException.syntax("expected 'in', got " + peek().describe(), peek().line());
        }
        Expr iterable = tuple(false);
        Expr condition = null;
        if (acceptName("if")) {
            condition = expression(false);
        }
        boolean recursive = acceptName("recursive");
        expect(Type.BLOCK_END, "end of statement block");
        boolean wasSoft = soft;
        soft = false;
        try {
            List<Node> body = body(Set.of("endfor", "else"), "for");
            List<Node> orElse = List.of();
            if (next().text().equals("else")) {
                expect(Type.BLOCK_END, "end of statement block");
                orElse = body(Set.of("endfor"), "for");
                next();
            }
            expect(Type.BLOCK_END, "end of statement block");
            return new Node.For(target, iterable, condition, recursive, body, orElse, line);
        } finally {
            soft = wasSoft;
        }
    }

    /**
     * A name, {@code ns.attr}, or (when allowed) a tuple of targets, parentheses optional and nesting
     * allowed, as in {@code for a, (b, c) in ...}.
     */
    private Node.Target assignTarget(boolean allowTuple) {
        if (!allowTuple) {
            return targetPrimary();
        }
        List<Node.Target> items = new ArrayList<>();
        boolean comma = false;
        while (true) {
            items.add(targetPrimary());
            if (!acceptOp(",")) {
                break;
            }
            comma = true;
            if (!peek().isOp("(") && (peek().type() != Type.NAME || peek().isName("in"))) {
                break;
            }
        }
        return items.size() == 1 && !comma ? items.getFirst() : new Node.Target.Tuple(items);
    }

    private Node.Target targetPrimary() {
        if (acceptOp("(")) {
            Node.Target inner = assignTarget(true);
            expectOp(")");
            return inner;
        }
        Token name = expect(Type.NAME, "a variable name");
        if (acceptOp(".")) {
            Token attr = expect(Type.NAME, "an attribute name");
            return new Node.Target.Attribute(name.text(), attr.text());
        }
        return new Node.Target.Name(name.text());
    }

    private Node setStatement() {
        int line = next().line();
        Node.Target target = assignTarget(true);
        if (acceptOp("=")) {
            Expr value = tuple(true);
            expect(Type.BLOCK_END, "end of statement block");
            return new Node.Set(target, value, line);
        }
        List<Expr.Filter> filters = new ArrayList<>();
        while (acceptOp("|")) {
            filters.add(filter(null));
        }
        expect(Type.BLOCK_END, "end of statement block");
        boolean wasSoft = soft;
        soft = false;
        try {
            List<Node> body = body(Set.of("endset"), "set");
            endTag("endset");
            return new Node.SetBlock(target, body, filters, line);
        } finally {
            soft = wasSoft;
        }
    }

    private Node macro() {
        int line = next().line();
        String name = expect(Type.NAME, "a macro name").text();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        signature(params, defaults);
        expect(Type.BLOCK_END, "end of statement block");
        boolean wasSoft = soft;
        soft = false;
        referenced.push(new java.util.HashSet<>());
        try {
            List<Node> body = body(Set.of("endmacro"), "macro");
            endTag("endmacro");
            return new Node.Macro(name, params, defaults, body, special(referenced.peek()), line);
        } finally {
            referenced.pop();
            soft = wasSoft;
        }
    }

    /** Which of jinja2's implicit macro variables a body reads; only those accept extra arguments. */
    private static Set<String> special(Set<String> names) {
        Set<String> out = new java.util.HashSet<>(names);
        out.retainAll(Set.of("varargs", "kwargs", "caller"));
        return Set.copyOf(out);
    }

    /** {@code (a, b=1)}; a parameter without a default after one with is an error, as in Python. */
    private void signature(List<String> params, List<Expr> defaults) {
        expectOp("(");
        while (!peek().isOp(")")) {
            if (!params.isEmpty()) {
                expectOp(",");
                if (peek().isOp(")")) {
                    break;
                }
            }
            Token p = expect(Type.NAME, "a parameter name");
            params.add(p.text());
            if (acceptOp("=")) {
                defaults.add(expression(true));
            } else if (!defaults.isEmpty()) {
                throw TemplateException.syntax("non-default argument follows default argument", p.line());
            }
        }
        expectOp(")");
    }

    private Node callBlock() {
        int line = next().line();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        if (peek().isOp("(")) {
            signature(params, defaults);
        }
        Expr call = expression(true);
        if (!(call instanceof Expr.Call c)) {
            throw TemplateException.syntax("expected call", line);
        }
        expect(Type.BLOCK_END, "end of statement block");
        boolean wasSoft = soft;
        soft = false;
        referenced.push(new java.util.HashSet<>());
        try {
            List<Node> body = body(Set.of("endcall"), "call");
            endTag("endcall");
            return new Node.CallBlock(c, params, defaults, body, special(referenced.peek()), line);
        } finally {
            referenced.pop();
            soft = wasSoft;
        }
    }

    private Node filterBlock() {
        int line = next().line();
        List<Expr.Filter> filters = new ArrayList<>();
        filters.add(filter(null));
        while (acceptOp("|")) {
            filters.add(filter(null));
        }
        expect(Type.BLOCK_END, "end of statement block");
        boolean wasSoft = soft;
        soft = false;
        try {
            List<Node> body = body(Set.of("endfilter"), "filter");
            endTag("endfilter");
            return new Node.FilterBlock(filters, body, line);
        } finally {
            soft = wasSoft;
        }
    }

    private Node withStatement() {
        int line = next().line();
        List<Node.Target> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (peek().type() != Type.BLOCK_END) {
            if (!targets.isEmpty()) {
                expectOp(",");
            }
            targets.add(assignTarget(false));
            expectOp("=");
            values.add(expression(true));
        }
        next();
        boolean wasSoft = soft;
        soft = false;
        try {
            List<Node> body = body(Set.of("endwith"), "with");
            endTag("endwith");
            return new Node.With(targets, values, body, line);
        } finally {
            soft = wasSoft;
        }
    }

    /** transformers' {@code {% generation %}}: renders its body unchanged. */
    private Node generation() {
        int line = next().line();
        expect(Type.BLOCK_END, "end of statement block");
        List<Node> body = body(Set.of("endgeneration"), "generation");
        endTag("endgeneration");
        return new Node.With(List.of(), List.of(), body, line);
    }

    // ---- expressions ----

    /** An expression, or a tuple of them when commas follow (as in {@code {{ a, b }}}). */
    private Expr tuple(boolean withCondExpr) {
        int line = peek().line();
        Expr first = expression(withCondExpr);
        if (!peek().isOp(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>();
        items.add(first);
        while (acceptOp(",")) {
            if (endsTuple(peek())) {
                break;
            }
            items.add(expression(withCondExpr));
        }
        return new Expr.TupleLit(items, line);
    }

    private static boolean endsTuple(Token t) {
        return t.type() == Type.VAR_END || t.type() == Type.BLOCK_END || t.type() == Type.EOF
                || t.isOp(")") || t.isOp("]") || t.isOp("}") || t.isName("if") || t.isName("recursive");
    }

    private Expr expression(boolean withCondExpr) {
        Token start = peek();
        enter(start.line());
        try {
            return withCondExpr ? condExpr() : or();
        } finally {
            nesting--;
        }
    }

    private Expr condExpr() {
        Expr e = or();
        while (peek().isName("if")) {
            int line = next().line();
            boolean wasSoft = soft;
            soft = true;
            try {
                Expr test = or();
                Expr orElse = null;
                if (acceptName("else")) {
                    orElse = condExpr();
                }
                e = new Expr.Cond(test, e, orElse, line);
            } finally {
                soft = wasSoft;
            }
        }
        return e;
    }

    private Expr or() {
        Expr e = and();
        while (peek().isName("or")) {
            int line = next().line();
            e = new Expr.Binary("or", e, and(), line);
        }
        return e;
    }

    private Expr and() {
        Expr e = not();
        while (peek().isName("and")) {
            int line = next().line();
            e = new Expr.Binary("and", e, not(), line);
        }
        return e;
    }

    private Expr not() {
        if (peek().isName("not")) {
            int line = next().line();
            enter(line);
            try {
                return new Expr.Unary("not", not(), line);
            } finally {
                nesting--;
            }
        }
        return compare();
    }

    private Expr compare() {
        int line = peek().line();
        Expr first = math1();
        List<Expr> operands = null;
        List<String> ops = null;
        while (true) {
            Token t = peek();
            String op;
            if (t.type() == Type.OP && COMPARE_OPS.contains(t.text())) {
                next();
                op = t.text();
            } else if (t.isName("in")) {
                next();
                op = "in";
            } else if (t.isName("not") && peek(1).isName("in")) {
                next();
                next();
                op = "notin";
            } else {
                break;
            }
            if (operands == null) {
                operands = new ArrayList<>();
                ops = new ArrayList<>();
                operands.add(first);
            }
            ops.add(op);
            operands.add(math1());
        }
        return operands == null ? first : new Expr.Compare(operands, ops, line);
    }

    private Expr math1() {
        Expr e = concat();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token t = next();
            e = new Expr.Binary(t.text(), e, concat(), t.line());
        }
        return e;
    }

    private Expr concat() {
        Expr e = math2();
        while (peek().isOp("~")) {
            Token t = next();
            e = new Expr.Binary("~", e, math2(), t.line());
        }
        return e;
    }

    private Expr math2() {
        Expr e = pow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            Token t = next();
            e = new Expr.Binary(t.text(), e, pow(), t.line());
        }
        return e;
    }

    private Expr pow() {
        Expr e = unary(true);
        while (peek().isOp("**")) {
            Token t = next();
            e = new Expr.Binary("**", e, unary(true), t.line());
        }
        return e;
    }

    private Expr unary(boolean withFilter) {
        Token t = peek();
        Expr e;
        if (t.isOp("-") || t.isOp("+")) {
            next();
            enter(t.line());
            try {
                e = new Expr.Unary(t.text(), unary(false), t.line());
            } finally {
                nesting--;
            }
        } else {
            e = primary();
        }
        e = postfix(e);
        return withFilter ? filterExpr(e) : e;
    }

    private Expr primary() {
        Token t = next();
        switch (t.type()) {
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Expr.Literal(Boolean.TRUE, t.line());
                    case "false", "False" -> new Expr.Literal(Boolean.FALSE, t.line());
                    case "none", "None" -> new Expr.Literal(null, t.line());
                    default -> {
                        for (java.util.Set<String> names : referenced) {
                            names.add(t.text());
                        }
                        yield new Expr.Name(t.text(), t.line());
                    }
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.text());
                while (peek().type() == Type.STRING) {
                    sb.append(next().text());
                }
                return new Expr.Literal(PyStr.of(sb.toString()), t.line());
            }
            case INT -> {
                try {
                    return new Expr.Literal(Long.parseLong(t.text()), t.line());
                } catch (NumberFormatException e) {
                    throw TemplateException.syntax("integer literal too large", t.line());
                }
            }
            case FLOAT -> {
                return new Expr.Literal(Double.parseDouble(t.text()), t.line());
            }
            case OP -> {
                switch (t.text()) {
                    case "(" -> {
                        if (acceptOp(")")) {
                            return new Expr.TupleLit(List.of(), t.line());
                        }
                        Expr first = expression(true);
                        if (acceptOp(")")) {
                            return first;
                        }
                        List<Expr> items = new ArrayList<>();
                        items.add(first);
                        while (acceptOp(",")) {
                            if (peek().isOp(")")) {
                                break;
                            }
                            items.add(expression(true));
                        }
                        expectOp(")");
                        return new Expr.TupleLit(items, t.line());
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        while (!peek().isOp("]")) {
                            if (!items.isEmpty()) {
                                expectOp(",");
                                if (peek().isOp("]")) {
                                    break;
                                }
                            }
                            items.add(expression(true));
                        }
                        expectOp("]");
                        return new Expr.ListLit(items, t.line());
                    }
                    case "{" -> {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!peek().isOp("}")) {
                            if (!keys.isEmpty()) {
                                expectOp(",");
                                if (peek().isOp("}")) {
                                    break;
                                }
                            }
                            keys.add(expression(true));
                            expectOp(":");
                            values.add(expression(true));
                        }
                        expectOp("}");
                        return new Expr.DictLit(keys, values, t.line());
                    }
                    default -> { }
                }
            }
            default -> { }
        }
        throw TemplateException.syntax("unexpected " + t.describe(), t.line());
    }

    private Expr postfix(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isOp(".")) {
                next();
                Token attr = next();
                if (attr.type() == Type.NAME) {
                    e = new Expr.Attr(e, attr.text(), attr.line());
                } else if (attr.type() == Type.INT) {
                    e = new Expr.Item(e, new Expr.Literal(Long.parseLong(attr.text()), attr.line()), attr.line());
                } else {
                    throw TemplateException.syntax("expected name or number", attr.line());
                }
            } else if (t.isOp("[")) {
                next();
                e = subscript(e, t.line());
            } else if (t.isOp("(")) {
                e = call(e);
            } else {
                return e;
            }
        }
    }

    private Expr subscript(Expr e, int line) {
        Expr start = null;
        if (!peek().isOp(":")) {
            start = expression(true);
            if (acceptOp("]")) {
                return new Expr.Item(e, start, line);
            }
            if (peek().isOp(",")) {
                List<Expr> items = new ArrayList<>();
                items.add(start);
                while (acceptOp(",")) {
                    if (peek().isOp("]")) {
                        break;
                    }
                    items.add(expression(true));
                }
                expectOp("]");
                return new Expr.Item(e, new Expr.TupleLit(items, line), line);
            }
        }
        expectOp(":");
        Expr stop = null;
        Expr step = null;
        if (!peek().isOp("]") && !peek().isOp(":")) {
            stop = expression(true);
        }
        if (acceptOp(":") && !peek().isOp("]")) {
            step = expression(true);
        }
        expectOp("]");
        return new Expr.Slice(e, start, stop, step, line);
    }

    private Expr.Call call(Expr callee) {
        int line = next().line();
        List<Expr> args = new ArrayList<>();
        List<String> kwNames = new ArrayList<>();
        List<Expr> kwValues = new ArrayList<>();
        callArgs(args, kwNames, kwValues);
        return new Expr.Call(callee, args, kwNames, kwValues, line);
    }

    /** After the opening parenthesis: positional then keyword arguments, up to ')'. */
    private void callArgs(List<Expr> args, List<String> kwNames, List<Expr> kwValues) {
        boolean first = true;
        while (!peek().isOp(")")) {
            if (!first) {
                expectOp(",");
                if (peek().isOp(")")) {
                    break;
                }
            }
            first = false;
            if (peek().isOp("*") || peek().isOp("**")) {
                throw TemplateException.syntax("*args and **kwargs in calls are not supported", peek().line());
            }
            if (peek().type() == Type.NAME && peek(1).isOp("=")) {
                Token name = next();
                next();
                kwNames.add(name.text());
                kwValues.add(expression(true));
            } else {
                if (!kwNames.isEmpty()) {
                    throw TemplateException.syntax("positional argument follows keyword argument", peek().line());
                }
                args.add(expression(true));
            }
        }
        expectOp(")");
    }

    private Expr filterExpr(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isOp("|")) {
                next();
                e = filter(e);
            } else if (t.isName("is")) {
                next();
                e = test(e);
            } else if (t.isOp("(")) {
                e = call(e);
            } else {
                return e;
            }
        }
    }

    private Expr.Filter filter(Expr value) {
        Token name = expect(Type.NAME, "a filter name");
        String fname = name.text();
        while (peek().isOp(".") && peek(1).type() == Type.NAME) {
            next();
            fname += "." + next().text();
        }
        List<Expr> args = new ArrayList<>();
        List<String> kwNames = new ArrayList<>();
        List<Expr> kwValues = new ArrayList<>();
        if (acceptOp("(")) {
            callArgs(args, kwNames, kwValues);
        }
        boolean known = Filters.exists(fname);
        if (!known && !soft) {
            throw TemplateException.assertion("No filter named '" + fname + "'.", name.line());
        }
        return new Expr.Filter(value, fname, args, kwNames, kwValues, known, name.line());
    }

    private Expr test(Expr value) {
        boolean negated = acceptName("not");
        Token name = expect(Type.NAME, "a test name");
        String tname = name.text();
        while (peek().isOp(".") && peek(1).type() == Type.NAME) {
            next();
            tname += "." + next().text();
        }
        List<Expr> args = new ArrayList<>();
        Token t = peek();
        if (t.isOp("(")) {
            next();
            List<String> kwNames = new ArrayList<>();
            callArgs(args, kwNames, new ArrayList<>());
            if (!kwNames.isEmpty()) {
                throw TemplateException.syntax("tests take no keyword arguments here", t.line());
            }
        } else if ((t.type() == Type.NAME || t.type() == Type.STRING || t.type() == Type.INT || t.type() == Type.FLOAT
                || t.isOp("[") || t.isOp("{")) && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) {
                throw TemplateException.syntax("You cannot chain multiple tests with is", t.line());
            }
            if (!(t.type() == Type.NAME && Set.of("if", "in", "not").contains(t.text()))) {
                args.add(postfix(primary()));
            }
        }
        boolean known = Tests.exists(tname);
        if (!known && !soft) {
            throw TemplateException.assertion("No test named '" + tname + "'.", name.line());
        }
        return new Expr.Test(value, tname, args, negated, known, name.line());
    }
}
