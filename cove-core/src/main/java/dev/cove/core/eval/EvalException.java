package dev.cove.core.eval;

import dev.cove.core.CoveException;

/** An evaluation cannot run: too little text for the context, models that cannot be compared, ... */
public class EvalException extends CoveException {
    public EvalException(String message) {
        super(message);
    }
}
