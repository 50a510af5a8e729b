package dev.cove.core.generate;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token (EOS, EOT, ...), or the grammar allows nothing more. */
    END_OF_GENERATION,
    /** The output contained one of the stop strings; the stop string itself is not emitted. */
    STOP_STRING,
    /** The requested maximum number of tokens was generated. */
    MAX_TOKENS,
    /** The context window is full. */
    CONTEXT_FULL,
    /** The listener asked to stop. */
    CANCELLED
}
