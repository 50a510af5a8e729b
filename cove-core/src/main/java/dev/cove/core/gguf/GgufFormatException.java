package dev.cove.core.gguf;

import dev.cove.core.CoveException;

/** A GGUF file is damaged, hostile or uses something Cove does not support. */
public class GgufFormatException extends CoveException {
    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
