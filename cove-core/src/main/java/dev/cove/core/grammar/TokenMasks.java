package dev.cove.core.grammar;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The text tokens each grammar state allows, for one grammar and one vocabulary, computed by
 * walking the {@link TokenTrie} and cached per state (least recently used first out, within
 * {@value #CACHE_BYTES} bytes of masks). Within a JSON string or a run of digits the state
 * repeats from token to token, so most tokens find their mask here. Shared by every generation
 * with the same grammar and tokenizer; thread-safe.
 */
final class TokenMasks {
    static final long CACHE_BYTES = 64L << 20;
    private static final Map<Grammar, Map<TokenTrie, TokenMasks>> ALL = new WeakHashMap<>();

    private final Grammar grammar;
    private final TokenTrie trie;
    private final Map<GrammarState, long[]> cache;

    private TokenMasks(Grammar grammar, TokenTrie trie) {
        this.grammar = grammar;
        this.trie = trie;
        int words = (trie.vocabularySize + 63) >>> 6;
        int entries = (int) Math.max(16, CACHE_BYTES / (8L * words + 64));
        this.cache = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<GrammarState, long[]> eldest) {
                return size() > entries;
            }
        };
    }

    static TokenMasks of(Grammar grammar, TokenTrie trie) {
        synchronized (ALL) {
            return ALL.computeIfAbsent(grammar, g -> new WeakHashMap<>())
                    .computeIfAbsent(trie, t -> new TokenMasks(grammar, t));
        }
    }

    /** Bit t set: text token t may come next (end-of-generation tokens are never set). */
    long[] mask(GrammarState state) {
        synchronized (cache) {
            long[] m = cache.get(state);
            if (m != null) {
                return m;
            }
        }
        long[] m = compute(state);
        synchronized (cache) {
            cache.put(state, m);
        }
        return m;
    }

    private long[] compute(GrammarState state) {
        Transitions transitions = new Transitions(grammar);
        state = transitions.intern(state.copy()); // a private copy: the transition rows hang on it
        long[] mask = new long[(trie.vocabularySize + 63) >>> 6];
        int[] order = trie.order;
        int[] shared = trie.sharedPrefix;
        GrammarState[] at = new GrammarState[trie.maxLength + 1];
        at[0] = state;
        int n = order.length;
        int i = 0;
        while (i < n) {
            int token = order[i];
            byte[] b = trie.bytes[token];
            int j = shared[i];
            while (j < b.length) {
                GrammarState next = transitions.step(at[j], b[j]);
                if (next == null) {
                    break;
                }
                at[++j] = next;
            }
            if (j == b.length) {
                mask[token >>> 6] |= 1L << token;
                i++;
            } else {
                // Every following token that shares bytes 0..j with this one fails at the same byte.
                i++;
                while (i < n && shared[i] > j) {
                    i++;
                }
            }
        }
        if (grammar.usesTokens) {
            addTokenReferences(state, mask);
        }
        return mask;
    }

    /** Stacks topped by {@code <[id]>} allow that token; {@code !<[id]>} allows every other one. */
    private void addTokenReferences(GrammarState state, long[] mask) {
        for (Frame s : state.stacks) {
            if (s == Frame.EMPTY) {
                continue;
            }
            int t = grammar.type[s.pos];
            int id = grammar.value[s.pos];
            if (t == Grammar.TOKEN && id < trie.vocabularySize) {
                mask[id >>> 6] |= 1L << id;
            } else if (t == Grammar.TOKEN_NOT) {
                for (int token = 0; token < trie.vocabularySize; token++) {
                    if (token != id && !trie.isEndOfGeneration(token)) {
                        mask[token >>> 6] |= 1L << token;
                    }
                }
            }
        }
    }

    /**
     * The automaton's byte transitions met during one trie walk, each computed once: the walk
     * crosses the same few states over and over (inside a JSON string every ordinary character
     * leads back to the same state), so most of its steps become a lookup in the row of 256
     * next states hung on each (interned, private) state.
     */
    private static final class Transitions {
        private static final GrammarState DEAD = new GrammarState(new Frame[0], 0, 0);
        private final Grammar grammar;
        private final Map<GrammarState, GrammarState> canonical = new java.util.HashMap<>();

        Transitions(Grammar grammar) {
            this.grammar = grammar;
        }

        GrammarState intern(GrammarState s) {
            GrammarState c = canonical.putIfAbsent(s, s);
            return c == null ? s : c;
        }

        /** The state after byte {@code b}, or null when the grammar rejects it. */
        GrammarState step(GrammarState s, byte b) {
            GrammarState[] row = s.next;
            if (row == null) {
                row = new GrammarState[256];
                s.next = row;
            }
            GrammarState next = row[b & 0xff];
            if (next == null) {
                next = grammar.acceptByte(s, b);
                next = next == null ? DEAD : intern(next);
                row[b & 0xff] = next;
            }
            return next == DEAD ? null : next;
        }
    }
}
