package dev.cove.server;

import dev.cove.server.batch.FinishReason;
import dev.cove.server.batch.GenerationEvent;
import dev.cove.server.batch.Job;
import dev.cove.server.batch.JobSpec;
import dev.cove.server.batch.RejectedException;
import dev.cove.core.sample.TokenLogprobs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One request's conversation with its model's scheduler, on the HTTP thread: submit, wait for a
 * slot, then collect the whole answer or stream it piece by piece. Scheduler refusals and
 * failures become {@link ApiException}s; a client that goes away cancels the job, which frees
 * its sequence at the next step.
 */
final class Generation {
    /** Silence after which a stream gets a keep-alive (SSE comment), which also detects a gone client. */
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long past the request's deadline to wait for the scheduler's own timeout before giving up. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Receives text as it is generated. */
    @FunctionalInterface
    interface TextSink {
        void text(String piece);
    }

    /** Everything a finished request produced. */
    record Outcome(String text, FinishReason reason, GenerationEvent.Usage usage, float[][] embeddings, int[] tokens,
            List<TokenLogprobs> logprobs) {
    }

    private final ServedModel model;
    private final Job job;
    private GenerationEvent.Admitted admitted;
    private final List<TokenLogprobs> logprobs = new ArrayList<>();
    private int drained;

    private Generation(ServedModel model, Job job) {
        this.model = model;
        this.job = job;
    }

    static Generation submit(ServedModel model, JobSpec spec) {
        try {
            return new Generation(model, model.scheduler().submit(spec));
        } catch (RejectedException e) {
            throw e.status() == 429
                    ? new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded", e.getMessage(),
                            e.retryAfterSeconds())
                    : new ApiException(e.status(), "server_error", null, "overloaded", e.getMessage(),
                            e.retryAfterSeconds());
        }
    }

    ServedModel model() {
        return model;
    }

    void cancel() {
        job.cancel();
    }

    /** Waits until the request has a sequence (the moment to send a stream's headers). */
    GenerationEvent.Admitted awaitAdmission() {
        while (admitted == null) {
            GenerationEvent e = next(null);
            if (e instanceof GenerationEvent.Admitted a) {
                admitted = a;
            } else {
                throw unexpected(e);
            }
        }
        return admitted;
    }

    /** Waits for the whole answer. */
    Outcome collect() {
        return stream(null, null);
    }

    /**
     * Passes each piece of text to {@code sink} as it comes and returns the end. {@code keepAlive}
     * runs after each few seconds of silence. If the sink or keep-alive throws (the client is
     * gone), the job is cancelled and the exception passes on.
     */
    Outcome stream(TextSink sink, Runnable keepAlive) {
        StringBuilder text = new StringBuilder();
        try {
            while (true) {
                GenerationEvent e = next(keepAlive);
                switch (e) {
                    case GenerationEvent.Admitted a -> admitted = a;
                    case GenerationEvent.Logprob l -> logprobs.add(l.value());
                    case GenerationEvent.Text t -> {
                        text.append(t.text());
                        if (sink != null) {
                            sink.text(t.text());
                        }
                    }
                    case GenerationEvent.Finished f -> {
                        return new Outcome(text.toString(), f.reason(), f.usage(), null, f.tokens(), List.copyOf(logprobs));
                    }
                    case GenerationEvent.Embedded em -> {
                        return new Outcome("", FinishReason.EMBEDDED, em.usage(), em.vectors(), new int[0], List.of());
                    }
                    case GenerationEvent.Failed f -> throw failure(f);
                }
            }
        } catch (RuntimeException | Error ex) {
            job.cancel();
            throw ex;
        }
    }

    /**
     * The log-probabilities of the tokens received since the last call (for a stream's chunk);
     * empty unless the job asked for them.
     */
    List<TokenLogprobs> drainLogprobs() {
        List<TokenLogprobs> out = List.copyOf(logprobs.subList(drained, logprobs.size()));
        drained = logprobs.size();
        return out;
    }

    private GenerationEvent next(Runnable keepAlive) {
        long giveUpAt = job.deadlineNanos() + GRACE_NANOS;
        while (true) {
            long left = giveUpAt - System.nanoTime();
            if (left <= 0) {
                job.cancel();
                throw new ApiException(504, "server_error", null, "timeout",
                        "the request did not finish within the server's time limit");
            }
            GenerationEvent e;
            try {
                e = job.next(keepAlive == null ? left : Math.min(left, KEEP_ALIVE_NANOS), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                job.cancel();
                throw new ApiException(503, "server_error", null, "overloaded", "the server is shutting down");
            }
            if (e != null) {
                return e;
            }
            if (keepAlive != null) {
                keepAlive.run();
            }
        }
    }

    private ApiException failure(GenerationEvent.Failed f) {
        return switch (f.status()) {
            case 400 -> ApiException.invalid(null, f.message());
            case 501 -> ApiException.notImplemented("not_implemented", f.message());
            case 503 -> new ApiException(503, "server_error", null, "overloaded", f.message(),
                    model.scheduler().retryAfterSeconds());
            default -> new ApiException(f.status(), "server_error", null, null, f.message());
        };
    }

    private ApiException unexpected(GenerationEvent e) {
        if (e instanceof GenerationEvent.Failed f) {
            return failure(f);
        }
        return new ApiException(500, "server_error", null, null, "internal error: unexpected scheduler event");
    }
}
