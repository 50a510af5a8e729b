package dev.cove.secure.keys;

import dev.cove.secure.SecureException;

/** The keystore could not be opened, read or written, or holds a key of the wrong kind. */
public final class KeystoreException extends SecureException {
    public KeystoreException(String message) {
        super(message);
    }

    public KeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
