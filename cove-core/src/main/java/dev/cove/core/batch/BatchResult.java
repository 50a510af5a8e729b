package dev.cove.core.batch;

import java.util.Objects;

/**
 * What one row produced: its text and token counts, or the reason it could not run.
 *
 * @param id               the row's {@link BatchRow#id()}
 * @param text             the generated text (stop strings removed); null when the row failed
 * @param promptTokens     tokens of the prompt as fed to the model (0 when it failed before tokenizing)
 * @param completionTokens tokens generated, the end-of-generation token included
 * @param finishReason     why generation ended; null when the row failed
 * @param error            what was wrong with the row, for the person who wrote it; null on success
 */
public record BatchResult(String id, String text, int promptTokens, int completionTokens, FinishReason finishReason,
        String error) {

    public BatchResult {
        Objects.requireNonNull(id, "id");
        if ((error == null) == (finishReason == null)) {
            throw new IllegalArgumentException("a result has a finish reason or an error, exactly one of them");
        }
    }

    public static BatchResult failed(String id, int promptTokens, String error) {
        return new BatchResult(id, null, promptTokens, 0, null, Objects.requireNonNull(error, "error"));
    }

    public boolean failed() {
        return error != null;
    }
}
