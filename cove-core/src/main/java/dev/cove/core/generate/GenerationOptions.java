package dev.cove.core.generate;

import dev.cove.core.generate.speculative.Speculation;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.sample.SamplingOptions;
import java.util.List;

/**
 * How a session generates: sampling, limits and stop conditions. Immutable; change it with the
 * wither methods, e.g. {@code GenerationOptions.defaults().temperature(0.7f).maxTokens(200)}.
 *
 * @param contextLength  positions of the session's KV cache; 0 means the model's own context length
 * @param maxTokens      tokens to generate at most; negative means until the context is full
 * @param stopStrings    output text that ends generation (not emitted)
 * @param parseSpecial   whether special-token text such as {@code <|im_start|>} in the prompt becomes special tokens
 * @param addBos         whether to start the prompt with the model's BOS token (when the model wants one)
 * @param contextShift   when the context is full during generation: drop the older half and go on
 *                       (true), or stop with {@link StopReason#CONTEXT_FULL} (false, the default)
 * @param grammar        when set, the output is constrained to this grammar's strings (see
 *                       {@link Grammar}): end of generation only where the text is complete, and
 *                       generation ends ({@link StopReason#END_OF_GENERATION}) once nothing more may follow
 * @param speculation    when set, tokens are drafted ({@link Speculation#promptLookup prompt lookup} or a
 *                       {@link Speculation#draftModel draft model}) and verified in one batched pass, for the
 *                       same output sooner; null decodes one token at a time. Ignored with a grammar
 */
public record GenerationOptions(
        SamplingOptions sampling,
        int contextLength,
        int maxTokens,
        List<String> stopStrings,
        boolean parseSpecial,
        boolean addBos,
        boolean contextShift,
        Grammar grammar,
        Speculation speculation) {

    public GenerationOptions {
        stopStrings = List.copyOf(stopStrings);
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must not be negative: " + contextLength);
        }
    }

    /** Options without speculation (the form before it existed). */
    public GenerationOptions(SamplingOptions sampling, int contextLength, int maxTokens, List<String> stopStrings,
            boolean parseSpecial, boolean addBos, boolean contextShift, Grammar grammar) {
        this(sampling, contextLength, maxTokens, stopStrings, parseSpecial, addBos, contextShift, grammar, null);
    }

    public static GenerationOptions defaults() {
        return new GenerationOptions(SamplingOptions.defaults(), 0, -1, List.of(), false, true, false, null, null);
    }

    public GenerationOptions sampling(SamplingOptions value) {
        return new GenerationOptions(value, contextLength, maxTokens, stopStrings, parseSpecial, addBos, contextShift, grammar, speculation);
    }

    public GenerationOptions temperature(float value) {
        return sampling(sampling.temperature(value));
    }

    public GenerationOptions seed(long value) {
        return sampling(sampling.seed(value));
    }

    public GenerationOptions contextLength(int value) {
        return new GenerationOptions(sampling, value, maxTokens, stopStrings, parseSpecial, addBos, contextShift, grammar, speculation);
    }

    public GenerationOptions maxTokens(int value) {
        return new GenerationOptions(sampling, contextLength, value, stopStrings, parseSpecial, addBos, contextShift, grammar, speculation);
    }

    public GenerationOptions stopStrings(List<String> value) {
        return new GenerationOptions(sampling, contextLength, maxTokens, value, parseSpecial, addBos, contextShift, grammar, speculation);
    }

    public GenerationOptions parseSpecial(boolean value) {
        return new GenerationOptions(sampling, contextLength, maxTokens, stopStrings, value, addBos, contextShift, grammar, speculation);
    }

    public GenerationOptions addBos(boolean value) {
        return new GenerationOptions(sampling, contextLength, maxTokens, stopStrings, parseSpecial, value, contextShift, grammar, speculation);
    }

    public GenerationOptions contextShift(boolean value) {
        return new GenerationOptions(sampling, contextLength, maxTokens, stopStrings, parseSpecial, addBos, value, grammar, speculation);
    }

    /** Constrains the output to {@code value}'s strings; null removes the constraint. */
    public GenerationOptions grammar(Grammar value) {
        return new GenerationOptions(sampling, contextLength, maxTokens, stopStrings, parseSpecial, addBos, contextShift,
                value, speculation);
    }

    /** Drafts tokens this way and verifies them in batches; null turns speculation off. */
    public GenerationOptions speculation(Speculation value) {
        return new GenerationOptions(sampling, contextLength, maxTokens, stopStrings, parseSpecial, addBos, contextShift,
                grammar, value);
    }

    /** Speculation with a draft model: {@code draftModel(model, k)} is {@code speculation(Speculation.draftModel(model, k))}. */
    public GenerationOptions draftModel(dev.cove.core.Model model, int maxDraft) {
        return speculation(Speculation.draftModel(model, maxDraft));
    }
}
