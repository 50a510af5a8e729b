package dev.cove.core.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * llama.cpp's GBNF parser ({@code llama_grammar_parser}), rule for rule: the same symbol ids,
 * the same expansion of repetitions into generated rules ({@code S{m,n}} becomes m copies of S
 * and n - m nested optional rules), the same limits (a repetition count above 2000 is refused,
 * a bounded maximum above 2000 counts as unbounded, and the product of a repetition with the
 * rules its operand generated must stay under 2000) and the same errors. Beyond llama.cpp it
 * bounds group nesting and the total size, so that hostile text fails fast instead of
 * exhausting the stack or memory.
 */
final class GbnfParser {
    static final int MAX_REPETITION_THRESHOLD = 2000;
    static final int MAX_NESTING = 512;
    static final int MAX_ELEMENTS = 2_000_000;

    private final int[] src; // code points, 0-terminated
    private final ToIntFunction<String> tokenLookup;
    final Map<String, Integer> symbolIds = new TreeMap<>();
    final List<int[]> rules = new ArrayList<>();
    private int elements;
    private int nesting;

    private GbnfParser(String text, ToIntFunction<String> tokenLookup) {
        this.src = Arrays.copyOf(text.codePoints().toArray(), (int) text.codePoints().count() + 2);
        this.tokenLookup = tokenLookup;
    }

    /** Parses the whole text; {@code tokenLookup} maps {@code <text>} token references to ids (or -1), may be null. */
    static GbnfParser parse(String text, ToIntFunction<String> tokenLookup) {
        GbnfParser p = new GbnfParser(text, tokenLookup);
        p.parseAll();
        return p;
    }

    private void parseAll() {
        int pos = parseSpace(0, true);
        while (src[pos] != 0) {
            pos = parseRule(pos);
        }
        for (int[] rule : rules) {
            for (int i = 0; rule != null && i < rule.length; i += 2) {
                if (rule[i] == Grammar.RULE_REF && (rule[i + 1] >= rules.size() || rules.get(rule[i + 1]) == null)) {
                    throw new GrammarException("Undefined rule identifier '" + nameOf(rule[i + 1]) + "'");
                }
            }
        }
        for (int[] rule : rules) {
            if (rule == null) {
                throw new GrammarException("Undefined rule");
            }
        }
        if (rules.isEmpty()) {
            throw new GrammarException("the grammar has no rules");
        }
    }

    String nameOf(int id) {
        for (Map.Entry<String, Integer> e : symbolIds.entrySet()) {
            if (e.getValue() == id) {
                return e.getKey();
            }
        }
        return "#" + id;
    }

    private int parseRule(int start) {
        int nameEnd = parseName(start);
        int pos = parseSpace(nameEnd, false);
        String name = text(start, nameEnd);
        int ruleId = symbolId(name);
        if (!(src[pos] == ':' && src[pos + 1] == ':' && src[pos + 2] == '=')) {
            throw error("expecting ::= at", pos);
        }
        pos = parseSpace(pos + 3, true);
        pos = parseAlternates(pos, name, ruleId, false);
        if (src[pos] == '\r') {
            pos += src[pos + 1] == '\n' ? 2 : 1;
        } else if (src[pos] == '\n') {
            pos++;
        } else if (src[pos] != 0) {
            throw error("expecting newline or end at", pos);
        }
        return parseSpace(pos, true);
    }

    private int parseAlternates(int pos, String ruleName, int ruleId, boolean nested) {
        if (++nesting > MAX_NESTING) {
            throw new GrammarException("groups are nested deeper than " + MAX_NESTING + " levels");
        }
        IntBuffer rule = new IntBuffer();
        pos = parseSequence(pos, ruleName, rule, nested);
        while (src[pos] == '|') {
            rule.add(Grammar.ALT, 0);
            pos = parseSpace(pos + 1, true);
            pos = parseSequence(pos, ruleName, rule, nested);
        }
        rule.add(Grammar.END, 0);
        addRule(ruleId, rule.toArray());
        nesting--;
        return pos;
    }

    private int parseSequence(int pos, String ruleName, IntBuffer rule, boolean nested) {
        int[] lastSymStart = {rule.size()};
        long[] nPrevRules = {1};
        while (src[pos] != 0) {
            int c = src[pos];
            if (c == '"') {
                pos++;
                lastSymStart[0] = rule.size();
                nPrevRules[0] = 1;
                while (src[pos] != '"') {
                    if (src[pos] == 0) {
                        throw new GrammarException("unexpected end of input");
                    }
                    long cp = parseChar(pos);
                    pos = (int) (cp >>> 32);
                    rule.add(Grammar.CHAR, (int) cp);
                }
                pos = parseSpace(pos + 1, nested);
            } else if (c == '[') {
                pos++;
                int startType = Grammar.CHAR;
                if (src[pos] == '^') {
                    pos++;
                    startType = Grammar.CHAR_NOT;
                }
                lastSymStart[0] = rule.size();
                nPrevRules[0] = 1;
                while (src[pos] != ']') {
                    if (src[pos] == 0) {
                        throw new GrammarException("unexpected end of input");
                    }
                    long cp = parseChar(pos);
                    pos = (int) (cp >>> 32);
                    int type = lastSymStart[0] < rule.size() ? Grammar.CHAR_ALT : startType;
                    rule.add(type, (int) cp);
                    if (src[pos] == '-' && src[pos + 1] != ']') {
                        if (src[pos + 1] == 0) {
                            throw new GrammarException("unexpected end of input");
                        }
                        long end = parseChar(pos + 1);
                        pos = (int) (end >>> 32);
                        rule.add(Grammar.CHAR_RNG_UPPER, (int) end);
                    }
                }
                pos = parseSpace(pos + 1, nested);
            } else if (c == '<' || c == '!') {
                int type = Grammar.TOKEN;
                if (c == '!') {
                    type = Grammar.TOKEN_NOT;
                    pos++;
                }
                long token = parseToken(pos);
                lastSymStart[0] = rule.size();
                nPrevRules[0] = 1;
                rule.add(type, (int) token);
                pos = parseSpace((int) (token >>> 32), nested);
            } else if (isWordChar(c)) {
                int nameEnd = parseName(pos);
                int ref = symbolId(text(pos, nameEnd));
                pos = parseSpace(nameEnd, nested);
                lastSymStart[0] = rule.size();
                nPrevRules[0] = 1;
                rule.add(Grammar.RULE_REF, ref);
            } else if (c == '(') {
                pos = parseSpace(pos + 1, true);
                int before = symbolIds.size();
                int sub = generateSymbolId(ruleName);
                pos = parseAlternates(pos, ruleName, sub, true);
                nPrevRules[0] = Math.max(1, symbolIds.size() - before);
                lastSymStart[0] = rule.size();
                rule.add(Grammar.RULE_REF, sub);
                if (src[pos] != ')') {
                    throw error("expecting ')' at", pos);
                }
                pos = parseSpace(pos + 1, nested);
            } else if (c == '.') {
                lastSymStart[0] = rule.size();
                nPrevRules[0] = 1;
                rule.add(Grammar.CHAR_ANY, 0);
                pos = parseSpace(pos + 1, nested);
            } else if (c == '*') {
                pos = parseSpace(pos + 1, nested);
                repeat(rule, ruleName, lastSymStart[0], nPrevRules, 0, -1, pos);
            } else if (c == '+') {
                pos = parseSpace(pos + 1, nested);
                repeat(rule, ruleName, lastSymStart[0], nPrevRules, 1, -1, pos);
            } else if (c == '?') {
                pos = parseSpace(pos + 1, nested);
                repeat(rule, ruleName, lastSymStart[0], nPrevRules, 0, 1, pos);
            } else if (c == '{') {
                pos = parseSpace(pos + 1, nested);
                if (!isDigit(src[pos])) {
                    throw error("expecting an int at", pos);
                }
                int intEnd = parseInt(pos);
                long min = number(pos, intEnd);
                pos = parseSpace(intEnd, nested);
                long max = -1;
                if (src[pos] == '}') {
                    max = min;
                    pos = parseSpace(pos + 1, nested);
                } else if (src[pos] == ',') {
                    pos = parseSpace(pos + 1, nested);
                    if (isDigit(src[pos])) {
                        intEnd = parseInt(pos);
                        max = number(pos, intEnd);
                        pos = parseSpace(intEnd, nested);
                    }
                    if (src[pos] != '}') {
                        throw error("expecting '}' at", pos);
                    }
                    pos = parseSpace(pos + 1, nested);
                } else {
                    throw error("expecting ',' at", pos);
                }
                if (min > MAX_REPETITION_THRESHOLD) {
                    throw new GrammarException(
                            "number of repetitions exceeds sane defaults, please reduce the number of repetitions");
                }
                if (max > MAX_REPETITION_THRESHOLD) {
                    max = -1; // llama.cpp: a bound this large is taken as no bound
                }
                if (max >= 0 && max < min) {
                    throw new GrammarException("repetition {" + min + "," + max + "} has its maximum below its minimum");
                }
                repeat(rule, ruleName, lastSymStart[0], nPrevRules, (int) min, (int) max, pos);
            } else {
                break;
            }
        }
        return pos;
    }

    /** {@code handle_repetitions}: rewrites the last symbol of {@code rule} as it repeated min to max (-1: unbounded) times. */
    private void repeat(IntBuffer rule, String ruleName, int lastSymStart, long[] nPrevRules, int min, int max, int pos) {
        boolean noMax = max < 0;
        if (lastSymStart == rule.size()) {
            throw error("expecting preceding item to */+/?/{ at", pos);
        }
        long totalRules = !noMax && max > 0 ? max : min > 0 ? min : 1;
        if (nPrevRules[0] * totalRules >= MAX_REPETITION_THRESHOLD) {
            throw new GrammarException("number of rules that are going to be repeated multiplied by the new repetition"
                    + " exceeds sane defaults, please reduce the number of repetitions or rule complexity");
        }
        int[] prev = rule.copyFrom(lastSymStart);
        if (min == 0) {
            rule.truncate(lastSymStart);
        } else {
            for (int i = 1; i < min; i++) {
                count(prev.length);
                rule.addAll(prev);
            }
        }
        int lastRec = 0;
        int nOpt = noMax ? 1 : max - min;
        for (int i = 0; i < nOpt; i++) {
            IntBuffer rec = new IntBuffer();
            rec.addAll(prev);
            int recId = generateSymbolId(ruleName);
            if (i > 0 || noMax) {
                rec.add(Grammar.RULE_REF, noMax ? recId : lastRec);
            }
            rec.add(Grammar.ALT, 0);
            rec.add(Grammar.END, 0);
            addRule(recId, rec.toArray());
            lastRec = recId;
        }
        if (nOpt > 0) {
            rule.add(Grammar.RULE_REF, lastRec);
        }
        nPrevRules[0] *= totalRules;
    }

    private void addRule(int id, int[] rule) {
        count(rule.length);
        while (rules.size() <= id) {
            rules.add(null);
        }
        rules.set(id, rule);
    }

    private void count(int n) {
        elements += n / 2;
        if (elements > MAX_ELEMENTS) {
            throw new GrammarException("the grammar expands to more than " + MAX_ELEMENTS + " elements");
        }
    }

    private int symbolId(String name) {
        return symbolIds.computeIfAbsent(name, k -> symbolIds.size());
    }

    private int generateSymbolId(String base) {
        int next = symbolIds.size();
        symbolIds.put(base + "_" + next, next);
        return next;
    }

    /** Returns (next position << 32) | code point. */
    private long parseChar(int pos) {
        if (src[pos] == '\\') {
            switch (src[pos + 1]) {
                case 'x':
                    return parseHex(pos + 2, 2);
                case 'u':
                    return parseHex(pos + 2, 4);
                case 'U':
                    return parseHex(pos + 2, 8);
                case 't':
                    return pack(pos + 2, '\t');
                case 'r':
                    return pack(pos + 2, '\r');
                case 'n':
                    return pack(pos + 2, '\n');
                case '\\', '"', '[', ']':
                    return pack(pos + 2, src[pos + 1]);
                default:
                    throw error("unknown escape at", pos);
            }
        }
        if (src[pos] != 0) {
            return pack(pos + 1, src[pos]);
        }
        throw new GrammarException("unexpected end of input");
    }

    private long parseHex(int pos, int size) {
        int end = pos + size;
        int value = 0;
        for (; pos < end && src[pos] != 0; pos++) {
            int d = Character.digit(src[pos], 16);
            if (d < 0 || src[pos] > 0x7f) {
                break;
            }
            value = (value << 4) + d;
        }
        if (pos != end) {
            throw error("expecting " + size + " hex chars at", pos);
        }
        return pack(pos, value);
    }

    private long parseToken(int pos) {
        if (src[pos] != '<') {
            throw error("expecting '<' at", pos);
        }
        pos++;
        if (src[pos] == '[') {
            pos++;
            int end = parseInt(pos);
            if (end == pos) {
                throw error("expecting an integer at", pos);
            }
            long id = number(pos, end);
            if (src[end] != ']' || src[end + 1] != '>') {
                throw error("expecting ']>' at", end);
            }
            if (id > Integer.MAX_VALUE) {
                throw new GrammarException("token id " + id + " is out of range");
            }
            return pack(end + 2, (int) id);
        }
        int start = pos;
        while (src[pos] != 0 && src[pos] != '>') {
            pos++;
        }
        if (src[pos] != '>') {
            throw error("expecting '>' at", start);
        }
        String text = "<" + text(start, pos) + ">";
        int id = tokenLookup == null ? -1 : tokenLookup.applyAsInt(text);
        if (id < 0) {
            throw new GrammarException(tokenLookup == null
                    ? "token " + text + " needs a vocabulary: use <[id]>, or compile the grammar for a model"
                    : "token " + text + " is not a single token of this vocabulary");
        }
        return pack(pos + 1, id);
    }

    private static long pack(int pos, int value) {
        return ((long) pos << 32) | (value & 0xffffffffL);
    }

    private int parseSpace(int pos, boolean newlineOk) {
        while (src[pos] != 0) {
            int c = src[pos];
            if (c == '#') {
                while (src[pos] != 0 && src[pos] != '\r' && src[pos] != '\n') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || (newlineOk && (c == '\r' || c == '\n'))) {
                pos++;
            } else {
                break;
            }
        }
        return pos;
    }

    private int parseName(int pos) {
        int p = pos;
        while (isWordChar(src[p])) {
            p++;
        }
        if (p == pos) {
            throw error("expecting name at", pos);
        }
        return p;
    }

    private int parseInt(int pos) {
        int p = pos;
        while (isDigit(src[p])) {
            p++;
        }
        if (p == pos) {
            throw error("expecting integer at", pos);
        }
        return p;
    }

    private long number(int from, int to) {
        if (to - from > 12) {
            return Long.MAX_VALUE / 4;
        }
        return Long.parseLong(text(from, to));
    }

    private static boolean isWordChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || (c >= '0' && c <= '9');
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private String text(int from, int to) {
        return new String(src, from, to - from);
    }

    /** llama.cpp quotes the rest of the grammar; a short excerpt of it is enough to find the place. */
    private GrammarException error(String message, int pos) {
        int end = pos;
        while (end < src.length - 2 && src[end] != 0 && end - pos < 30) {
            end++;
        }
        String near = text(pos, end).replace("\n", "\\n");
        return new GrammarException(message + " '" + near + "'" + " (character " + (pos + 1) + ")");
    }

    /** A growable int array of (type, value) pairs. */
    static final class IntBuffer {
        private int[] data = new int[16];
        private int size;

        void add(int type, int value) {
            if (size + 2 > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = type;
            data[size++] = value;
        }

        void addAll(int[] pairs) {
            if (size + pairs.length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + pairs.length));
            }
            System.arraycopy(pairs, 0, data, size, pairs.length);
            size += pairs.length;
        }

        /** Size in ints (two per element). */
        int size() {
            return size;
        }

        int[] copyFrom(int from) {
            return Arrays.copyOfRange(data, from, size);
        }

        void truncate(int newSize) {
            size = newSize;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
