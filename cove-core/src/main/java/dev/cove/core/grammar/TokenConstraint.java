package dev.cove.core.grammar;

import dev.cove.core.sample.Sampler;

/**
 * A grammar applied to one generation: before each token, {@link #apply} sets the logit of every
 * token that cannot continue a string of the grammar to {@code -infinity} (tokens that span
 * several grammar symbols or end inside a UTF-8 character are judged byte by byte), and
 * end-of-generation tokens survive only where the text so far is a complete string; after it,
 * {@link #accept} advances the automaton. When the grammar is {@linkplain #isComplete complete}
 * (nothing may follow), only end-of-generation tokens remain, and a generation loop should stop.
 *
 * <p>Cost per token: {@link #sample} advances the automaton by the sampler's pick and is done when
 * the grammar allows it; only a refused pick costs the mask: a cache lookup keyed by the
 * automaton state (a state seen for the first time walks the vocabulary's byte trie once) and one
 * pass over the logits. Not thread-safe: one generation, one thread.
 *
 * <p>A lazy grammar ({@link Grammar#trigger}) leaves the output free, allowing every token,
 * until its trigger appears; the grammar then holds until one of its strings is complete, and
 * the output is free again.
 */
public final class TokenConstraint {
    private final Grammar grammar;
    private final TokenTrie trie;
    private final TokenMasks masks;
    private final TriggerWatch watch; // null when the grammar holds from the first token
    private boolean holding;          // whether the grammar holds now (always, without a trigger)
    private GrammarState state;
    private final float[] savedEndOfGeneration;
    // The last advance judged by allows(), reused by accept(): the state it started from, the
    // token, and the state after it (null when refused).
    private GrammarState checkedFrom;
    private int checkedToken = -1;
    private GrammarState checkedNext;

    TokenConstraint(Grammar grammar, TokenTrie trie) {
        this.grammar = grammar;
        this.trie = trie;
        this.masks = TokenMasks.of(grammar.strict, trie);
        this.watch = grammar.trigger() == null ? null : new TriggerWatch(grammar.trigger(), trie);
        this.holding = watch == null;
        this.state = grammar.initial();
        this.savedEndOfGeneration = new float[trie.endOfGeneration.length];
    }

    public Grammar grammar() {
        return grammar;
    }

    /** Back to the start of the grammar, for a new generation. */
    public void reset() {
        state = grammar.initial();
        holding = watch == null;
        if (watch != null) {
            watch.reset();
        }
    }

    /** Whether the grammar holds now: always without a trigger, else from the trigger to the end of a string of it. */
    public boolean isHolding() {
        return holding;
    }

    /** Whether the text so far is a complete string of the grammar (end of generation allowed). */
    public boolean isAccepting() {
        return !holding || state.accepting();
    }

    /**
     * Whether the text is complete and the grammar allows nothing after it. Never for a lazy
     * grammar: after one of its strings the output is free again.
     */
    public boolean isComplete() {
        return watch == null && state.complete();
    }

    /**
     * Whether {@code token} may come next. A text token is judged by advancing the automaton over
     * its bytes (microseconds), not by the state's mask (a walk of the whole vocabulary the first
     * time a state is met); the advance is kept for {@link #accept}.
     */
    public boolean allows(int token) {
        if (!holding) {
            return true;
        }
        if (trie.isEndOfGeneration(token)) {
            return state.accepting();
        }
        if (token < 0 || token >= trie.vocabularySize) {
            return false;
        }
        byte[] text = trie.bytes[token];
        if (text == null) { // a control token: only a token reference of the grammar admits it
            long[] mask = masks.mask(state);
            return (mask[token >>> 6] & (1L << token)) != 0;
        }
        if (checkedFrom != state || checkedToken != token) {
            checkedFrom = state;
            checkedToken = token;
            checkedNext = grammar.acceptToken(state, token, text);
        }
        return checkedNext != null;
    }

    /**
     * The next token, drawn by {@code sampler} under the grammar, in llama.cpp's order: the
     * sampler first picks from the row as it is, and only when the grammar refuses that pick are
     * the refused tokens masked and a second pick drawn. Most picks of a model that follows its
     * instructions are allowed, so most tokens cost one automaton advance instead of a mask.
     * The result has the masked distribution: a pick accepted at the first draw is a draw
     * conditioned on the allowed set, and the second draw is exactly that. Greedy picks equal
     * the argmax of the masked row. When the mask is applied, {@code logits} is changed.
     */
    public int sample(Sampler sampler, float[] logits, int vocabSize) {
        int token = sampler.sample(logits, vocabSize);
        if (!holding || allows(token)) {
            return token;
        }
        apply(logits, vocabSize);
        return sampler.sample(logits, vocabSize);
    }

    /**
     * Sets {@code logits[t] = -infinity} for each token {@code t < vocabSize} the grammar does
     * not allow next (ids beyond the tokenizer's vocabulary included).
     */
    public void apply(float[] logits, int vocabSize) {
        if (!holding) {
            return;
        }
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
        if (!holding) {
            byte[] held = watch.feed(token);
            if (held != null) {
                // From here the grammar holds. Should the bytes after the trigger not begin one of
                // its strings, the output stays free: a constraint cannot undo what was written.
                GrammarState start = grammar.acceptBytes(grammar.initial(), held);
                if (start != null) {
                    state = start;
                    holding = true;
                    releaseIfDone();
                }
            }
            return;
        }
        if (trie.isEndOfGeneration(token)) {
            if (!state.accepting()) {
                throw new GrammarException("end of generation is not allowed here: the grammar's text is incomplete");
            }
            return;
        }
        byte[] text = token >= 0 && token < trie.vocabularySize ? trie.bytes[token] : null;
        GrammarState next;
        if (text != null && checkedFrom == state && checkedToken == token) {
            next = checkedNext;
        } else {
            next = text == null && !grammar.usesTokens ? null
                    : grammar.acceptToken(state, token, text == null ? new byte[0] : text);
        }
        if (next == null) {
            throw new GrammarException("token " + token + " is not allowed by the grammar here");
        }
        state = next;
        releaseIfDone();
    }

    /** A lazy grammar whose string is complete lets the output go free, watching for the next trigger. */
    private void releaseIfDone() {
        if (watch != null && state.complete()) {
            holding = false;
            state = grammar.initial();
            watch.rearm();
        }
    }
}
