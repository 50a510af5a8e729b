package dev.cove.core.grammar;

/**
 * A grammar applied to one generation: before each token, {@link #apply} sets the logit of every
 * token that cannot continue a string of the grammar to {@code -infinity} (tokens that span
 * several grammar symbols or end inside a UTF-8 character are judged byte by byte), and
 * end-of-generation tokens survive only where the text so far is a complete string; after it,
 * {@link #accept} advances the automaton. When the grammar is {@linkplain #isComplete complete}
 * (nothing may follow), only end-of-generation tokens remain, and a generation loop should stop.
 *
 * <p>Cost per token: a cache lookup keyed by the automaton state, one pass over the logits, and
 * the advance by the sampled token's bytes; a state seen for the first time walks the
 * vocabulary's byte trie once. Not thread-safe: one generation, one thread.
 */
public final class TokenConstraint {
    private final Grammar grammar;
    private final TokenTrie trie;
    private final TokenMasks masks;
    private GrammarState state;
    private final float[] savedEndOfGeneration;

    TokenConstraint(Grammar grammar, TokenTrie trie) {
        this.grammar = grammar;
        this.trie = trie;
        this.masks = TokenMasks.of(grammar, trie);
        this.state = grammar.initial();
        this.savedEndOfGeneration = new float[trie.endOfGeneration.length];
    }

    public Grammar grammar() {
        return grammar;
    }

    /** Back to the start of the grammar, for a new generation. */
    public void reset() {
        state = grammar.initial();
    }

    /** Whether the text so far is a complete string of the grammar (end of generation allowed). */
    public boolean isAccepting() {
        return state.accepting();
    }

    /** Whether the text is complete and the grammar allows nothing after it. */
    public boolean isComplete() {
        return state.complete();
    }

    /** Whether {@code token} may come next. */
    public boolean allows(int token) {
        if (trie.isEndOfGeneration(token)) {
            return state.accepting();
        }
        if (token < 0 || token >= trie.vocabularySize) {
            return false;
        }
        long[] mask = masks.mask(state);
        return (mask[token >>> 6] & (1L << token)) != 0;
    }

    /**
     * Sets {@code logits[t] = -infinity} for each token {@code t < vocabSize} the grammar does
     * not allow next (ids beyond the tokenizer's vocabulary included).
     */
    public void apply(float[] logits, int vocabSize) {
        long[] mask = masks.mask(state);
        int eogKept = 0;
        float[] eogValues = savedEndOfGeneration;
        boolean accepting = state.accepting();
        int[] eog = trie.endOfGeneration;
        if (accepting) {
            for (int i = 0; i < eog.length; i++) {
                if (eog[i] < vocabSize) {
                    eogValues[i] = logits[eog[i]];
                    eogKept++;
                }
            }
        }
        int limit = Math.min(vocabSize, trie.vocabularySize);
        for (int w = 0, base = 0; base < limit; w++, base += 64) {
            long bits = mask[w];
            if (bits == -1L && base + 64 <= limit) {
                continue;
            }
            int end = Math.min(base + 64, limit);
            for (int t = base; t < end; t++) {
                if ((bits & (1L << t)) == 0) {
                    logits[t] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        for (int t = limit; t < vocabSize; t++) {
            logits[t] = Float.NEGATIVE_INFINITY;
        }
        if (eogKept > 0) {
            for (int i = 0; i < eog.length; i++) {
                if (eog[i] < vocabSize) {
                    logits[eog[i]] = eogValues[i];
                }
            }
        }
    }

    /**
     * Advances past {@code token}. An end-of-generation token changes nothing (it is allowed
     * only where the grammar accepts).
     *
     * @throws GrammarException when the grammar does not allow the token here
     */
    public void accept(int token) {
        if (trie.isEndOfGeneration(token)) {
            if (!state.accepting()) {
                throw new GrammarException("end of generation is not allowed here: the grammar's text is incomplete");
            }
            return;
        }
        byte[] text = token >= 0 && token < trie.vocabularySize ? trie.bytes[token] : null;
        GrammarState next = text == null && !grammar.usesTokens ? null
                : grammar.acceptToken(state, token, text == null ? new byte[0] : text);
        if (next == null) {
            throw new GrammarException("token " + token + " is not allowed by the grammar here");
        }
        state = next;
    }
}
