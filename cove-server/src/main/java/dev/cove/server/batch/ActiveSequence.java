package dev.cove.server.batch;

import dev.cove.core.generate.StopStringFilter;
import dev.cove.core.grammar.TokenConstraint;
import dev.cove.core.sample.Sampler;
import dev.cove.core.tokenizer.StreamingDecoder;

/**
 * A request that holds a {@link KvSlot} and is being worked on. A {@link DecodeEngine} sees only
 * the step input: {@link #slot()}, the tokens {@code input()[inputOffset() .. inputOffset() +
 * inputLength())}, whether the last one needs logits, and the {@link #pooler()} of an embedding
 * sequence. The rest (sampling, detokenizing, stop strings) is the scheduler's, on its thread.
 */
public final class ActiveSequence {
    final Job job;
    final KvSlot slot;
    final JobSpec.Kind kind;

    // the prompt being evaluated (for embeddings: the current input)
    int[] prompt;
    int promptOffset;
    int embedIndex;
    final int reusedTokens;

    // generation
    final Sampler sampler;
    /** The request's grammar on this sequence; null when unconstrained. */
    TokenConstraint constraint;
    final StreamingDecoder decoder;
    final StopStringFilter stops;
    int generated;
    final int[] sampled = new int[1];
    /** Every token sampled, in order (the end-of-generation token included), for {@code context}. */
    int[] output = new int[16];

    /** Records a sampled token. */
    void recordOutput(int token) {
        if (generated == output.length) {
            output = java.util.Arrays.copyOf(output, output.length * 2);
        }
        output[generated] = token;
    }

    // embeddings
    final MeanPooler pooler;
    final float[][] embeddings;

    // this step's input
    private int[] input;
    private int inputOffset;
    private int inputLength;
    private boolean wantsLogits;

    final long admittedNanos;
    long firstTokenNanos;
    long promptDoneNanos;
    boolean finished;

    ActiveSequence(Job job, KvSlot slot, int reusedTokens, Sampler sampler, StreamingDecoder decoder,
            StopStringFilter stops, MeanPooler pooler, long now) {
        this.job = job;
        this.slot = slot;
        this.kind = job.spec().kind();
        this.prompt = job.spec().prompts().getFirst();
        this.promptOffset = reusedTokens;
        this.reusedTokens = reusedTokens;
        this.sampler = sampler;
        this.decoder = decoder;
        this.stops = stops;
        this.pooler = pooler;
        this.embeddings = kind == JobSpec.Kind.EMBED ? new float[job.spec().prompts().size()][] : null;
        this.admittedNanos = now;
    }

    public KvSlot slot() {
        return slot;
    }

    /** The array holding this step's input tokens. */
    public int[] input() {
        return input;
    }

    public int inputOffset() {
        return inputOffset;
    }

    /** Tokens to feed this step: 1 while decoding, up to the prefill chunk while evaluating a prompt. */
    public int inputLength() {
        return inputLength;
    }

    /** Whether the engine must leave the last input token's logits in {@code slot().state().logits()}. */
    public boolean wantsLogits() {
        return wantsLogits;
    }

    /** Whether this step decodes one sampled token (as opposed to evaluating prompt tokens). */
    public boolean decoding() {
        return input == sampled;
    }

    /** For an embedding sequence, where each input token's final hidden state goes; otherwise null. */
    public MeanPooler pooler() {
        return pooler;
    }

    boolean prefilling() {
        return promptOffset < prompt.length;
    }

    /** Plans up to {@code budget} prompt tokens for this step; returns how many. */
    int planPrefill(int budget) {
        int n = Math.min(budget, prompt.length - promptOffset);
        input = prompt;
        inputOffset = promptOffset;
        inputLength = n;
        wantsLogits = kind == JobSpec.Kind.GENERATE && promptOffset + n == prompt.length;
        return n;
    }

    void planDecode(int token) {
        sampled[0] = token;
        input = sampled;
        inputOffset = 0;
        inputLength = 1;
        wantsLogits = true;
    }

    void clearPlan() {
        input = null;
        inputLength = 0;
        wantsLogits = false;
    }
}
