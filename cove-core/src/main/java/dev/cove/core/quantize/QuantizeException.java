package dev.cove.core.quantize;

import dev.cove.core.CoveException;

/**
 * A quantization cannot proceed: the input is not a model Cove can quantize, the requested type
 * does not fit it, or the output cannot be written. No output file is left behind.
 */
public class QuantizeException extends CoveException {
    public QuantizeException(String message) {
        super(message);
    }

    public QuantizeException(String message, Throwable cause) {
        super(message, cause);
    }
}
