package dev.cove.core.grammar;

import dev.cove.core.grammar.json.JsonSchemaGrammar;
import dev.cove.core.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A compiled GBNF grammar (llama.cpp's format: rules, alternation, grouping, repetition
 * {@code * + ? {m} {m,} {m,n}}, literals and character classes with ranges and negation, any
 * character {@code .}, hex escapes (backslash x, u, U), comments, and token references
 * {@code <[id]>} / {@code !<[id]>}), as the pushdown automaton llama.cpp runs: each state is a
 * set of parse stacks, advanced one code point (or one whole token, for token references) at a
 * time.
 *
 * <p>Build one with {@link #parse}, {@link #fromJsonSchema} or {@link #anyJsonObject}; constrain
 * a generation with {@link #constrain(Tokenizer)}. A grammar is immutable and thread-safe, and
 * worth keeping: the token masks computed for it are cached per vocabulary (see
 * {@link TokenConstraint}).
 *
 * <p>Refused with a {@link GrammarException}: syntax errors, undefined rules, a missing root,
 * left recursion (including through rules that can match nothing, so that the automaton always
 * terminates), repetitions beyond llama.cpp's limits, more than {@value GbnfParser#MAX_ELEMENTS}
 * elements, groups nested deeper than {@value GbnfParser#MAX_NESTING} and, while matching,
 * ambiguity beyond {@value #MAX_STACKS} simultaneous parse stacks.
 */
public final class Grammar {
    static final int END = 0;
    static final int ALT = 1;
    static final int RULE_REF = 2;
    static final int CHAR = 3;
    static final int CHAR_NOT = 4;
    static final int CHAR_RNG_UPPER = 5;
    static final int CHAR_ALT = 6;
    static final int CHAR_ANY = 7;
    static final int TOKEN = 8;
    static final int TOKEN_NOT = 9;

    /** Parse stacks alive at once; a grammar needing more is too ambiguous to run in bounded time. */
    static final int MAX_STACKS = 4096;
    /** Stacks an expansion may visit before the grammar counts as looping (empty rules referring back to themselves). */
    static final int MAX_EXPANSION = 200_000;
    static final int MAX_REFERENCE_DEPTH = 4000;

    private final String source;
    final int[] type;
    final int[] value;
    final int[] ruleStart;
    /** For a char element's first position: the position after its last range or alternative. */
    final int[] charEnd;
    final int root;
    final boolean usesTokens;
    private final GrammarState initial;
    /** Where the grammar starts to hold; null: from the first token. */
    private final Trigger trigger;
    /** The grammar without its trigger (this one when it has none): the token masks are its. */
    final Grammar strict;

    /**
     * Where a lazy grammar starts to hold: after the first {@code text} of the output (written
     * as text or as one control token whose text it is), the rest of the output being held to
     * the grammar until a string of it is complete, when the watch for the next one begins; or,
     * {@code atStart}, only when the output begins with {@code text} (after white space), the
     * grammar then holding from that text on, once.
     */
    public record Trigger(String text, boolean atStart) {
        public Trigger {
            Objects.requireNonNull(text, "text");
            if (text.isEmpty()) {
                throw new IllegalArgumentException("a trigger needs text");
            }
        }

        byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    private Grammar(Grammar strict, Trigger trigger) {
        this.source = strict.source;
        this.type = strict.type;
        this.value = strict.value;
        this.ruleStart = strict.ruleStart;
        this.charEnd = strict.charEnd;
        this.root = strict.root;
        this.usesTokens = strict.usesTokens;
        this.initial = strict.initial;
        this.trigger = trigger;
        this.strict = strict;
    }

    private Grammar(String source, GbnfParser parsed, String rootName) {
        this.trigger = null;
        this.strict = this;
        this.source = source;
        Integer rootId = parsed.symbolIds.get(rootName);
        if (rootId == null) {
            throw new GrammarException("the grammar does not contain a '" + rootName + "' rule");
        }
        this.root = rootId;
        List<int[]> rules = parsed.rules;
        int total = 0;
        for (int[] r : rules) {
            total += r.length / 2;
        }
        type = new int[total + 1];
        value = new int[total + 1];
        ruleStart = new int[rules.size()];
        int p = 0;
        boolean tokens = false;
        for (int i = 0; i < rules.size(); i++) {
            ruleStart[i] = p;
            int[] r = rules.get(i);
            for (int j = 0; j < r.length; j += 2) {
                type[p] = r[j];
                value[p] = r[j + 1];
                tokens |= r[j] == TOKEN || r[j] == TOKEN_NOT;
                p++;
            }
        }
        type[total] = END;
        usesTokens = tokens;
        charEnd = new int[total + 1];
        for (int i = 0; i < total; i++) {
            if (isCharStart(i)) {
                int q = i;
                do {
                    q += type[q + 1] == CHAR_RNG_UPPER ? 2 : 1;
                } while (type[q] == CHAR_ALT);
                charEnd[i] = q;
            }
        }
        checkLeftRecursion(parsed);
        initial = initialState();
    }

    /** The grammar of {@code gbnf}, starting at its rule {@code root}. */
    public static Grammar parse(String gbnf) {
        return parse(gbnf, "root");
    }

    /** The grammar of {@code gbnf}, starting at the rule named {@code root}. */
    public static Grammar parse(String gbnf, String root) {
        return parse(gbnf, root, null);
    }

    /**
     * As {@link #parse(String, String)}, resolving token references written as text
     * ({@code <think>}) with {@code tokenIds} (text to id, or -1).
     */
    public static Grammar parse(String gbnf, String root, ToIntFunction<String> tokenIds) {
        Objects.requireNonNull(gbnf, "gbnf");
        return new Grammar(gbnf, GbnfParser.parse(gbnf, tokenIds), root);
    }

    /**
     * The grammar of the JSON values a JSON schema allows (OpenAI's strict structured-output
     * subset; see {@link JsonSchemaGrammar}).
     *
     * @throws GrammarException naming the first unsupported keyword, or what else is wrong
     */
    public static Grammar fromJsonSchema(String schemaJson) {
        return parse(JsonSchemaGrammar.fromJson(schemaJson));
    }

    /** The grammar of the JSON values the parsed schema (maps, lists, strings, numbers as from {@link dev.cove.core.json.Json}) allows. */
    public static Grammar fromJsonSchema(Map<String, Object> schema) {
        return parse(JsonSchemaGrammar.toGbnf(schema, "root"));
    }

    /** Any JSON object (OpenAI's {@code json_object}, Ollama's {@code format: "json"}). */
    public static Grammar anyJsonObject() {
        return parse(JsonSchemaGrammar.anyJsonObject());
    }

    /**
     * Fixed text, then a JSON value of {@code schema}, then fixed text: the grammar that forces a
     * tool call in a model's own format, e.g. {@code <tool_call>{"name": "get_weather",
     * "arguments": } + schema + {@code }</tool_call>}.
     */
    public static Grammar jsonSchemaBetween(String prefix, Map<String, Object> schema, String suffix) {
        String inner = JsonSchemaGrammar.toGbnf(schema, "tool-json");
        return parse("root ::= " + literal(prefix) + " tool-json " + literal(suffix) + "\n" + inner);
    }

    /** {@code text} as a GBNF string literal. */
    public static String literal(String text) {
        StringBuilder b = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02X", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** The GBNF text this grammar was compiled from. */
    public String gbnf() {
        return source;
    }

    /** Whether the whole of {@code text} is a string of this grammar. */
    public boolean accepts(String text) {
        GrammarState s = acceptBytes(initial, text.getBytes(StandardCharsets.UTF_8));
        return s != null && s.accepting();
    }

    /** Whether {@code text} can be continued into a string of this grammar (it is a prefix of one). */
    public boolean acceptsPrefix(String text) {
        return acceptBytes(initial, text.getBytes(StandardCharsets.UTF_8)) != null;
    }

    /**
     * This grammar made lazy: it holds only after the output shows {@code marker}, from the
     * byte after it (so its strings do not include the marker), and again after each marker.
     * Tool calls in "auto" mode: the model may answer in free text, but a call it starts is held
     * to the tools' schemas.
     */
    public Grammar afterEach(String marker) {
        return new Grammar(strict, new Trigger(marker, false));
    }

    /** This grammar made lazy: it holds only when the output begins (after white space) with {@code prefix}, from there on. */
    public Grammar whenOutputStartsWith(String prefix) {
        return new Grammar(strict, new Trigger(prefix, true));
    }

    /** Where this grammar starts to hold, or null when it holds from the first token. */
    public Trigger trigger() {
        return trigger;
    }

    /** A per-generation constraint for models with this tokenizer. */
    public TokenConstraint constrain(Tokenizer tokenizer) {
        return new TokenConstraint(this, TokenTrie.of(tokenizer));
    }

    // ------------------------------------------------------------------ the automaton

    GrammarState initial() {
        return initial;
    }

    private GrammarState initialState() {
        Set<Frame> out = new LinkedHashSet<>();
        int p = ruleStart[root];
        while (true) {
            expand(isEnd(p) ? Frame.EMPTY : Frame.push(p, Frame.EMPTY), out);
            while (!isEnd(p)) {
                p++;
            }
            if (type[p] == END) {
                break;
            }
            p++;
        }
        return new GrammarState(out.toArray(new Frame[0]), 0, 0);
    }

    boolean isEnd(int pos) {
        return type[pos] == END || type[pos] == ALT;
    }

    boolean isCharStart(int pos) {
        int t = type[pos];
        return t == CHAR || t == CHAR_NOT || t == CHAR_ANY;
    }

    /**
     * {@code llama_grammar_advance_stack}, iteratively: expands rule references at the top of
     * {@code start} until every stack tops with a terminal (or is empty), adding those to {@code out}.
     */
    void expand(Frame start, Set<Frame> out) {
        if (start == Frame.EMPTY || type[start.pos] != RULE_REF) {
            addStack(start, out); // already a terminal: the common case inside literals and classes
            return;
        }
        ArrayDeque<Frame> todo = new ArrayDeque<>();
        Set<Frame> seen = new HashSet<>();
        todo.push(start);
        while (!todo.isEmpty()) {
            Frame s = todo.pop();
            if (s == Frame.EMPTY || type[s.pos] != RULE_REF) {
                addStack(s, out);
                continue;
            }
            if (!seen.add(s)) {
                continue;
            }
            if (seen.size() > MAX_EXPANSION) {
                throw new GrammarException("the grammar loops: its rules expand without end (left recursion through"
                        + " rules that match nothing?)");
            }
            int after = s.pos + 1;
            Frame rest = isEnd(after) ? s.next : Frame.push(after, s.next);
            int a = ruleStart[value[s.pos]];
            while (true) {
                todo.push(isEnd(a) ? rest : Frame.push(a, rest));
                while (!isEnd(a)) {
                    a++;
                }
                if (type[a] == END) {
                    break;
                }
                a++;
            }
        }
    }

    private static void addStack(Frame s, Set<Frame> out) {
        out.add(s);
        if (out.size() > MAX_STACKS) {
            throw new GrammarException("the grammar is too ambiguous: more than " + MAX_STACKS + " parse stacks at once");
        }
    }

    boolean matchChar(int pos, int c) {
        boolean positive = type[pos] == CHAR || type[pos] == CHAR_ANY;
        boolean found = false;
        do {
            if (type[pos + 1] == CHAR_RNG_UPPER) {
                found |= value[pos] <= c && c <= value[pos + 1];
                pos += 2;
            } else if (type[pos] == CHAR_ANY) {
                found = true;
                pos += 1;
            } else {
                found |= value[pos] == c;
                pos += 1;
            }
        } while (type[pos] == CHAR_ALT);
        return found == positive;
    }

    /** {@code llama_grammar_match_partial_char}: whether some completion of the partial code point matches. */
    boolean matchPartial(int pos, int partialValue, int remain) {
        boolean positive = type[pos] == CHAR || type[pos] == CHAR_ANY;
        if (remain == 1 && partialValue < 2) {
            return false; // overlong
        }
        long low = (long) partialValue << (remain * 6);
        long high = low | ((1L << (remain * 6)) - 1);
        if (low == 0) {
            if (remain == 2) {
                low = 1 << 11;
            } else if (remain == 3) {
                low = 1 << 16;
            }
        }
        do {
            if (type[pos + 1] == CHAR_RNG_UPPER) {
                if (value[pos] <= high && low <= value[pos + 1]) {
                    return positive;
                }
                pos += 2;
            } else if (type[pos] == CHAR_ANY) {
                return true;
            } else {
                if (low <= value[pos] && value[pos] <= high) {
                    return positive;
                }
                pos += 1;
            }
        } while (type[pos] == CHAR_ALT);
        return !positive;
    }

    /** The stacks after matching code point {@code c}; empty when none survives. */
    Frame[] acceptChar(Frame[] stacks, int c) {
        Set<Frame> out = new HashSet<>(); // order does not matter: a state sorts its stacks
        for (Frame s : stacks) {
            if (s == Frame.EMPTY || !isCharStart(s.pos) || !matchChar(s.pos, c)) {
                continue;
            }
            int next = charEnd[s.pos];
            expand(isEnd(next) ? s.next : Frame.push(next, s.next), out);
        }
        return out.toArray(new Frame[0]);
    }

    /** The state after one more byte of text, or null when the grammar rejects it. */
    GrammarState acceptByte(GrammarState state, int b) {
        b &= 0xff;
        int v;
        int remain;
        if (state.partialRemain == 0) {
            if (b < 0x80) {
                return live(acceptChar(state.stacks, b), 0, 0);
            } else if (b >= 0xC2 && b <= 0xDF) { // C0, C1 would be overlong
                v = b & 0x1F;
                remain = 1;
            } else if ((b & 0xF0) == 0xE0) {
                v = b & 0x0F;
                remain = 2;
            } else if (b >= 0xF0 && b <= 0xF4) { // beyond F4 lies past U+10FFFF
                v = b & 0x07;
                remain = 3;
            } else {
                return null;
            }
        } else {
            if ((b & 0xC0) != 0x80 || !validSecondByte(state, b)) {
                return null;
            }
            v = (state.partialValue << 6) | (b & 0x3F);
            remain = state.partialRemain - 1;
            if (remain == 0) {
                return live(acceptChar(state.stacks, v), 0, 0);
            }
        }
        List<Frame> keep = new ArrayList<>();
        for (Frame s : state.stacks) {
            if (s != Frame.EMPTY && isCharStart(s.pos) && matchPartial(s.pos, v, remain)) {
                keep.add(s);
            }
        }
        return live(keep.toArray(new Frame[0]), v, remain);
    }

    /** Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF. */
    private static boolean validSecondByte(GrammarState state, int b) {
        int v = state.partialValue;
        if (state.partialRemain == 2 && v < 0x10) { // second byte of three (v is the lead's 4 bits)
            return !(v == 0 && b < 0xA0) && !(v == 0xD && b > 0x9F);
        }
        if (state.partialRemain == 3 && v < 0x08) { // second byte of four
            return !(v == 0 && b < 0x90) && !(v == 4 && b > 0x8F);
        }
        return true;
    }

    private static GrammarState live(Frame[] stacks, int v, int remain) {
        return stacks.length == 0 ? null : new GrammarState(stacks, v, remain);
    }

    GrammarState acceptBytes(GrammarState state, byte[] bytes) {
        for (int i = 0; i < bytes.length && state != null; i++) {
            state = acceptByte(state, bytes[i]);
        }
        return state;
    }

    /**
     * {@code llama_grammar_accept_token}: stacks topped by a token reference match the token's
     * id, the others its text; null when no stack survives.
     */
    GrammarState acceptToken(GrammarState state, int token, byte[] text) {
        if (!usesTokens) {
            return acceptBytes(state, text);
        }
        Set<Frame> out = new LinkedHashSet<>();
        int partialValue = 0;
        int partialRemain = 0;
        for (Frame s : state.stacks) {
            if (s == Frame.EMPTY) {
                continue;
            }
            int t = type[s.pos];
            if (t == TOKEN || t == TOKEN_NOT) {
                if ((value[s.pos] == token) == (t == TOKEN)) {
                    int next = s.pos + 1;
                    expand(isEnd(next) ? s.next : Frame.push(next, s.next), out);
                }
            } else {
                GrammarState one = acceptBytes(new GrammarState(new Frame[] {s}, state.partialValue,
                        state.partialRemain), text);
                if (one != null) {
                    out.addAll(Arrays.asList(one.stacks));
                    partialValue = one.partialValue;
                    partialRemain = one.partialRemain;
                }
            }
        }
        return live(out.toArray(new Frame[0]), partialValue, partialRemain);
    }

    // ------------------------------------------------------------------ left recursion

    /**
     * llama.cpp's left-recursion check ({@code detect_left_recursion}), verdict for verdict: a
     * rule reachable from itself through leftmost references, looking past references to rules
     * with a literally empty alternative. Loops it lets through (through rules empty only by
     * way of other rules) cannot hang the automaton: {@link #expand} bounds its work.
     */
    private void checkLeftRecursion(GbnfParser parsed) {
        int n = ruleStart.length;
        boolean[] visited = new boolean[n];
        boolean[] inProgress = new boolean[n];
        boolean[] mayBeEmpty = new boolean[n];
        for (int r = 0; r < n; r++) {
            if (!visited[r] && leftRecursive(r, visited, inProgress, mayBeEmpty, 0)) {
                throw new GrammarException("unsupported grammar, left recursion detected for nonterminal '"
                        + parsed.nameOf(r) + "'");
            }
        }
    }

    private boolean leftRecursive(int r, boolean[] visited, boolean[] inProgress, boolean[] mayBeEmpty, int depth) {
        if (inProgress[r]) {
            return true;
        }
        if (depth > MAX_REFERENCE_DEPTH) {
            throw new GrammarException("rules reference each other more than " + MAX_REFERENCE_DEPTH + " levels deep");
        }
        inProgress[r] = true;
        boolean atStart = true;
        for (int p = ruleStart[r]; ; p++) {
            if (isEnd(p)) {
                if (atStart) {
                    mayBeEmpty[r] = true;
                    break;
                }
                atStart = true;
                if (type[p] == END) {
                    break;
                }
            } else {
                atStart = false;
            }
        }
        boolean recurse = true;
        for (int p = ruleStart[r]; ; p++) {
            if (type[p] == RULE_REF && recurse) {
                if (leftRecursive(value[p], visited, inProgress, mayBeEmpty, depth + 1)) {
                    return true;
                }
                if (!mayBeEmpty[value[p]]) {
                    recurse = false;
                }
            } else if (isEnd(p)) {
                recurse = true;
            } else {
                recurse = false;
            }
            if (type[p] == END) {
                break;
            }
        }
        inProgress[r] = false;
        visited[r] = true;
        return false;
    }
}
