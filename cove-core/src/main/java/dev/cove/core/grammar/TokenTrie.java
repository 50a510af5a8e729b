package dev.cove.core.grammar;

import dev.cove.core.tokenizer.Tokenizer;
import dev.cove.core.tokenizer.Vocabulary;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A vocabulary prepared for grammar masks, once per tokenizer: the bytes of every token that
 * can spell text, sorted, with the length of the prefix each shares with the one before. Walking
 * the sorted list is walking a byte trie: the automaton state after a shared prefix is reused,
 * and when a byte is rejected, every following token with that prefix is skipped at once.
 *
 * <p>Left out of the text tokens: control tokens (rendered as nothing, so their text is not
 * output text), unused and unknown tokens, tokens with no bytes, and end-of-generation tokens,
 * which the constraint allows only where the grammar accepts.
 */
final class TokenTrie {
    private static final Map<Tokenizer, TokenTrie> CACHE = new WeakHashMap<>();

    final int vocabularySize;
    final byte[][] bytes;      // by token id; null when not a text token
    final int[] order;         // text token ids in byte order
    final int[] sharedPrefix;  // sharedPrefix[i]: bytes order[i] shares with order[i - 1]
    final int[] endOfGeneration;
    final int maxLength;
    /** The text of each control token (not output text, but what a lazy grammar's trigger may be), by id. */
    private final Map<Integer, String> controlText = new java.util.HashMap<>();

    private TokenTrie(Tokenizer tokenizer) {
        Vocabulary v = tokenizer.vocabulary();
        vocabularySize = v.size();
        bytes = new byte[vocabularySize][];
        int count = 0;
        int longest = 0;
        for (int id = 0; id < vocabularySize; id++) {
            if (v.isControl(id) || v.isUnused(id) || v.isUnknown(id) || v.isEndOfGeneration(id)) {
                if (v.isControl(id) && !v.isEndOfGeneration(id)) {
                    controlText.put(id, v.tokenText(id));
                }
                continue;
            }
            byte[] b = tokenizer.tokenBytes(id);
            if (b.length == 0) {
                continue;
            }
            bytes[id] = b;
            count++;
            longest = Math.max(longest, b.length);
        }
        Integer[] ids = new Integer[count];
        int k = 0;
        for (int id = 0; id < vocabularySize; id++) {
            if (bytes[id] != null) {
                ids[k++] = id;
            }
        }
        Arrays.sort(ids, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        order = new int[count];
        sharedPrefix = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = ids[i];
            if (i > 0) {
                byte[] p = bytes[ids[i - 1]];
                byte[] c = bytes[ids[i]];
                int m = Arrays.mismatch(p, c);
                sharedPrefix[i] = m < 0 ? p.length : m;
            }
        }
        endOfGeneration = v.endOfGenerationIds();
        maxLength = longest;
    }

    static TokenTrie of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, TokenTrie::new);
        }
    }

    /** The text of control token {@code token}, or null when it is not one. */
    String controlText(int token) {
        return controlText.get(token);
    }

    boolean isEndOfGeneration(int token) {
        return Arrays.binarySearch(endOfGeneration, token) >= 0;
    }
}
