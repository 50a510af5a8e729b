package dev.cove.core.batch;

/** Why a row's generation ended, in the words of OpenAI's {@code finish_reason}. */
public enum FinishReason {
    /** An end-of-generation token, a stop string, or a grammar that allows nothing more. */
    STOP("stop"),
    /** The row's token limit, or its context is full. */
    LENGTH("length");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    /** "stop" or "length". */
    public String wireName() {
        return wireName;
    }
}
