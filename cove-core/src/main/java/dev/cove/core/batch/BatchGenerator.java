package dev.cove.core.batch;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.chat.ChatPrompt;
import dev.cove.core.chat.ChatRenderer;
import dev.cove.core.chat.TemplateChatRenderer;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.StopStringFilter;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.sample.Sampler;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.core.tokenizer.Tokenizer;
import dev.cove.core.tokenizer.Vocabulary;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Generates the answers of many rows with up to {@code parallel} sequences in flight. Each row's
 * prompt is evaluated in one batched pass as it is admitted; then every step feeds the last
 * sampled token of every sequence in flight through one {@link Transformer#forwardDecode}, so
 * each weight is read once per step for all of them (decoding on a CPU is bound by reading the
 * weights). A row that ends frees its sequence for the next row of the iterator, which is read
 * only as sequences free up: an input of any length streams through in constant memory.
 *
 * <p>A row's result depends only on the row, the options and its seed, not on the rows beside
 * it (see {@link DecodeStep}); each row gets its own sampler. Give the options a seed: with a
 * random one every row draws its own.
 *
 * <p>Prompts are tokenized as {@code cove run --raw} does (no special-token parsing; BOS where
 * the options and the model want it); conversations are rendered with the model's chat template
 * (a built-in format when it has none), whose end markers join the stop strings.
 *
 * <p>Not thread-safe: one generator per thread. Several generators may share one {@link Model}.
 */
public final class BatchGenerator {
    private final Model model;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final Vocabulary vocabulary;
    private final GenerationOptions defaults;
    private final int parallel;
    private final int contextLength;
    private final int vocabularySize;
    private ChatRenderer chat; // made on the first conversation

    /**
     * @param defaults every row's options unless the row overrides them: sampling, token limit,
     *                 stop strings, grammar, BOS; {@code contextLength} is each sequence's cache
     *                 (0: the model's own context)
     * @param parallel sequences in flight, 1 to 256
     */
    public BatchGenerator(Model model, GenerationOptions defaults, int parallel) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        if (parallel < 1 || parallel > 256) {
            throw new IllegalArgumentException("sequences in flight must be between 1 and 256, not " + parallel);
        }
        this.parallel = parallel;
        this.transformer = model.forwardPass();
        this.tokenizer = model.tokenizer();
        this.vocabulary = tokenizer.vocabulary();
        this.vocabularySize = model.config().vocabularySize();
        this.contextLength = defaults.contextLength() > 0 ? defaults.contextLength() : model.config().contextLength();
        if (contextLength < 2) {
            throw new IllegalArgumentException("the context must hold at least 2 tokens, not " + contextLength);
        }
    }

    public int contextLength() {
        return contextLength;
    }

    public int parallel() {
        return parallel;
    }

    /**
     * Runs every row of {@code rows} and gives each result to {@code onResult} as soon as the row
     * ends (in the order rows finish, not the order they came), on this thread. An exception
     * thrown by {@code onResult} or the iterator stops the run and propagates; the rows it had
     * not delivered are lost, so callers that must resume record what they were given.
     */
    public BatchStats run(Iterator<BatchRow> rows, Consumer<BatchResult> onResult) {
        long start = System.nanoTime();
        Counter counter = new Counter(onResult);
        ArrayDeque<ForwardState> free = new ArrayDeque<>();
        List<RowSequence> active = new ArrayList<>(parallel);
        DecodeStep step = new DecodeStep(transformer, parallel);
        ForwardState[] states = new ForwardState[parallel];
        int[] tokens = new int[parallel];
        int[] positions = new int[parallel];
        int created = 0;
        while (true) {
            while (active.size() < parallel && rows.hasNext()) {
                BatchRow row = Objects.requireNonNull(rows.next(), "a null row");
                ForwardState state = free.poll();
                if (state == null) {
                    state = transformer.newState(contextLength);
                    created++;
                }
                RowSequence seq = admit(row, state, counter);
                if (seq == null) {
                    free.push(state);
                } else {
                    active.add(seq);
                }
            }
            if (active.isEmpty()) {
                break;
            }
            int count = active.size();
            for (int i = 0; i < count; i++) {
                RowSequence seq = active.get(i);
                states[i] = seq.state;
                tokens[i] = seq.next;
                positions[i] = seq.position;
            }
            try {
                step.run(states, tokens, positions, count);
            } finally {
                java.util.Arrays.fill(states, 0, count, null);
            }
            for (int i = 0; i < active.size(); ) {
                RowSequence seq = active.get(i);
                seq.position++;
                BatchResult done = sampleNext(seq);
                if (done != null) {
                    active.remove(i);
                    free.push(seq.state);
                    counter.deliver(done);
                } else {
                    i++;
                }
            }
        }
        assert created <= parallel;
        return counter.stats(System.nanoTime() - start);
    }

    /** Runs {@code rows} and returns their results in the order given. */
    public List<BatchResult> runAll(List<BatchRow> rows) {
        java.util.Map<String, Integer> order = new java.util.HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            if (order.put(rows.get(i).id(), i) != null) {
                throw new IllegalArgumentException("row id " + rows.get(i).id() + " appears twice");
            }
        }
        BatchResult[] results = new BatchResult[rows.size()];
        run(rows.iterator(), r -> results[order.get(r.id())] = r);
        return List.of(results);
    }

    /** Evaluates the row's prompt and samples its first token; null when it already ended (delivered). */
    private RowSequence admit(BatchRow row, ForwardState state, Counter counter) {
        int[] prompt;
        List<String> stops = defaults.stopStrings();
        try {
            if (row.isChat()) {
                if (chat == null) {
                    chat = TemplateChatRenderer.forModel(model);
                }
                ChatPrompt rendered = chat.renderPrompt(row.messages(), true);
                prompt = rendered.tokenize(tokenizer, defaults.addBos());
                stops = new ArrayList<>(stops);
                stops.addAll(chat.stopStrings());
            } else {
                prompt = tokenizer.encode(row.prompt(), defaults.addBos(), defaults.parseSpecial());
            }
        } catch (CoveException e) {
            counter.deliver(BatchResult.failed(row.id(), 0, (row.isChat() ? "cannot render the conversation: "
                    : "cannot tokenize the prompt: ") + e.getMessage()));
            return null;
        }
        if (prompt.length == 0) {
            counter.deliver(BatchResult.failed(row.id(), 0, "the prompt is empty: there is nothing to continue"));
            return null;
        }
        if (prompt.length >= contextLength) {
            counter.deliver(BatchResult.failed(row.id(), prompt.length, "the prompt is " + prompt.length
                    + " tokens but the context holds " + contextLength + ": shorten it or raise the context length"));
            return null;
        }
        int maxTokens = row.maxTokens() != null ? row.maxTokens() : defaults.maxTokens();
        Sampler sampler;
        try {
            SamplingOptions sampling = defaults.sampling();
            if (row.temperature() != null) {
                sampling = sampling.temperature(row.temperature());
            }
            if (row.seed() != null) {
                sampling = sampling.seed(row.seed());
            }
            sampler = new Sampler(sampling);
        } catch (CoveException e) {
            counter.deliver(BatchResult.failed(row.id(), prompt.length, e.getMessage()));
            return null;
        }
        for (int token : prompt) {
            sampler.accept(token);
        }
        RowSequence seq = new RowSequence(row, state, sampler,
                defaults.grammar() == null ? null : defaults.grammar().constrain(tokenizer),
                tokenizer.newStreamingDecoder(), new StopStringFilter(stops), prompt.length, maxTokens);
        transformer.forwardBatch(state, prompt, 0, true);
        BatchResult done = maxTokens == 0 ? seq.finished(FinishReason.LENGTH) : sampleNext(seq);
        if (done != null) {
            counter.deliver(done);
            return null;
        }
        return seq;
    }

    /** Picks the sequence's next token from its logits; the row's result when that ends it, else null. */
    private BatchResult sampleNext(RowSequence seq) {
        int token;
        try {
            float[] logits = seq.state.logits();
            token = seq.constraint == null ? seq.sampler.sample(logits, vocabularySize)
                    : seq.constraint.sample(seq.sampler, logits, vocabularySize);
            if (seq.constraint != null) {
                seq.constraint.accept(token);
            }
        } catch (CoveException e) {
            return seq.failed(e.getMessage());
        }
        seq.sampler.accept(token);
        seq.generated++;
        if (vocabulary.isEndOfGeneration(token)) {
            return seq.finished(FinishReason.STOP);
        }
        seq.text.append(seq.stops.accept(seq.decoder.feed(token)));
        if (seq.stops.stopped() || (seq.constraint != null && seq.constraint.isComplete())) {
            return seq.finished(FinishReason.STOP);
        }
        if ((seq.maxTokens >= 0 && seq.generated >= seq.maxTokens) || seq.position >= contextLength) {
            return seq.finished(FinishReason.LENGTH);
        }
        seq.next = token;
        return null;
    }

    /** Delivers results and counts them. */
    private static final class Counter {
        private final Consumer<BatchResult> onResult;
        private int rows;
        private int failed;
        private long promptTokens;
        private long completionTokens;

        Counter(Consumer<BatchResult> onResult) {
            this.onResult = Objects.requireNonNull(onResult, "onResult");
        }

        void deliver(BatchResult result) {
            rows++;
            if (result.failed()) {
                failed++;
            }
            promptTokens += result.promptTokens();
            completionTokens += result.completionTokens();
            onResult.accept(result);
        }

        BatchStats stats(long nanos) {
            return new BatchStats(rows, failed, promptTokens, completionTokens, nanos);
        }
    }
}
