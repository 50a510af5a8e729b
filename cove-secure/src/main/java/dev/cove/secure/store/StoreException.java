package dev.cove.secure.store;

import dev.cove.secure.SecureException;

/** A store operation failed: no such model, a name taken, a damaged manifest, a full disk. */
public class StoreException extends SecureException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
