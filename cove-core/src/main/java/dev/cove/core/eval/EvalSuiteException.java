package dev.cove.core.eval;

/** An eval suite that cannot be read: the message names the file and line and says what is wrong. */
public class EvalSuiteException extends EvalException {
    public EvalSuiteException(String message) {
        super(message);
    }
}
