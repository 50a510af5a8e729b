package dev.cove.core;

/**
 * Root of the engine's exception hierarchy. Messages are written for the user: they say what is
 * wrong and, where possible, what to do. They never contain prompt or output text.
 */
public class CoveException extends RuntimeException {
    public CoveException(String message) {
        super(message);
    }

    public CoveException(String message, Throwable cause) {
        super(message, cause);
    }
}
