package dev.cove.server.batch;

import dev.cove.core.model.DecodeBatch;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import java.util.List;

/**
 * The continuous-batching engine: every sequence that is decoding feeds its sampled token in one
 * {@link Transformer#forwardDecode} call, so each weight is read once per step for all of them
 * (decoding on a CPU is bound by reading the weights, so the step costs little more than one
 * sequence's token); each prompt chunk goes through {@link Transformer#forwardBatch} (or
 * {@link Transformer#hiddenStates} for an embedding), itself a matrix-matrix product over the
 * chunk. Its buffers grow to the largest step seen and are then reused, so a step allocates
 * nothing. Called by the scheduler thread only.
 */
public final class BatchedDecodeEngine implements DecodeEngine {
    private final Transformer model;
    private final int dim;
    private DecodeBatch decode;
    private ForwardState[] states = new ForwardState[0];
    private int[] tokens = new int[0];
    private int[] positions = new int[0];
    private float[] hidden = new float[0];

    public BatchedDecodeEngine(Transformer model) {
        this.model = model;
        this.dim = model.config().embeddingLength();
    }

    @Override
    public void step(List<ActiveSequence> batch) {
        decodeAll(batch);
        for (int i = 0; i < batch.size(); i++) {
            ActiveSequence seq = batch.get(i);
            if (!seq.decoding() && seq.inputLength() > 0) {
                evaluatePrompt(seq);
            }
        }
    }

    /** One forward of the sampled tokens of all decoding sequences. */
    private void decodeAll(List<ActiveSequence> batch) {
        int count = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).decoding()) {
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        ensureDecodeCapacity(count);
        int n = 0;
        for (int i = 0; i < batch.size(); i++) {
            ActiveSequence seq = batch.get(i);
            if (seq.decoding()) {
                KvSlot slot = seq.slot();
                states[n] = slot.state();
                tokens[n] = seq.input()[seq.inputOffset()];
                positions[n] = slot.length();
                n++;
            }
        }
        try {
            model.forwardDecode(decode, states, tokens, positions, count, true);
        } finally {
            java.util.Arrays.fill(states, 0, count, null);
        }
        n = 0;
        for (int i = 0; i < batch.size(); i++) {
            ActiveSequence seq = batch.get(i);
            if (seq.decoding()) {
                seq.slot().append(tokens[n++]);
            }
        }
    }

    private void evaluatePrompt(ActiveSequence seq) {
        KvSlot slot = seq.slot();
        int[] input = seq.input();
        int offset = seq.inputOffset();
        int length = seq.inputLength();
        MeanPooler pooler = seq.pooler();
        if (pooler == null) {
            model.forwardBatch(slot.state(), input, offset, length, slot.length(), seq.wantsLogits());
        } else {
            if (hidden.length < length * dim) {
                hidden = new float[length * dim];
            }
            model.hiddenStates(slot.state(), input, offset, length, slot.length(), hidden);
            for (int t = 0; t < length; t++) {
                pooler.add(hidden, t * dim);
            }
        }
        for (int t = offset; t < offset + length; t++) {
            slot.append(input[t]);
        }
    }

    private void ensureDecodeCapacity(int count) {
        if (decode == null || decode.capacity() < count) {
            decode = model.newDecodeBatch(count);
            states = new ForwardState[count];
            tokens = new int[count];
            positions = new int[count];
        }
    }
}
