package dev.cove.core.batch;

import dev.cove.core.generate.StopStringFilter;
import dev.cove.core.grammar.TokenConstraint;
import dev.cove.core.model.ForwardState;
import dev.cove.core.sample.Sampler;
import dev.cove.core.tokenizer.StreamingDecoder;

/** A row being generated: its cache, sampler, text so far and where it stands. Owned by the generator's thread. */
final class RowSequence {
    final BatchRow row;
    final ForwardState state;
    final Sampler sampler;
    final TokenConstraint constraint; // null without a grammar
    final StreamingDecoder decoder;
    final StopStringFilter stops;
    final StringBuilder text = new StringBuilder();
    final int promptTokens;
    final int maxTokens;
    /** Tokens in the cache: the position the next token is fed at. */
    int position;
    int generated;
    /** The token sampled last, fed at the next step. */
    int next;

    RowSequence(BatchRow row, ForwardState state, Sampler sampler, TokenConstraint constraint,
            StreamingDecoder decoder, StopStringFilter stops, int promptTokens, int maxTokens) {
        this.row = row;
        this.state = state;
        this.sampler = sampler;
        this.constraint = constraint;
        this.decoder = decoder;
        this.stops = stops;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.position = promptTokens;
    }

    BatchResult finished(FinishReason reason) {
        text.append(stops.accept(decoder.finish())).append(stops.flush());
        return new BatchResult(row.id(), text.toString(), promptTokens, generated, reason, null);
    }

    BatchResult failed(String error) {
        return BatchResult.failed(row.id(), promptTokens, error);
    }
}
