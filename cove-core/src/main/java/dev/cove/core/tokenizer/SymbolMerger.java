package dev.cove.core.tokenizer;

/**
 * The merge loop both tokenizers share: the symbols of a text as a linked list over it, merged
 * pair by pair in the order a {@link BigramQueue} gives (best score for SentencePiece, lowest
 * merge rank for BPE). Subclasses fill {@link #start} and {@link #length}, decide which pairs
 * may merge in {@link #queueBigram}, and read the result by following {@link #next} from 0.
 */
abstract class SymbolMerger {
    final BigramQueue queue = new BigramQueue();
    int[] start = new int[16];
    int[] length = new int[16];
    int[] prev = new int[16];
    int[] next = new int[16];

    /** Makes room for {@code n} symbols (the arrays are reused between texts). */
    final void reserve(int n) {
        if (start.length < n) {
            int capacity = Math.max(n, start.length * 2);
            start = new int[capacity];
            length = new int[capacity];
            prev = new int[capacity];
            next = new int[capacity];
        }
    }

    /** Links symbols {@code 0..n-1} in order, then merges queued pairs until none is left. */
    final void mergeAll(int n) {
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        queue.clear();
        for (int i = 1; i < n; i++) {
            queueBigram(i - 1, i);
        }
        while (!queue.isEmpty()) {
            queue.pop();
            int left = queue.left();
            int right = queue.right();
            // skip pairs one of whose symbols has changed since the pair was queued
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != queue.size()) {
                continue;
            }
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            queueBigram(prev[left], left);
            queueBigram(left, next[left]);
        }
    }

    /** Queues the pair when its two symbols may merge; {@code -1} on either side means there is no pair. */
    abstract void queueBigram(int left, int right);
}
