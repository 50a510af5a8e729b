package dev.cove.core.tokenizer;

import java.util.Arrays;

/**
 * The merge work queue of the SentencePiece and BPE tokenizers: a binary min-heap of candidate
 * merges (left symbol, right symbol, merged size) ordered by a priority key, ties going to the
 * leftmost pair, held in parallel primitive arrays so that tokenizing allocates no object per
 * candidate. Stale entries are left in the heap and skipped by the caller when popped.
 */
final class BigramQueue {
    private double[] key = new double[64];
    private int[] left = new int[64];
    private int[] right = new int[64];
    private int[] size = new int[64];
    private int count;

    private double topKey;
    private int topLeft;
    private int topRight;
    private int topSize;

    boolean isEmpty() {
        return count == 0;
    }

    void clear() {
        count = 0;
    }

    void push(double k, int l, int r, int s) {
        if (count == key.length) {
            int n = count * 2;
            key = Arrays.copyOf(key, n);
            left = Arrays.copyOf(left, n);
            right = Arrays.copyOf(right, n);
            size = Arrays.copyOf(size, n);
        }
        int i = count++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(k, l, key[parent], left[parent])) {
                break;
            }
            set(i, parent);
            i = parent;
        }
        key[i] = k;
        left[i] = l;
        right[i] = r;
        size[i] = s;
    }

    /** Removes the first entry; read it with {@link #left()}, {@link #right()}, {@link #size()}. */
    void pop() {
        topKey = key[0];
        topLeft = left[0];
        topRight = right[0];
        topSize = size[0];
        int last = --count;
        if (last == 0) {
            return;
        }
        double k = key[last];
        int l = left[last];
        int r = right[last];
        int s = size[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && less(key[child + 1], left[child + 1], key[child], left[child])) {
                child++;
            }
            if (!less(key[child], left[child], k, l)) {
                break;
            }
            set(i, child);
            i = child;
        }
        key[i] = k;
        left[i] = l;
        right[i] = r;
        size[i] = s;
    }

    double key() {
        return topKey;
    }

    int left() {
        return topLeft;
    }

    int right() {
        return topRight;
    }

    int size() {
        return topSize;
    }

    private void set(int to, int from) {
        key[to] = key[from];
        left[to] = left[from];
        right[to] = right[from];
        size[to] = size[from];
    }

    private static boolean less(double k1, int l1, double k2, int l2) {
        return k1 < k2 || (k1 == k2 && l1 < l2);
    }
}
