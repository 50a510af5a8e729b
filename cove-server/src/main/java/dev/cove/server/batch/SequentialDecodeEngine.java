package dev.cove.server.batch;

import dev.cove.core.model.Transformer;
import java.util.List;

/**
 * The reference engine: each sequence of the step through the single-sequence forward pass,
 * one token after another. Correct for any mix of decoding, prefilling and embedding sequences,
 * but every sequence reads all the weights again, so aggregate throughput does not grow with
 * concurrency: {@link BatchedDecodeEngine} is what the server runs; this one is kept for tests
 * and comparison.
 */
public final class SequentialDecodeEngine implements DecodeEngine {
    private final Transformer model;
    private final float[] hidden;

    public SequentialDecodeEngine(Transformer model) {
        this.model = model;
        this.hidden = new float[model.config().embeddingLength()];
    }

    @Override
    public void step(List<ActiveSequence> batch) {
        for (int i = 0; i < batch.size(); i++) {
            ActiveSequence seq = batch.get(i);
            KvSlot slot = seq.slot();
            int[] input = seq.input();
            int end = seq.inputOffset() + seq.inputLength();
            MeanPooler pooler = seq.pooler();
            for (int t = seq.inputOffset(); t < end; t++) {
                boolean logits = t == end - 1 && seq.wantsLogits();
                model.forward(slot.state(), input[t], slot.length(), logits);
                slot.append(input[t]);
                if (pooler != null) {
                    model.hiddenState(slot.state(), hidden);
                    pooler.add(hidden, 0);
                }
            }
        }
    }
}
