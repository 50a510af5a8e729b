package dev.cove.core.generate;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.chat.ChatPrompt;
import dev.cove.core.grammar.TokenConstraint;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.sample.Sampler;
import dev.cove.core.tokenizer.StreamingDecoder;
import dev.cove.core.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One conversation with a model: a KV cache and the tokens in it. Each {@link #generate} call
 * takes the whole prompt; the part that matches what is already cached (the earlier turns of a
 * chat) is reused rather than evaluated again. Not thread-safe: one thread at a time.
 */
public final class Session {
    /** Prompts shorter than this may run token by token while the batched kernels are cold. */
    private static final int SHORT_PROMPT = 8;
    /** Whether this JVM has run a batched prompt, so that the batched kernels are compiled (or being). */
    private static volatile boolean batchedPromptsCompiled;

    private final Model model;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final GenerationOptions options;
    private final ForwardState state;
    private final Sampler sampler;
    private final TokenConstraint constraint; // null without a grammar
    private final int[] cached;   // tokens whose keys and values are in the cache, in order
    private int cachedLength;
    private volatile boolean stopRequested;

    public Session(Model model, GenerationOptions options) {
        this.model = model;
        this.transformer = model.forwardPass();
        this.tokenizer = model.tokenizer();
        this.options = options;
        int context = options.contextLength() > 0 ? options.contextLength() : model.config().contextLength();
        this.state = transformer.newState(context);
        this.sampler = new Sampler(options.sampling());
        this.constraint = options.grammar() == null ? null : options.grammar().constrain(tokenizer);
        this.cached = new int[context];
    }

    public GenerationOptions options() {
        return options;
    }

    public int contextLength() {
        return state.contextLength();
    }

    /** Tokens currently held in the cache. */
    public int position() {
        return cachedLength;
    }

    /**
     * Ends the generation in progress after the token being delivered: a listener (or another
     * thread, on Ctrl-C) calls it, and {@link #generate} returns with {@link StopReason#CANCELLED}.
     */
    public void stop() {
        stopRequested = true;
    }

    /** Forgets the cached conversation. */
    public void reset() {
        cachedLength = 0;
        sampler.reset();
    }

    /** Generates a continuation of {@code prompt}, streaming each token to {@code listener}. */
    public GenerationResult generate(String prompt, Consumer<Token> listener) {
        return generate(tokenizer.encode(prompt, options.addBos(), options.parseSpecial()), listener);
    }

    /**
     * Generates the answer to a rendered conversation: the template's markers become control
     * tokens, special-token text inside the messages stays text ({@link ChatPrompt#tokenize}).
     */
    public GenerationResult generate(ChatPrompt prompt, Consumer<Token> listener) {
        return generate(prompt.tokenize(tokenizer, options.addBos()), listener);
    }

    /** Generates a continuation of already tokenized input. */
    public GenerationResult generate(int[] promptTokens, Consumer<Token> listener) {
        if (promptTokens.length == 0) {
            throw new CoveException("the prompt is empty: there is nothing to continue");
        }
        if (promptTokens.length >= contextLength()) {
            throw new CoveException("the prompt is " + promptTokens.length + " tokens but the context holds "
                    + contextLength() + ": shorten the prompt or raise the context length");
        }
        stopRequested = false;
        long start = System.nanoTime();
        int reused = evaluatePrompt(promptTokens);
        long promptDone = System.nanoTime();

        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        StopStringFilter stops = new StopStringFilter(options.stopStrings());
        StringBuilder text = new StringBuilder();
        int generated = 0;
        StopReason reason;
        long firstTokenAt = 0;
        if (constraint != null) {
            constraint.reset(); // each generation is one string of the grammar
        }
        while (true) {
            if (options.maxTokens() >= 0 && generated >= options.maxTokens()) {
                reason = StopReason.MAX_TOKENS;
                break;
            }
            int vocabularySize = model.config().vocabularySize();
            int token = constraint == null ? sampler.sample(state.logits(), vocabularySize)
                    : constraint.sample(sampler, state.logits(), vocabularySize); // may mask the row: the next forward pass rewrites it
            sampler.accept(token);
            if (constraint != null) {
                constraint.accept(token);
            }
            generated++;
            if (generated == 1) {
                firstTokenAt = System.nanoTime();
            }
            if (tokenizer.vocabulary().isEndOfGeneration(token)) {
                reason = StopReason.END_OF_GENERATION;
                break;
            }
            String piece = stops.accept(decoder.feed(token));
            text.append(piece);
            listener.accept(new Token(token, piece));
            if (stops.stopped()) {
                reason = StopReason.STOP_STRING;
                break;
            }
            if (stopRequested) {
                reason = StopReason.CANCELLED;
                break;
            }
            if (constraint != null && constraint.isComplete()) {
                reason = StopReason.END_OF_GENERATION; // the grammar allows nothing more
                break;
            }
            if (cachedLength >= contextLength()) {
                if (!options.contextShift()) {
                    reason = StopReason.CONTEXT_FULL;
                    break;
                }
                shiftContext();
            }
            feed(token, true);
        }
        String tail = stops.accept(decoder.finish());
        tail += stops.flush();
        if (!tail.isEmpty()) {
            text.append(tail);
            listener.accept(new Token(-1, tail));
        }
        long end = System.nanoTime();
        return new GenerationResult(text.toString(), promptTokens.length, reused, generated, reason,
                promptDone - start, firstTokenAt == 0 ? 0 : end - firstTokenAt);
    }

    /**
     * Makes room in a full context, as llama.cpp's context shift does: keeps the BOS token,
     * drops the older half of the rest and evaluates what remains again (one batched pass), so
     * generation continues with the recent text in view.
     */
    private void shiftContext() {
        int keep = cachedLength > 0 && cached[0] == tokenizer.vocabulary().bos() ? 1 : 0;
        int discard = (cachedLength - keep) / 2;
        int remaining = cachedLength - discard;
        System.arraycopy(cached, keep + discard, cached, keep, cachedLength - keep - discard);
        cachedLength = 0;
        transformer.forwardBatch(state, Arrays.copyOf(cached, remaining), 0, false);
        cachedLength = remaining;
    }

    /** Evaluates the prompt after the longest prefix already in the cache; returns that prefix's length. */
    private int evaluatePrompt(int[] prompt) {
        int common = 0;
        int limit = Math.min(cachedLength, prompt.length);
        while (common < limit && cached[common] == prompt[common]) {
            common++;
        }
        // The last prompt token must be evaluated to get fresh logits.
        if (common == prompt.length) {
            common--;
        }
        cachedLength = common;
        sampler.reset();
        for (int i = 0; i < prompt.length; i++) {
            sampler.accept(prompt[i]);
        }
        int fresh = prompt.length - common;
        if (fresh < SHORT_PROMPT && !batchedPromptsCompiled) {
            // A short first prompt goes token by token, through the code that generation needs
            // and compiles anyway: compiling the batched kernels as well, while their first calls
            // crawl through the interpreter, costs a cold process more than batching saves
            // (`cove run -n 16`: 0.35 s of 3.6).
            for (int i = common; i < prompt.length; i++) {
                transformer.forward(state, prompt[i], i, i == prompt.length - 1);
            }
        } else {
            // One batched pass over the new part: each weight is read once for all its tokens.
            transformer.forwardBatch(state, Arrays.copyOfRange(prompt, common, prompt.length), common, true);
            if (fresh >= SHORT_PROMPT) {
                batchedPromptsCompiled = true;
            }
        }
        System.arraycopy(prompt, common, cached, common, prompt.length - common);
        cachedLength = prompt.length;
        return common;
    }

    private void feed(int token, boolean computeLogits) {
        transformer.forward(state, token, cachedLength, computeLogits);
        cached[cachedLength++] = token;
    }

    /** The tokens in the cache, for tools and tests. */
    public int[] cachedTokens() {
        return Arrays.copyOf(cached, cachedLength);
    }
}
