package dev.cove.server.batch;

import dev.cove.core.model.Transformer;
import java.util.ArrayList;
import java.util.List;

/**
 * The KV slots of one model, at most {@code capacity} of them, created when first needed and
 * kept afterwards (their memory is the server's idle footprint). A new generation gets the free
 * slot holding the longest prefix of its prompt; when none holds any, a slot not yet created, and
 * failing that the least recently used one, so that useful caches survive longest.
 *
 * <p>Used by the scheduler thread only, except {@link #busy}, which any thread may read.
 */
final class SlotPool {
    private final Transformer model;
    private final int capacity;
    private final int contextLength;
    private final List<KvSlot> slots = new ArrayList<>();
    /** Slots marked busy: written by the scheduler thread, read by metrics from any thread. */
    private volatile int busyCount;

    SlotPool(Transformer model, int capacity, int contextLength) {
        if (capacity < 1) {
            throw new IllegalArgumentException("at least one slot is needed, not " + capacity);
        }
        this.model = model;
        this.capacity = capacity;
        this.contextLength = contextLength;
    }

    int contextLength() {
        return contextLength;
    }

    /** Slots in use. */
    int busy() {
        return busyCount;
    }

    /** Slots created so far. */
    int created() {
        return slots.size();
    }

    boolean hasFree() {
        return busy() < capacity;
    }

    /**
     * A free slot for {@code prompt}, marked busy, or null when all are busy. The slot keeps the
     * longest prefix of the prompt it holds, minus one token when it holds all of it (the last
     * prompt token must be evaluated again for fresh logits); everything after is dropped.
     */
    KvSlot acquireFor(int[] prompt) {
        KvSlot best = null;
        int bestCommon = 0;
        for (KvSlot s : slots) {
            if (!s.busy) {
                int common = s.commonPrefix(prompt);
                if (common > bestCommon) {
                    best = s;
                    bestCommon = common;
                }
            }
        }
        if (best == null) {
            return acquireEmpty();
        }
        best.truncate(Math.min(bestCommon, prompt.length - 1));
        markBusy(best);
        return best;
    }

    /** A free slot emptied of its tokens, marked busy, or null when all are busy. */
    KvSlot acquireEmpty() {
        KvSlot chosen = null;
        if (slots.size() < capacity) {
            chosen = new KvSlot(slots.size(), model, contextLength);
            slots.add(chosen);
        } else {
            for (KvSlot s : slots) {
                if (!s.busy && (chosen == null || s.lastUsedNanos < chosen.lastUsedNanos)) {
                    chosen = s;
                }
            }
            if (chosen == null) {
                return null;
            }
        }
        chosen.truncate(0);
        markBusy(chosen);
        return chosen;
    }

    private void markBusy(KvSlot slot) {
        slot.busy = true;
        busyCount++;
    }

    void release(KvSlot slot, boolean keepCache) {
        if (!keepCache) {
            slot.truncate(0);
        }
        slot.lastUsedNanos = System.nanoTime();
        if (slot.busy) {
            slot.busy = false;
            busyCount--;
        }
    }
}
