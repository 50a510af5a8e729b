package dev.cove.core.json;

import dev.cove.core.CoveException;

/** JSON text that is not valid, or a value of the wrong kind; the message names the source and the place. */
public class JsonException extends CoveException {
    public JsonException(String message) {
        super(message);
    }
}
