package dev.cove.secure.crypt;

import dev.cove.secure.SecureException;

/** A model cannot be encrypted or decrypted: wrong key, damaged or truncated file, missing key. */
public class CryptException extends SecureException {
    public CryptException(String message) {
        super(message);
    }

    public CryptException(String message, Throwable cause) {
        super(message, cause);
    }
}
