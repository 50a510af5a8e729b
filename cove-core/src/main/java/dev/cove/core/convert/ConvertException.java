package dev.cove.core.convert;

import dev.cove.core.CoveException;

/**
 * A conversion cannot proceed: an input is damaged, of an unsupported kind or does not match
 * the other inputs, or the output cannot be written. The message names the file and says what
 * is wrong. When a conversion fails no output file is left behind.
 */
public class ConvertException extends CoveException {
    public ConvertException(String message) {
        super(message);
    }

    public ConvertException(String message, Throwable cause) {
        super(message, cause);
    }
}
