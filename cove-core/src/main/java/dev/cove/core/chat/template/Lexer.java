package dev.cove.core.chat.template;

import dev.cove.core.chat.template.Token.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into tokens with jinja2's whitespace rules as transformers configures them:
 * newlines normalized to {@code \n} and one trailing newline dropped, {@code trim_blocks} (the
 * newline right after a block or comment tag goes), {@code lstrip_blocks} (spaces before a block
 * or comment tag at the start of a line go, unless the tag opens with {@code +}), and the
 * {@code -} markers that strip all whitespace on their side.
 */
final class Lexer {
    private static final String[] OPERATORS = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "/", "*", "%", "~",
        "[", "]", "(", ")", "{", "}", "<", ">", "=", ".", ":", "|", ",", ";"};

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** Whether the text about to be read starts a line (jinja2's line_starting). */
    private boolean lineStarting = true;

    private Lexer(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        this.src = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                data(src.substring(pos), line);
                advanceTo(src.length());
                break;
            }
            char kind = src.charAt(tag + 1);
            char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            String text = src.substring(pos, tag);
            int textLine = line;
            if (sign == '-') {
                text = Py.rstrip(text);
            } else if (sign != '+' && kind != '{') {
                text = lstripBlock(text);
            }
            data(text, textLine);
            advanceTo(tag);
            int bodyStart = tag + 2 + (sign == '-' || sign == '+' ? 1 : 0);
            if (kind == '#') {
                comment(bodyStart);
            } else if (kind == '%' && rawBlock(bodyStart)) {
                continue;
            } else {
                tag(kind == '%', bodyStart);
            }
        }
        tokens.add(new Token(Type.EOF, "", line));
    }

    private int nextTagStart(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    private String lstripBlock(String text) {
        int lpos = text.lastIndexOf('\n') + 1;
        if (lpos > 0 || lineStarting) {
            for (int i = lpos; i < text.length(); i++) {
                if (!Py.isSpace(text.charAt(i))) {
                    return text;
                }
            }
            return text.substring(0, lpos);
        }
        return text;
    }

    private void data(String text, int atLine) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Type.DATA, text, atLine));
        }
    }

    private void advanceTo(int newPos) {
        for (int i = pos; i < newPos; i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        pos = newPos;
    }

    /** After a tag's closing delimiter at {@code end}: applies '-' stripping or trim_blocks. */
    private void afterTagEnd(int end, boolean strip, boolean trim) {
        int next = end;
        if (strip) {
            while (next < src.length() && Py.isSpace(src.charAt(next))) {
                next++;
            }
        } else if (trim && next < src.length() && src.charAt(next) == '\n') {
            next++;
        }
        lineStarting = next > 0 && src.charAt(next - 1) == '\n';
        advanceTo(next);
    }

    private void comment(int bodyStart) {
        int end = src.indexOf("#}", bodyStart);
        if (end < 0) {
            throw TemplateException.syntax("Missing end of comment tag", line);
        }
        char before = end > bodyStart ? src.charAt(end - 1) : 0;
        afterTagEnd(end + 2, before == '-', before != '+');
    }

    /** {@code {% raw %}...{% endraw %}}: the body is text, tags and all. */
    private boolean rawBlock(int bodyStart) {
        int i = skipSpaces(bodyStart);
        if (!src.startsWith("raw", i) || i + 3 < src.length() && Py.isNameChar(src.charAt(i + 3))) {
            return false;
        }
        i = skipSpaces(i + 3);
        char sign = i < src.length() ? src.charAt(i) : 0;
        if (sign == '-' || sign == '+') {
            i++;
        }
        if (!src.startsWith("%}", i)) {
            return false;
        }
        int startLine = line;
        afterTagEnd(i + 2, sign == '-', sign != '+');
        int search = pos;
        while (true) {
            int open = src.indexOf("{%", search);
            if (open < 0) {
                throw TemplateException.syntax("Missing end of raw directive", startLine);
            }
            int j = open + 2;
            char esign = j < src.length() ? src.charAt(j) : 0;
            if (esign == '-' || esign == '+') {
                j++;
            }
            j = skipSpaces(j);
            if (src.startsWith("endraw", j)) {
                int k = skipSpaces(j + 6);
                char closeSign = k < src.length() ? src.charAt(k) : 0;
                if (closeSign == '-' || closeSign == '+') {
                    k++;
                }
                if (src.startsWith("%}", k)) {
                    String body = src.substring(pos, open);
                    data(esign == '-' ? Py.rstrip(body) : body, line);
                    advanceTo(open);
                    afterTagEnd(k + 2, closeSign == '-', closeSign != '+');
                    return true;
                }
            }
            search = open + 2;
        }
    }

    private int skipSpaces(int i) {
        while (i < src.length() && Py.isSpace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private void tag(boolean block, int bodyStart) {
        int tagLine = line;
        tokens.add(new Token(block ? Type.BLOCK_BEGIN : Type.VAR_BEGIN, block ? "{%" : "{{", tagLine));
        advanceTo(bodyStart);
        int depth = 0;
        while (true) {
            int i = pos;
            while (i < src.length() && Py.isSpace(src.charAt(i))) {
                i++;
            }
            advanceTo(i);
            if (i >= src.length()) {
                throw TemplateException.syntax("unexpected end of template, expected '" + (block ? "%}" : "}}")
                        + "'", tagLine);
            }
            if (depth == 0) {
                String close = block ? "%}" : "}}";
                if (src.startsWith("-" + close, i)) {
                    tokens.add(new Token(block ? Type.BLOCK_END : Type.VAR_END, close, line));
                    afterTagEnd(i + 3, true, false);
                    return;
                }
                if (block && src.startsWith("+%}", i)) {
                    tokens.add(new Token(Type.BLOCK_END, close, line));
                    afterTagEnd(i + 3, false, false);
                    return;
                }
                if (src.startsWith(close, i)) {
                    tokens.add(new Token(block ? Type.BLOCK_END : Type.VAR_END, close, line));
                    afterTagEnd(i + 2, false, block);
                    return;
                }
            }
            char c = src.charAt(i);
            if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < src.length() && Py.isNameChar(src.charAt(j))) {
                    j++;
                }
                tokens.add(new Token(Type.NAME, src.substring(i, j), line));
                advanceTo(j);
            } else if (c >= '0' && c <= '9') {
                number(i);
            } else if (c == '\'' || c == '"') {
                string(i, c);
            } else {
                String op = operatorAt(i);
                if (op == null) {
                    throw TemplateException.syntax("unexpected char '" + c + "'", line);
                }
                if (op.equals("(") || op.equals("[") || op.equals("{")) {
                    depth++;
                } else if (op.equals(")") || op.equals("]") || op.equals("}")) {
                    if (depth == 0) {
                        throw TemplateException.syntax("unexpected '" + op + "'", line);
                    }
                    depth--;
                }
                tokens.add(new Token(Type.OP, op, line));
                advanceTo(i + op.length());
            }
        }
    }

    private String operatorAt(int i) {
        for (String op : OPERATORS) {
            if (src.startsWith(op, i)) {
                return op;
            }
        }
        return null;
    }

    private void number(int start) {
        int j = digits(start);
        boolean isFloat = false;
        boolean afterDot = !tokens.isEmpty() && tokens.getLast().isOp(".");
        if (!afterDot && j + 1 < src.length() && src.charAt(j) == '.' && Character.isDigit(src.charAt(j + 1))) {
            j = digits(j + 1);
            isFloat = true;
        }
        if (!afterDot && j < src.length() && (src.charAt(j) == 'e' || src.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < src.length() && (src.charAt(k) == '+' || src.charAt(k) == '-')) {
                k++;
            }
            if (k < src.length() && Character.isDigit(src.charAt(k))) {
                j = digits(k);
                isFloat = true;
            }
        }
        String text = src.substring(start, j).replace("_", "");
        tokens.add(new Token(isFloat ? Type.FLOAT : Type.INT, text, line));
        advanceTo(j);
    }

    private int digits(int i) {
        while (i < src.length() && (Character.isDigit(src.charAt(i))
                || src.charAt(i) == '_' && i + 1 < src.length() && Character.isDigit(src.charAt(i + 1)))) {
            i++;
        }
        return i;
    }

    private void string(int start, char quote) {
        StringBuilder sb = new StringBuilder();
        int i = start + 1;
        int startLine = line;
        while (true) {
            if (i >= src.length()) {
                throw TemplateException.syntax("unexpected end of string literal", startLine);
            }
            char c = src.charAt(i);
            if (c == quote) {
                break;
            }
            if (c == '\\' && i + 1 < src.length()) {
                i = escape(i + 1, sb);
            } else {
                sb.append(c);
                i++;
            }
        }
        tokens.add(new Token(Type.STRING, sb.toString(), startLine));
        advanceTo(i + 1);
    }

    /** Decodes one Python escape (after the backslash at i-1); returns the index after it. */
    private int escape(int i, StringBuilder sb) {
        char c = src.charAt(i);
        switch (c) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case '\\' -> sb.append('\\');
            case '\'' -> sb.append('\'');
            case '"' -> sb.append('"');
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'v' -> sb.append('\u000b');
            case '\n' -> { }
            case 'x', 'u', 'U' -> {
                int n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                if (hex(i + 1, n)) {
                    long cp = Long.parseLong(src.substring(i + 1, i + 1 + n), 16);
                    if (cp <= Character.MAX_CODE_POINT) {
                        sb.appendCodePoint((int) cp);
                        return i + 1 + n;
                    }
                }
                throw TemplateException.syntax("truncated \\" + c + " escape in a string literal", line);
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int j = i;
                    int v = 0;
                    while (j < src.length() && j < i + 3 && src.charAt(j) >= '0' && src.charAt(j) <= '7') {
                        v = v * 8 + (src.charAt(j) - '0');
                        j++;
                    }
                    sb.append((char) v);
                    return j;
                }
                sb.append('\\').append(c);
            }
        }
        return i + 1;
    }

    private boolean hex(int from, int n) {
        if (from + n > src.length()) {
            return false;
        }
        for (int k = from; k < from + n; k++) {
            if (Character.digit(src.charAt(k), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
