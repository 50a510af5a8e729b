package dev.cove.secure;

import dev.cove.core.CoveException;

/**
 * Root of cove-secure's exceptions. Like every Cove message, these say what went wrong and what
 * to do, and never quote prompt text, output text or any value that was being checked: a
 * rejected value might be exactly the personal data this module exists to protect.
 */
public class SecureException extends CoveException {
    public SecureException(String message) {
        super(message);
    }

    public SecureException(String message, Throwable cause) {
        super(message, cause);
    }
}
