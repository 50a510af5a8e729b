package dev.cove.server.batch;

import java.util.List;

/**
 * Runs one scheduler step: every active sequence's pending input through the model.
 *
 * <p>Each {@link ActiveSequence} in the batch brings {@link ActiveSequence#inputLength()} tokens
 * (one sampled token while decoding, a chunk of its prompt while prefilling) to be fed at
 * positions {@code slot.length() ...} of its {@link KvSlot}. After the step each token has been
 * {@linkplain KvSlot#append appended} to the slot, the slot's {@code state().logits()} hold the
 * logits of the last input token when {@link ActiveSequence#wantsLogits()}, and, for an
 * embedding sequence, every input token's final hidden state has been added to its
 * {@link ActiveSequence#pooler()}.
 *
 * <p>Implementations decide how: {@link SequentialDecodeEngine} runs the sequences one after
 * another; a batched engine reads each weight once for all decoding sequences (the point of
 * continuous batching on a memory-bound CPU). Called by the scheduler thread only; an exception
 * fails every sequence of the batch.
 */
public interface DecodeEngine {

    void step(List<ActiveSequence> batch);

    /** A short name for logs and metrics. */
    default String name() {
        return getClass().getSimpleName();
    }
}
