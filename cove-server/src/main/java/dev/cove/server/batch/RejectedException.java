package dev.cove.server.batch;

/**
 * A request the scheduler would not take: its queue is full (HTTP 429) or it is shutting down
 * (HTTP 503). {@link #retryAfterSeconds()} estimates when trying again may succeed.
 */
public final class RejectedException extends RuntimeException {
    private final int status;
    private final long retryAfterSeconds;

    RejectedException(int status, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
