package dev.cove.server.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cove.core.Model;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.server.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** All events of a job up to its end. */
    record Collected(String text, GenerationEvent end, GenerationEvent.Admitted admitted) {
        GenerationEvent.Finished finished() {
            assertThat(end).isInstanceOf(GenerationEvent.Finished.class);
            return (GenerationEvent.Finished) end;
        }
    }

    static Collected collect(Job job) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        GenerationEvent.Admitted admitted = null;
        while (true) {
            GenerationEvent e = job.next(30, TimeUnit.SECONDS);
            assertThat(e).as("an event within 30 s").isNotNull();
            switch (e) {
                case GenerationEvent.Admitted a -> admitted = a;
                case GenerationEvent.Text t -> {
                    assertThat(t.text()).isNotEmpty();
                    text.append(t.text());
                }
                default -> {
                    return new Collected(text.toString(), e, admitted);
                }
            }
        }
    }

    private static Scheduler scheduler(Model model, int parallel, int queue, int chunk, DecodeEngine engine) {
        return new Scheduler("stories", model, new Scheduler.Config(parallel, queue, 128, chunk), engine,
                SchedulerEvents.NONE);
    }

    private static int[] encode(Model model, String text) {
        return model.tokenizer().encode(text, true, false);
    }

    @Test
    void greedyGenerationMatchesASessionOfTheEngine() throws Exception {
        Model model = TestModels.stories();
        GenerationResult reference = model.newSession(GenerationOptions.defaults()
                .sampling(SamplingOptions.greedy()).contextLength(128).maxTokens(40)).generate("Once upon a time", t -> { });
        try (Scheduler s = scheduler(model, 2, 4, 128, new SequentialDecodeEngine(model.forwardPass()))) {
            Collected c = collect(s.submit(JobSpec.generate(encode(model, "Once upon a time"), SamplingOptions.greedy(),
                    40, List.of(), TIMEOUT)));
            assertThat(c.text()).isEqualTo(reference.text());
            assertThat(c.finished().usage().generatedTokens()).isEqualTo(reference.generatedTokens());
            assertThat(c.finished().reason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void completedRequestsAreReportedWithTheirCountsForTheAuditLog() throws Exception {
        Model model = TestModels.stories();
        List<String> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        SchedulerEvents observer = new SchedulerEvents() {
            @Override
            public void completed(String m, boolean embedding, FinishReason reason, int promptTokens,
                                  int generatedTokens, long latencyNanos) {
                reports.add(m + " " + embedding + " " + reason + " " + promptTokens + " " + generatedTokens + " " + (latencyNanos > 0));
            }
        };
        int[] prompt = encode(model, "Once upon a time");
        try (Scheduler s = new Scheduler("stories", model, new Scheduler.Config(2, 4, 128, 128),
                new BatchedDecodeEngine(model.forwardPass()), SchedulerEvents.both(SchedulerEvents.NONE, observer))) {
            collect(s.submit(JobSpec.generate(prompt, SamplingOptions.greedy(), 7, List.of(), TIMEOUT)));
            await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == 1);
        }
        assertThat(reports).containsExactly("stories false LENGTH " + prompt.length + " 7 true");
    }

    @Test
    void interleavedSequencesAndChunkedPromptsGiveEachTheirOwnAnswer() throws Exception {
        Model model = TestModels.stories();
        List<String> prompts = List.of("Once upon a time", "The little dog", "Lily and Tom went to the park to play",
                "One day, a big bird");
        List<String> expected = new ArrayList<>();
        try (Scheduler alone = scheduler(model, 1, 8, 128, new SequentialDecodeEngine(model.forwardPass()))) {
            for (String p : prompts) {
                expected.add(collect(alone.submit(JobSpec.generate(encode(model, p), SamplingOptions.greedy(), 30,
                        List.of(), TIMEOUT))).text());
            }
        }
        // Four at once, prompts evaluated three tokens per step: the same answers.
        try (Scheduler together = scheduler(model, 4, 8, 3, new SequentialDecodeEngine(model.forwardPass()))) {
            List<Job> jobs = new ArrayList<>();
            for (String p : prompts) {
                jobs.add(together.submit(JobSpec.generate(encode(model, p), SamplingOptions.greedy(), 30, List.of(),
                        TIMEOUT)));
            }
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(collect(jobs.get(i)).text()).as(prompts.get(i)).isEqualTo(expected.get(i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> together.inFlight() == 0 && together.active() == 0);
        }
    }

    @Test
    void aPromptExtendingACachedOneReusesItsPrefix() throws Exception {
        Model model = TestModels.stories();
        try (Scheduler s = scheduler(model, 2, 4, 128, new SequentialDecodeEngine(model.forwardPass()))) {
            int[] first = encode(model, "Once upon a time there was a cat");
            Collected a = collect(s.submit(JobSpec.generate(first, SamplingOptions.greedy(), 10, List.of(), TIMEOUT)));
            assertThat(a.admitted().reusedTokens()).isZero();
            int[] longer = java.util.Arrays.copyOf(first, first.length + 3);
            longer[first.length] = first[1];
            longer[first.length + 1] = first[2];
            longer[first.length + 2] = first[3];
            Collected b = collect(s.submit(JobSpec.generate(longer, SamplingOptions.greedy(), 10, List.of(), TIMEOUT)));
            assertThat(b.admitted().reusedTokens()).isEqualTo(first.length);
            assertThat(b.finished().usage().reusedTokens()).isEqualTo(first.length);
            // The same prompt again: all but its last token come from the cache.
            Collected c = collect(s.submit(JobSpec.generate(first, SamplingOptions.greedy(), 10, List.of(), TIMEOUT)));
            assertThat(c.admitted().reusedTokens()).isEqualTo(first.length - 1);
            assertThat(c.text()).isEqualTo(a.text());
        }
    }

    @Test
    void stopStringsEndGenerationAndAreNotEmitted() throws Exception {
        Model model = TestModels.stories();
        try (Scheduler s = scheduler(model, 1, 4, 128, new SequentialDecodeEngine(model.forwardPass()))) {
            int[] prompt = encode(model, "Once upon a time");
            String full = collect(s.submit(JobSpec.generate(prompt, SamplingOptions.greedy(), 40, List.of(), TIMEOUT)))
                    .text();
            String stop = full.substring(10, 13);
            Collected c = collect(s.submit(JobSpec.generate(prompt, SamplingOptions.greedy(), 40, List.of(stop), TIMEOUT)));
            assertThat(c.finished().reason()).isEqualTo(FinishReason.STOP);
            assertThat(c.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        }
    }

    @Test
    void aFullQueueRefusesWith429AndAQueuedRequestTimesOutWith503() throws Exception {
        Model model = TestModels.stories();
        CountDownLatch release = new CountDownLatch(1);
        DecodeEngine blocked = batch -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (Scheduler s = scheduler(model, 1, 1, 128, blocked)) {
            int[] prompt = encode(model, "Once");
            Job running = s.submit(JobSpec.generate(prompt, SamplingOptions.greedy(), 2, List.of(), TIMEOUT));
            await().atMost(Duration.ofSeconds(5)).until(() -> s.active() == 1);
            Job waiting = s.submit(JobSpec.generate(prompt, SamplingOptions.greedy(), 2, List.of(), Duration.ofMillis(200)));
            assertThatThrownBy(() -> s.submit(JobSpec.generate(prompt, SamplingOptions.greedy(), 2, List.of(), TIMEOUT)))
                    .isInstanceOfSatisfying(RejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(429);
                        assertThat(e.retryAfterSeconds()).isBetween(1L, 60L);
                    });
            Thread.sleep(400);
            release.countDown();
            assertThat(collect(waiting).end()).isInstanceOfSatisfying(GenerationEvent.Failed.class,
                    f -> assertThat(f.status()).isEqualTo(503));
            assertThat(collect(running).end()).isInstanceOf(GenerationEvent.Finished.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> s.inFlight() == 0);
        }
    }

    @Test
    void cancellingFreesTheSequenceAtTheNextStep() throws Exception {
        Model model = TestModels.stories();
        DecodeEngine slow = new SlowEngine(new SequentialDecodeEngine(model.forwardPass()), 10);
        try (Scheduler s = scheduler(model, 1, 4, 128, slow)) {
            Job job = s.submit(JobSpec.generate(encode(model, "Once"), SamplingOptions.greedy(), -1, List.of(), TIMEOUT));
            GenerationEvent e;
            do {
                e = job.next(10, TimeUnit.SECONDS);
            } while (!(e instanceof GenerationEvent.Text));
            job.cancel();
            Collected rest = collect(job);
            assertThat(rest.finished().reason()).isEqualTo(FinishReason.CANCELLED);
            await().atMost(Duration.ofSeconds(5)).until(() -> s.active() == 0 && s.inFlight() == 0);
            // The slot serves the next request.
            assertThat(collect(s.submit(JobSpec.generate(encode(model, "Once"), SamplingOptions.greedy(), 3, List.of(),
                    TIMEOUT))).finished().reason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void aRequestPastItsTimeLimitEndsWithWhatItHas() throws Exception {
        Model model = TestModels.stories();
        DecodeEngine slow = new SlowEngine(new SequentialDecodeEngine(model.forwardPass()), 20);
        try (Scheduler s = scheduler(model, 1, 4, 128, slow)) {
            Collected c = collect(s.submit(JobSpec.generate(encode(model, "Once"), SamplingOptions.greedy(), -1,
                    List.of(), Duration.ofMillis(300))));
            assertThat(c.finished().reason()).isEqualTo(FinishReason.TIMEOUT);
            assertThat(c.finished().usage().generatedTokens()).isBetween(1, 30);
        }
    }

    @Test
    void anEngineFailureFailsTheStepsSequencesAndTheSchedulerGoesOn() throws Exception {
        Model model = TestModels.stories();
        AtomicBoolean failNext = new AtomicBoolean(true);
        DecodeEngine real = new SequentialDecodeEngine(model.forwardPass());
        DecodeEngine flaky = batch -> {
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("simulated kernel failure");
            }
            real.step(batch);
        };
        try (Scheduler s = scheduler(model, 2, 4, 128, flaky)) {
            Collected failed = collect(s.submit(JobSpec.generate(encode(model, "Once"), SamplingOptions.greedy(), 5,
                    List.of(), TIMEOUT)));
            assertThat(failed.end()).isInstanceOfSatisfying(GenerationEvent.Failed.class,
                    f -> assertThat(f.status()).isEqualTo(500));
            assertThat(collect(s.submit(JobSpec.generate(encode(model, "Once"), SamplingOptions.greedy(), 5, List.of(),
                    TIMEOUT))).finished().usage().generatedTokens()).isEqualTo(5);
            assertThat(s.inFlight()).isZero();
        }
    }

    @Test
    void embeddingsAreUnitVectorsOnePerInputAndDeterministic() throws Exception {
        Model model = TestModels.stories();
        try (Scheduler s = scheduler(model, 2, 4, 4, new SequentialDecodeEngine(model.forwardPass()))) {
            List<int[]> inputs = List.of(encode(model, "a cat sat on the mat"), encode(model, "the dog ran"),
                    encode(model, "a cat sat on the mat"));
            Collected c = collect(s.submit(JobSpec.embed(inputs, TIMEOUT)));
            assertThat(c.end()).isInstanceOf(GenerationEvent.Embedded.class);
            float[][] v = ((GenerationEvent.Embedded) c.end()).vectors();
            assertThat(v).hasNumberOfRows(3);
            for (float[] row : v) {
                assertThat(row).hasSize(model.config().embeddingLength());
                double norm = 0;
                for (float x : row) {
                    norm += x * x;
                }
                assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(v[2]).containsExactly(v[0]);
            assertThat(v[1]).isNotEqualTo(v[0]);
        }
    }

    @Test
    void theBatchedEngineGivesEachSequenceWhatTheSequentialOneGives() throws Exception {
        Model model = TestModels.stories();
        List<String> prompts = List.of("Once upon a time", "The little dog", "Lily and Tom went to the park to play",
                "One day, a big bird", "Tim had a red ball");
        List<int[]> embedInputs = List.of(encode(model, "a cat sat on the mat"), encode(model, "the dog ran"));
        List<String> expected = new ArrayList<>();
        float[][] expectedVectors;
        try (Scheduler alone = scheduler(model, 1, 8, 128, new SequentialDecodeEngine(model.forwardPass()))) {
            for (String p : prompts) {
                expected.add(collect(alone.submit(JobSpec.generate(encode(model, p), SamplingOptions.greedy(), 30,
                        List.of(), TIMEOUT))).text());
            }
            expectedVectors = ((GenerationEvent.Embedded) collect(alone.submit(JobSpec.embed(embedInputs, TIMEOUT)))
                    .end()).vectors();
        }
        // Four slots for five generations and an embedding, prompts evaluated five tokens per step,
        // so decoding steps of different sizes meet prompt chunks and sequences come and go.
        try (Scheduler together = scheduler(model, 4, 8, 5, new BatchedDecodeEngine(model.forwardPass()))) {
            List<Job> jobs = new ArrayList<>();
            for (String p : prompts) {
                jobs.add(together.submit(JobSpec.generate(encode(model, p), SamplingOptions.greedy(), 30, List.of(),
                        TIMEOUT)));
            }
            Job embedding = together.submit(JobSpec.embed(embedInputs, TIMEOUT));
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(collect(jobs.get(i)).text()).as(prompts.get(i)).isEqualTo(expected.get(i));
            }
            float[][] vectors = ((GenerationEvent.Embedded) collect(embedding).end()).vectors();
            for (int i = 0; i < vectors.length; i++) {
                for (int k = 0; k < vectors[i].length; k++) {
                    assertThat(vectors[i][k]).isCloseTo(expectedVectors[i][k], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> together.inFlight() == 0 && together.active() == 0);
        }
    }

    /** An engine that takes at least {@code millis} per step, for tests that need time to act mid-generation. */
    static final class SlowEngine implements DecodeEngine {
        private final DecodeEngine delegate;
        private final long millis;
        final AtomicInteger steps = new AtomicInteger();

        SlowEngine(DecodeEngine delegate, long millis) {
            this.delegate = delegate;
            this.millis = millis;
        }

        @Override
        public void step(List<ActiveSequence> batch) {
            steps.incrementAndGet();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delegate.step(batch);
        }
    }
}
