package dev.cove.secure.sign;

import dev.cove.secure.SecureException;

/** A key or signature file that cannot be read, or a signature operation that failed. */
public class SignException extends SecureException {
    public SignException(String message) {
        super(message);
    }

    public SignException(String message, Throwable cause) {
        super(message, cause);
    }
}
