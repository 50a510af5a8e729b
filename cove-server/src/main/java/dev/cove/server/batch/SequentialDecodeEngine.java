package dev.cove.server.batch;

import dev.cove.core.model.LlamaModel;
import java.util.List;

/**
 * The reference engine: each sequence of the step through the single-sequence forward pass,
 * one token after another. Correct for any mix of decoding, prefilling and embedding sequences,
 * but every sequence reads all the weights again, so aggregate throughput does not grow with
 * concurrency. A batched engine (one weight read for all decoding sequences) replaces it once
 * {@code cove-core} has a multi-sequence forward.
 */
public final class SequentialDecodeEngine implements DecodeEngine {
    private final LlamaModel model;
    private final HiddenStates hidden;

    public SequentialDecodeEngine(LlamaModel model) {
        this.model = model;
        this.hidden = new HiddenStates(model);
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
                    pooler.add(hidden.read(slot.state()));
                }
            }
        }
    }
}
