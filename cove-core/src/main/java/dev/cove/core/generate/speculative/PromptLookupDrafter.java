package dev.cove.core.generate.speculative;

/**
 * Prompt-lookup (n-gram) drafting, as llama.cpp's {@code --lookup} and prompt-lookup decoding do:
 * the last n tokens of the context (n from {@code maxNgram} down to {@code minNgram}) are looked
 * for earlier in the context, and the tokens that followed their most recent earlier occurrence
 * are proposed. Editing code or a document repeats long runs of the input, which this finds for
 * the cost of a scan of the context, with no model at all.
 */
public final class PromptLookupDrafter implements Drafter {
    private final int maxDraft;
    private final int minNgram;
    private final int maxNgram;

    public PromptLookupDrafter(int maxDraft, int minNgram, int maxNgram) {
        if (maxDraft < 1) {
            throw new IllegalArgumentException("a draft has at least 1 token, not " + maxDraft);
        }
        if (minNgram < 1 || maxNgram < minNgram) {
            throw new IllegalArgumentException("n-gram sizes must satisfy 1 <= min <= max, not " + minNgram + ".."
                    + maxNgram);
        }
        this.maxDraft = maxDraft;
        this.minNgram = minNgram;
        this.maxNgram = maxNgram;
    }

    @Override
    public int maxDraft() {
        return maxDraft;
    }

    @Override
    public int draft(int[] context, int length, int max, int[] out) {
        int limit = Math.min(max, maxDraft);
        if (limit <= 0) {
            return 0;
        }
        for (int n = Math.min(maxNgram, length - 1); n >= minNgram; n--) {
            int suffix = length - n;
            // The most recent earlier occurrence: nearby text is the likeliest to be repeated next.
            for (int start = suffix - 1; start >= 0; start--) {
                if (matches(context, start, suffix, n)) {
                    int from = start + n;
                    int count = Math.min(limit, length - from);
                    System.arraycopy(context, from, out, 0, count);
                    return count;
                }
            }
        }
        return 0;
    }

    private static boolean matches(int[] context, int at, int suffix, int n) {
        for (int i = 0; i < n; i++) {
            if (context[at + i] != context[suffix + i]) {
                return false;
            }
        }
        return true;
    }
}
