package dev.cove.core.generate;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.chat.ChatPrompt;
import dev.cove.core.generate.speculative.DraftVerifier;
import dev.cove.core.generate.speculative.Drafter;
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
    private final Drafter drafter;         // null without speculation
    private final DraftVerifier verifier;  // null without speculation
    private final int[] proposal;          // what the drafter proposed
    private final int[] draft;             // the token to feed, then the drafted ones: one verification batch
    private float[] draftLogits;           // the batch's rows of logits, made on first use
    private final float[] row;             // the row of draftLogits being decided
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
        // A grammar's mask depends on the tokens before it, one at a time: speculation is left out there.
        boolean speculate = options.speculation() != null && constraint == null;
        this.drafter = speculate ? options.speculation().newDrafter(model, context, options.sampling(), sampler.seed())
                : null;
        this.verifier = speculate ? new DraftVerifier(sampler, model.config().vocabularySize()) : null;
        this.proposal = speculate ? new int[drafter.maxDraft()] : null;
        this.draft = speculate ? new int[drafter.maxDraft() + 1] : null;
        this.row = speculate ? new float[model.config().vocabularySize()] : null;
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
        if (drafter != null) {
            drafter.reset();
        }
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
        if (verifier != null) {
            verifier.reset();
        }
        // With speculation, logits is a row of a verification batch while drafted tokens remain
        // to be decided: draftAt is the drafted token whose row it is, draftCount how many there are.
        float[] logits = state.logits();
        int draftAt = 0;
        int draftCount = 0;
        int drafted = 0;
        int accepted = 0;
        while (true) {
            if (options.maxTokens() >= 0 && generated >= options.maxTokens()) {
                reason = StopReason.MAX_TOKENS;
                break;
            }
            int vocabularySize = model.config().vocabularySize();
            int token;
            boolean inCache = false; // a drafted token the model kept: already fed with its batch
            if (draftAt < draftCount) {
                int proposed = draft[draftAt + 1];
                token = verifier.decide(logits, proposed, drafter.distribution(draftAt));
                inCache = token == proposed;
                if (inCache) {
                    accepted++;
                }
            } else {
                token = constraint == null ? sampler.sample(logits, vocabularySize)
                        : constraint.sample(sampler, logits, vocabularySize); // may mask the row: the next forward pass rewrites it
            }
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
            if (inCache) {
                cached[cachedLength++] = token;
                draftAt++;
                logits = rowOf(draftAt, vocabularySize); // after the last drafted token: the row for the token beyond
                continue;
            }
            draftCount = drafter == null ? 0 : draftAfter(token, generated);
            draftAt = 0;
            if (draftCount == 0) {
                feed(token, true);
                logits = state.logits();
            } else {
                drafted += draftCount;
                verify(draftCount, vocabularySize);
                logits = rowOf(0, vocabularySize);
            }
        }
        String tail = stops.accept(decoder.finish());
        tail += stops.flush();
        if (!tail.isEmpty()) {
            text.append(tail);
            listener.accept(new Token(-1, tail));
        }
        long end = System.nanoTime();
        return new GenerationResult(text.toString(), promptTokens.length, reused, generated, reason,
                promptDone - start, firstTokenAt == 0 ? 0 : end - firstTokenAt, drafted, accepted);
    }

    /**
     * Drafts the tokens to follow {@code token} (the token just generated, not yet fed) and the
     * context before it; returns how many, at most what the token limit and the context leave room for.
     */
    private int draftAfter(int token, int generated) {
        int room = contextLength() - cachedLength - 1; // the batch feeds the token and the draft
        if (options.maxTokens() >= 0) {
            room = Math.min(room, options.maxTokens() - generated);
        }
        if (room <= 0) {
            return 0;
        }
        cached[cachedLength] = token; // the context the drafter sees ends with the token
        int count = drafter.draft(cached, cachedLength + 1, room, proposal);
        System.arraycopy(proposal, 0, draft, 1, count);
        return count;
    }

    /**
     * Feeds the generated token and its {@code count} drafted successors in one batch, with the
     * logits after each: row i decides drafted token i + 1. Only the generated token counts as
     * cached; each drafted one joins the cache when it is kept, and the positions of those that
     * are not are written again by the next batch.
     */
    private void verify(int count, int vocabularySize) {
        int rows = count + 1;
        if (draftLogits == null || draftLogits.length < rows * vocabularySize) {
            draftLogits = new float[Math.multiplyExact(draft.length, vocabularySize)];
        }
        draft[0] = cached[cachedLength];
        transformer.forwardBatch(state, draft, 0, rows, cachedLength, rows, draftLogits);
        cachedLength++;
    }

    /** Row {@code i} of the last verification batch, copied out so that the sampler can read it from 0. */
    private float[] rowOf(int i, int vocabularySize) {
        System.arraycopy(draftLogits, i * vocabularySize, row, 0, vocabularySize);
        return row;
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
