package dev.cove.core.grammar;

import dev.cove.core.CoveException;

/**
 * A grammar or JSON schema that cannot be used: a syntax error, an undefined rule, left
 * recursion, a size beyond the limits, or a schema keyword that is not supported (the message
 * names it). Servers answer it with 400. Messages never quote generated text.
 */
public class GrammarException extends CoveException {
    public GrammarException(String message) {
        super(message);
    }
}
