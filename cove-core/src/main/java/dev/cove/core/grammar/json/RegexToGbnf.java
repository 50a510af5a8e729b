package dev.cove.core.grammar.json;

import dev.cove.core.grammar.Grammar;
import dev.cove.core.grammar.GrammarException;

/**
 * A JSON schema {@code pattern} (ECMA-262 subset) as a GBNF expression over the JSON text of the
 * string's content: literals, {@code .}, classes {@code [...]} / {@code [^...]} with ranges,
 * {@code \d \w \s} and their negations, escaped metacharacters, groups {@code (...)} and
 * {@code (?:...)}, alternation, and the quantifiers {@code * + ? {m} {m,} {m,n}} (a lazy
 * {@code ?} suffix matches the same strings). The pattern must be anchored ({@code ^...$}), as
 * llama.cpp requires. Characters JSON must escape ({@code "}, {@code \}, control characters)
 * are matched in their escaped form, so the output always stays valid JSON. Backreferences,
 * lookaround and other features are refused with a {@link GrammarException}.
 */
public final class RegexToGbnf {
    /** ECMA-262's {@code .}: any character but line terminators (so not the escapes \\n and \\r either). */
    private static final String ANY = "[^\"\\\\\\x7F\\x00-\\x1F\\u2028\\u2029] | [\\\\] ([\"\\\\/bft])";
    private static final int MAX_DEPTH = 100;

    private final String p;
    private int pos;
    private int depth;

    private RegexToGbnf(String pattern) {
        this.p = pattern;
    }

    public static String convert(String pattern) {
        if (!pattern.startsWith("^") || !pattern.endsWith("$") || pattern.endsWith("\\$") && !pattern.endsWith("\\\\$")) {
            throw new GrammarException("a pattern must start with ^ and end with $ (it is matched whole)");
        }
        RegexToGbnf r = new RegexToGbnf(pattern.substring(1, pattern.length() - 1));
        String g = r.alternation();
        if (r.pos != r.p.length()) {
            throw r.error("unexpected ')'");
        }
        return g.isEmpty() ? "\"\"" : g;
    }

    private String alternation() {
        if (++depth > MAX_DEPTH) {
            throw error("groups nested too deeply");
        }
        StringBuilder b = new StringBuilder(sequence());
        while (pos < p.length() && p.charAt(pos) == '|') {
            pos++;
            b.append(" | ").append(sequence());
        }
        depth--;
        return b.toString();
    }

    private String sequence() {
        StringBuilder b = new StringBuilder();
        while (pos < p.length() && p.charAt(pos) != '|' && p.charAt(pos) != ')') {
            String atom = atom();
            atom = quantified(atom);
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(atom);
        }
        return b.isEmpty() ? "\"\"" : b.toString();
    }

    private String quantified(String atom) {
        if (pos >= p.length()) {
            return atom;
        }
        char c = p.charAt(pos);
        String q;
        if (c == '*' || c == '+' || c == '?') {
            pos++;
            q = String.valueOf(c);
        } else if (c == '{' && pos + 1 < p.length() && Character.isDigit(p.charAt(pos + 1))) {
            int end = p.indexOf('}', pos);
            if (end < 0) {
                throw error("unterminated {");
            }
            String body = p.substring(pos + 1, end);
            if (!body.matches("\\d{1,4}(,\\d{0,4})?")) {
                throw error("invalid repetition {" + body + "}");
            }
            pos = end + 1;
            q = "{" + body + "}";
        } else {
            return atom;
        }
        if (pos < p.length() && p.charAt(pos) == '?') {
            pos++; // lazy: the same strings
        }
        return "(" + atom + ")" + q;
    }

    private String atom() {
        char c = p.charAt(pos);
        switch (c) {
            case '(' -> {
                pos++;
                if (p.startsWith("?:", pos)) {
                    pos += 2;
                } else if (pos < p.length() && p.charAt(pos) == '?') {
                    throw error("lookaround and named groups are not supported");
                }
                String inner = alternation();
                if (pos >= p.length() || p.charAt(pos) != ')') {
                    throw error("unclosed (");
                }
                pos++;
                return "(" + inner + ")";
            }
            case '[' -> {
                return charClass();
            }
            case '.' -> {
                pos++;
                return "(" + ANY + ")";
            }
            case '\\' -> {
                return escape();
            }
            case '^', '$' -> throw error("anchors inside the pattern are not supported");
            case '*', '+', '?', '{' -> throw error("a quantifier with nothing to repeat");
            default -> {
                int cp = p.codePointAt(pos);
                pos += Character.charCount(cp);
                return literal(cp);
            }
        }
    }

    private String escape() {
        if (pos + 1 >= p.length()) {
            throw error("trailing backslash");
        }
        char e = p.charAt(pos + 1);
        pos += 2;
        return switch (e) {
            case 'd' -> "[0-9]";
            case 'D' -> "[^0-9\"\\\\\\x7F\\x00-\\x1F]";
            case 'w' -> "[a-zA-Z0-9_]";
            case 'W' -> "[^a-zA-Z0-9_\"\\\\\\x7F\\x00-\\x1F]";
            case 's' -> "([ ] | \"\\\\t\" | \"\\\\n\" | \"\\\\r\" | \"\\\\f\")";
            case 'S' -> "[^ \"\\\\\\x7F\\x00-\\x1F]";
            case 't' -> literal('\t');
            case 'n' -> literal('\n');
            case 'r' -> literal('\r');
            default -> {
                if (Character.isLetterOrDigit(e)) {
                    throw error("escape \\" + e + " is not supported");
                }
                yield literal(e);
            }
        };
    }

    private String charClass() {
        pos++; // [
        boolean negated = pos < p.length() && p.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        StringBuilder b = new StringBuilder(negated ? "[^" : "[");
        boolean first = true;
        while (pos < p.length() && (p.charAt(pos) != ']' || first)) {
            first = false;
            int c = classChar(b);
            if (c < 0) {
                continue; // a shorthand class was appended
            }
            checkClassChar(c, negated);
            b.append(classEscape(c));
            if (pos + 1 < p.length() && p.charAt(pos) == '-' && p.charAt(pos + 1) != ']') {
                pos++;
                int hi = classChar(null);
                if (hi < c) {
                    throw error("invalid range in a character class");
                }
                checkClassChar(hi, negated);
                if (!negated && c < 0x20) {
                    throw error("control characters in a character class are not supported");
                }
                b.append('-').append(classEscape(hi));
            }
        }
        if (pos >= p.length()) {
            throw error("unclosed [");
        }
        pos++;
        if (negated) {
            b.append("\"\\\\\\x7F\\x00-\\x1F");
        }
        return b.append(']').toString();
    }

    /** The next class character, or -1 after appending a shorthand ({@code \d}) to {@code out}. */
    private int classChar(StringBuilder out) {
        char c = p.charAt(pos);
        if (c != '\\') {
            int cp = p.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }
        if (pos + 1 >= p.length()) {
            throw error("trailing backslash");
        }
        char e = p.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case 'd', 'w' -> {
                if (out == null) {
                    throw error("a class shorthand cannot end a range");
                }
                out.append(e == 'd' ? "0-9" : "a-zA-Z0-9_");
                return -1;
            }
            case 'D', 'W', 's', 'S' -> throw error("\\" + e + " inside a character class is not supported");
            case 't' -> {
                return '\t';
            }
            case 'n' -> {
                return '\n';
            }
            case 'r' -> {
                return '\r';
            }
            default -> {
                if (Character.isLetterOrDigit(e)) {
                    throw error("escape \\" + e + " is not supported");
                }
                return e;
            }
        }
    }

    private void checkClassChar(int c, boolean negated) {
        if (!negated && (c == '"' || c == '\\' || c < 0x20 || c == 0x7f)) {
            throw error("a character class with a quote, backslash or control character is not supported");
        }
    }

    private static String classEscape(int c) {
        return switch (c) {
            case '\\' -> "\\\\";
            case ']' -> "\\]";
            case '[' -> "\\[";
            case '"' -> "\\\"";
            case '^' -> "\\^";
            case '-' -> "\\x2D";
            default -> c < 0x20 || c == 0x7f ? String.format("\\x%02X", c) : new String(Character.toChars(c));
        };
    }

    /** A literal character as it appears in JSON text. */
    private static String literal(int cp) {
        String json = JsonText.write(new String(Character.toChars(cp)));
        return Grammar.literal(json.substring(1, json.length() - 1));
    }

    private GrammarException error(String what) {
        return new GrammarException("unsupported pattern: " + what + " (at character " + (pos + 1) + ")");
    }
}
