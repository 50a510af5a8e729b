package dev.cove.secure.sign;

import dev.cove.secure.SecureException;

/** The trust policy refused a model: no valid signature from a trusted key, or the file changed. */
public final class UntrustedModelException extends SecureException {
    public UntrustedModelException(String message) {
        super(message);
    }
}
