package dev.cove.secure.pull;

import dev.cove.secure.SecureException;

/**
 * A download failed or was refused. The message says what happened and what to do; a
 * resumable partial download stays in the store's tmp directory unless the message says it was
 * discarded.
 */
public class PullException extends SecureException {
    public PullException(String message) {
        super(message);
    }

    public PullException(String message, Throwable cause) {
        super(message, cause);
    }
}
