package dev.cove.server.batch;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A submitted request as its HTTP thread sees it: the events the scheduler sends it and a way to
 * give up. The scheduler only ever offers to the event queue (it never blocks on a slow client);
 * the queue is bounded by the request's own token limit.
 */
public final class Job {
    private final JobSpec spec;
    private final long submittedNanos;
    private final long deadlineNanos;
    private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    Job(JobSpec spec, long submittedNanos) {
        this.spec = spec;
        this.submittedNanos = submittedNanos;
        long timeout = spec.timeout().toNanos();
        this.deadlineNanos = submittedNanos + Math.max(1, timeout);
    }

    public JobSpec spec() {
        return spec;
    }

    /** Asks the scheduler to drop this request: queued, it is never started; running, its slot is freed at the next step. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** The next event, or null when none came within the timeout. */
    public GenerationEvent next(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    long submittedNanos() {
        return submittedNanos;
    }

    boolean expired(long now) {
        return now - deadlineNanos >= 0;
    }

    void emit(GenerationEvent event) {
        events.offer(event);
    }
}
