package dev.cove.secure;

/**
 * How a request ended. A closed set on purpose: an error is recorded as a category, never as its
 * message, because messages are where text tends to creep in.
 */
public enum Outcome {
    OK,
    /** Stopped by the caller or because the client went away. */
    CANCELLED,
    /** Refused before any work: bad input, too long, not authorised, queue full. */
    REJECTED,
    /** Stopped at the context limit or max tokens before a natural end. */
    TRUNCATED,
    FAILED
}
