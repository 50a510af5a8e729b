package dev.cove.secure.audit;

import dev.cove.secure.SecureException;

/** The audit log could not be written or read. */
public final class AuditException extends SecureException {
    public AuditException(String message) {
        super(message);
    }

    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
