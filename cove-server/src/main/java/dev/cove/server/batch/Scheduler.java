package dev.cove.server.batch;

import dev.cove.core.generate.StopStringFilter;
import dev.cove.core.Model;
import dev.cove.core.grammar.GrammarException;
import dev.cove.core.sample.Sampler;
import dev.cove.core.sample.SamplingException;
import dev.cove.core.tokenizer.Vocabulary;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Continuous batching for one model. One scheduler thread owns the model's sequences and runs
 * steps: in each, every sequence that is generating feeds its last sampled token, and sequences
 * still evaluating their prompt feed the next chunk of it (at most {@code prefillChunk} prompt
 * tokens per step in all, so a long prompt never stalls the running streams for long). The
 * {@link DecodeEngine} decides how a step runs. Between steps the scheduler admits queued
 * requests into free {@link KvSlot}s (reusing the longest cached prefix of each prompt), drops
 * cancelled and timed-out ones, and frees the slot of every sequence that ends.
 *
 * <p>The queue is bounded: {@link #submit} refuses with a {@link RejectedException} (429) when it
 * is full, and a request that waits longer than its timeout fails with 503. Thread-safe:
 * {@link #submit} and the gauges may be called from any thread.
 */
public final class Scheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long QUEUE_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * @param parallel      sequences generating at once (and KV slots kept)
     * @param queueCapacity requests waiting for a slot before new ones are refused
     * @param contextLength positions of each slot's KV cache
     * @param prefillChunk  prompt tokens evaluated per step, across all sequences
     */
    public record Config(int parallel, int queueCapacity, int contextLength, int prefillChunk) {
        public Config {
            if (parallel < 1 || parallel > 256) {
                throw new IllegalArgumentException("parallel sequences must be between 1 and 256, not " + parallel);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("the queue must hold at least 1 request, not " + queueCapacity);
            }
            if (contextLength < 2) {
                throw new IllegalArgumentException("the context must hold at least 2 tokens, not " + contextLength);
            }
            if (prefillChunk < 1) {
                throw new IllegalArgumentException("the prefill chunk must be at least 1 token, not " + prefillChunk);
            }
        }
    }

    private final String modelName;
    private final Model model;
    private final Vocabulary vocabulary;
    private final int vocabularySize;
    private final Config config;
    private final DecodeEngine engine;
    private final SchedulerEvents events;
    private final SlotPool slots;
    private final LinkedBlockingQueue<Job> queue;
    private final List<ActiveSequence> active = new ArrayList<>();
    private final List<ActiveSequence> batch = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int activeCount;
    /** Requests queued or running: the bound that {@link #submit} enforces. */
    private final AtomicInteger inSystem = new AtomicInteger();
    private volatile long serviceNanosEstimate = TimeUnit.SECONDS.toNanos(2);
    private long lastSweep;

    public Scheduler(String modelName, Model model, Config config, DecodeEngine engine, SchedulerEvents events) {
        this.modelName = modelName;
        this.model = model;
        this.vocabulary = model.tokenizer().vocabulary();
        this.vocabularySize = model.config().vocabularySize();
        this.config = config;
        this.engine = engine;
        this.events = events;
        this.slots = new SlotPool(model.forwardPass(), config.parallel(), config.contextLength());
        this.queue = new LinkedBlockingQueue<>();
        this.thread = Thread.ofPlatform().name("cove-scheduler-" + modelName).daemon().unstarted(this::run);
        this.thread.start();
    }

    public Config config() {
        return config;
    }

    public String engineName() {
        return engine.name();
    }

    /** Requests waiting for a slot. */
    public int queued() {
        return queue.size();
    }

    /** Requests queued or running; 0 when idle (a leak check for tests and the health endpoint). */
    public int inFlight() {
        return inSystem.get();
    }

    /** KV slots in use; equals {@link #active} unless a slot leaked. Readable from any thread. */
    public int busySlots() {
        return slots.busy();
    }

    /** Sequences holding a slot. */
    public int active() {
        return activeCount;
    }

    /**
     * Queues a request.
     *
     * @throws RejectedException with status 429 when the queue is full, 503 when shutting down
     */
    public Job submit(JobSpec spec) {
        if (closed) {
            throw new RejectedException(503, "the server is shutting down", 5);
        }
        Job job = new Job(spec, System.nanoTime());
        if (inSystem.incrementAndGet() > config.parallel() + config.queueCapacity()) {
            inSystem.decrementAndGet();
            events.rejected(modelName, "queue_full");
            throw new RejectedException(429, "the server is busy: " + config.parallel() + " requests are running and "
                    + config.queueCapacity() + " are waiting; retry later", retryAfterSeconds());
        }
        queue.add(job);
        if (closed && queue.remove(job)) { // closed meanwhile: the thread may have drained the queue already
            inSystem.decrementAndGet();
            throw new RejectedException(503, "the server is shutting down", 5);
        }
        LockSupport.unpark(thread);
        return job;
    }

    /** A guess at how long until a queued request would start: the queue ahead of it times a typical request. */
    public long retryAfterSeconds() {
        double seconds = (queue.size() + 1) * (serviceNanosEstimate / 1e9) / config.parallel();
        return Math.max(1, Math.min(60, (long) Math.ceil(seconds)));
    }

    /** Stops the scheduler thread; queued and running requests fail with 503. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the scheduler thread

    private void run() {
        while (!closed) {
            try {
                long now = System.nanoTime();
                sweepQueue(now);
                reapActive(now);
                admit(now);
                activeCount = active.size();
                if (active.isEmpty()) {
                    if (queue.isEmpty()) {
                        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                    }
                    continue;
                }
                step();
                active.removeIf(s -> s.finished);
                activeCount = active.size();
            } catch (Throwable t) {
                // A bug in the scheduler itself: fail what is running rather than hang it.
                LOG.log(Level.ERROR, "scheduler for " + modelName + " failed", t);
                for (ActiveSequence s : active) {
                    fail(s, 500, "internal error in the scheduler");
                }
                active.clear();
                activeCount = 0;
            }
        }
        for (ActiveSequence s : active) {
            fail(s, 503, "the server is shutting down");
        }
        active.clear();
        activeCount = 0;
        Job job;
        while ((job = queue.poll()) != null) {
            inSystem.decrementAndGet();
            events.rejected(modelName, "shutdown");
            job.emit(new GenerationEvent.Failed(503, "the server is shutting down"));
        }
    }

    /** Drops queued requests that were cancelled or waited past their deadline. */
    private void sweepQueue(long now) {
        if (now - lastSweep < QUEUE_SWEEP_NANOS || queue.isEmpty()) {
            return;
        }
        lastSweep = now;
        for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
            Job job = it.next();
            if (job.isCancelled() || job.expired(now)) {
                it.remove();
                dropQueued(job, now);
            }
        }
    }

    private void dropQueued(Job job, long now) {
        inSystem.decrementAndGet();
        if (job.isCancelled()) {
            events.finished(modelName, FinishReason.CANCELLED);
        } else {
            events.rejected(modelName, "queue_timeout");
            job.emit(new GenerationEvent.Failed(503, "the server is busy: the request waited "
                    + TimeUnit.NANOSECONDS.toSeconds(now - job.submittedNanos()) + " s for a free slot; retry later"));
        }
    }

    private void reapActive(long now) {
        for (ActiveSequence s : active) {
            if (s.job.isCancelled()) {
                finish(s, FinishReason.CANCELLED);
            } else if (s.job.expired(now)) {
                finish(s, FinishReason.TIMEOUT);
            }
        }
        active.removeIf(s -> s.finished);
    }

    private void admit(long now) {
        while (active.size() < config.parallel()) {
            Job job = queue.peek();
            if (job == null) {
                return;
            }
            if (job.isCancelled() || job.expired(now)) {
                queue.remove(job);
                dropQueued(job, now);
                continue;
            }
            JobSpec spec = job.spec();
            int[] prompt = spec.prompts().getFirst();
            KvSlot slot = spec.kind() == JobSpec.Kind.EMBED ? slots.acquireEmpty() : slots.acquireFor(prompt);
            if (slot == null) {
                return;
            }
            queue.remove(job);
            ActiveSequence seq;
            if (spec.kind() == JobSpec.Kind.EMBED) {
                seq = new ActiveSequence(job, slot, 0, null, null, null,
                        new MeanPooler(model.config().embeddingLength()), now);
            } else {
                Sampler sampler = new Sampler(spec.sampling());
                for (int token : prompt) {
                    sampler.accept(token);
                }
                seq = new ActiveSequence(job, slot, slot.length(), sampler, model.tokenizer().newStreamingDecoder(),
                        new StopStringFilter(spec.stopStrings()), null, now);
                if (spec.grammar() != null) {
                    seq.constraint = spec.grammar().constrain(model.tokenizer());
                }
            }
            active.add(seq);
            events.admitted(modelName, now - job.submittedNanos());
            job.emit(new GenerationEvent.Admitted(spec.totalPromptTokens(), seq.reusedTokens));
        }
    }

    private void step() {
        batch.clear();
        int tokens = 0;
        for (ActiveSequence s : active) {
            if (s.kind == JobSpec.Kind.GENERATE && !s.prefilling()) {
                s.planDecode(s.sampled[0]);
                batch.add(s);
                tokens++;
            }
        }
        int budget = config.prefillChunk();
        for (ActiveSequence s : active) {
            if (budget > 0 && s.prefilling()) {
                int n = s.planPrefill(budget);
                budget -= n;
                tokens += n;
                batch.add(s);
            } else if (s.prefilling()) {
                s.clearPlan();
            }
        }
        long start = System.nanoTime();
        try {
            engine.step(batch);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "the decode engine failed a step of " + batch.size() + " sequences", e);
            for (ActiveSequence s : batch) {
                fail(s, 500, "the inference engine failed: " + e.getMessage());
            }
            return;
        }
        long end = System.nanoTime();
        events.step(modelName, batch.size(), tokens, end - start);
        int generatedThisStep = 0;
        for (ActiveSequence s : batch) {
            if (s.finished) {
                continue;
            }
            if (!s.decoding()) {
                s.promptOffset += s.inputLength();
            }
            if (s.kind == JobSpec.Kind.EMBED) {
                afterEmbeddingStep(s);
            } else if (s.wantsLogits()) {
                if (!s.decoding()) {
                    s.promptDoneNanos = end;
                    events.promptEvaluated(modelName, s.prompt.length - s.reusedTokens, s.reusedTokens);
                    if (s.job.spec().maxTokens() == 0) {
                        finish(s, FinishReason.LENGTH);
                        continue;
                    }
                }
                generatedThisStep++;
                sampleNext(s, end);
            }
        }
        if (generatedThisStep > 0) {
            events.tokensGenerated(modelName, generatedThisStep);
        }
    }

    private void sampleNext(ActiveSequence s, long now) {
        int token;
        try {
            float[] logits = s.slot.state().logits();
            token = s.constraint == null ? s.sampler.sample(logits, vocabularySize)
                    : s.constraint.sample(s.sampler, logits, vocabularySize);
            if (s.constraint != null) {
                if (s.job.spec().logprobs() >= 0) {
                    s.constraint.apply(logits, vocabularySize); // logprobs of the row the grammar allows
                }
                s.constraint.accept(token);
            }
        } catch (SamplingException | GrammarException e) {
            fail(s, 400, e.getMessage());
            return;
        }
        s.sampler.accept(token);
        if (s.job.spec().logprobs() >= 0) {
            s.job.emit(new GenerationEvent.Logprob(dev.cove.core.sample.TokenLogprobs.of(s.slot.state().logits(),
                    vocabularySize, token, s.job.spec().logprobs())));
        }
        s.recordOutput(token);
        s.generated++;
        if (s.generated == 1) {
            s.firstTokenNanos = now;
            events.firstToken(modelName, now - s.job.submittedNanos());
        }
        if (vocabulary.isEndOfGeneration(token)) {
            finish(s, FinishReason.STOP);
            return;
        }
        String text = s.stops.accept(s.decoder.feed(token));
        if (!text.isEmpty()) {
            s.job.emit(new GenerationEvent.Text(text));
        }
        int max = s.job.spec().maxTokens();
        if (s.stops.stopped() || (s.constraint != null && s.constraint.isComplete())) {
            finish(s, FinishReason.STOP);
        } else if (max >= 0 && s.generated >= max) {
            finish(s, FinishReason.LENGTH);
        } else if (s.slot.length() >= s.slot.capacity()) {
            finish(s, FinishReason.LENGTH);
        } else {
            s.sampled[0] = token;
        }
    }

    private void afterEmbeddingStep(ActiveSequence s) {
        if (s.prefilling()) {
            return;
        }
        List<int[]> inputs = s.job.spec().prompts();
        s.embeddings[s.embedIndex++] = s.pooler.unitMean();
        if (s.embedIndex == inputs.size()) {
            s.promptDoneNanos = System.nanoTime();
            events.promptEvaluated(modelName, s.job.spec().totalPromptTokens(), 0);
            finish(s, FinishReason.EMBEDDED);
        } else {
            s.prompt = inputs.get(s.embedIndex);
            s.promptOffset = 0;
            s.slot.truncate(0);
            s.pooler.reset();
        }
    }

    private void finish(ActiveSequence s, FinishReason reason) {
        if (s.finished) {
            return;
        }
        s.finished = true;
        long now = System.nanoTime();
        Job job = s.job;
        if (s.kind == JobSpec.Kind.GENERATE && reason != FinishReason.CANCELLED) {
            String tail = s.stops.accept(s.decoder.finish()) + s.stops.flush();
            if (!tail.isEmpty()) {
                job.emit(new GenerationEvent.Text(tail));
            }
        }
        long promptDone = s.promptDoneNanos != 0 ? s.promptDoneNanos : now;
        GenerationEvent.Usage usage = new GenerationEvent.Usage(job.spec().totalPromptTokens(), s.reusedTokens,
                s.generated, s.admittedNanos - job.submittedNanos(), promptDone - s.admittedNanos,
                s.firstTokenNanos == 0 ? 0 : now - s.firstTokenNanos);
        // Free the slot and count the request out before telling the client, so that whoever
        // sees the end also sees the sequence gone.
        slots.release(s.slot, true);
        activeCount = Math.max(0, activeCount - 1);
        inSystem.decrementAndGet();
        if (reason == FinishReason.CANCELLED) {
            events.freedCancelled(modelName);
        }
        events.finished(modelName, reason);
        events.completed(modelName, s.kind == JobSpec.Kind.EMBED, reason, usage.promptTokens(), usage.generatedTokens(),
                now - job.submittedNanos());
        long service = now - s.admittedNanos;
        serviceNanosEstimate = (long) (0.8 * serviceNanosEstimate + 0.2 * service);
        if (reason == FinishReason.EMBEDDED) {
            job.emit(new GenerationEvent.Embedded(s.embeddings, usage));
        } else {
            job.emit(new GenerationEvent.Finished(reason, usage, java.util.Arrays.copyOf(s.output, s.generated)));
        }
    }

    private void fail(ActiveSequence s, int status, String message) {
        if (s.finished) {
            return;
        }
        s.finished = true;
        slots.release(s.slot, false); // what the engine left in the cache is unknown
        activeCount = Math.max(0, activeCount - 1);
        inSystem.decrementAndGet();
        events.rejected(modelName, status >= 500 ? "engine_error" : "bad_request");
        s.job.emit(new GenerationEvent.Failed(status, message));
    }
}
