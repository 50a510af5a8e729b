package dev.cove.server.batch;

/** What the scheduler tells the thread serving a request, in order: {@link Admitted}, then text, then one end. */
public sealed interface GenerationEvent {

    /** The request left the queue and has a slot; {@code reusedTokens} of its prompt were already cached. */
    record Admitted(int promptTokens, int reusedTokens) implements GenerationEvent {
    }

    /** Newly generated text (complete characters, stop strings withheld). Never empty. */
    record Text(String text) implements GenerationEvent {
    }

    /** A sampled token's log-probability, before the text it adds (only when the job asks for them). */
    record Logprob(dev.cove.core.sample.TokenLogprobs value) implements GenerationEvent {
    }

    /** Generation ended normally; {@code tokens} are the ids sampled, in order (an end-of-generation token included). */
    record Finished(FinishReason reason, Usage usage, int[] tokens) implements GenerationEvent {
    }

    /** Embeddings, one unit vector per input, in input order. */
    record Embedded(float[][] vectors, Usage usage) implements GenerationEvent {
    }

    /**
     * The request could not be served. {@code status} is the HTTP status it maps to: 503 when it
     * waited too long in the queue or the server is stopping, 500 when the engine failed, 501
     * for a missing engine capability.
     */
    record Failed(int status, String message) implements GenerationEvent {
    }

    /**
     * Token counts and timings of one request.
     *
     * @param promptTokens    tokens of the prompt(s)
     * @param reusedTokens    of those, tokens whose KV entries were already cached
     * @param generatedTokens tokens sampled (the end-of-generation token included)
     * @param queueNanos      waiting in the queue
     * @param promptNanos     from admission to the first token's logits
     * @param generationNanos from the first sampled token to the end
     */
    record Usage(int promptTokens, int reusedTokens, int generatedTokens, long queueNanos, long promptNanos,
            long generationNanos) {
    }
}
