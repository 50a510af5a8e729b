package dev.cove.core.route;

import java.util.Arrays;

/**
 * Where each weighted bucket sits in a classifier's arrays: an open-addressing hash table, so that
 * routing a request costs one probe per n-gram rather than a binary search. Immutable.
 */
final class BucketIndex {
    private static final int EMPTY = -1; // buckets are never negative
    private final int[] keys;
    private final int[] positions;
    private final int mask;

    /** Indexes {@code buckets} (distinct, non-negative): {@link #position} of {@code buckets[i]} is i. */
    BucketIndex(int[] buckets) {
        int capacity = Integer.highestOneBit(Math.max(4, buckets.length * 2 - 1)) << 1;
        keys = new int[capacity];
        positions = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < buckets.length; i++) {
            int slot = slot(buckets[i]);
            while (keys[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = buckets[i];
            positions[slot] = i;
        }
    }

    /** The position of {@code bucket}, or -1 when it has none. */
    int position(int bucket) {
        int slot = slot(bucket);
        while (true) {
            int k = keys[slot];
            if (k == bucket) {
                return positions[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int slot(int bucket) {
        return (bucket * 0x9E3779B1) >>> 7 & mask; // buckets are already hashes; this spreads their low bits
    }
}
