package dev.cove.core.tokenizer;

/** The token types of {@code tokenizer.ggml.token_type}, numbered as in GGUF. */
public enum TokenType {
    UNDEFINED(0),
    NORMAL(1),
    UNKNOWN(2),
    CONTROL(3),
    USER_DEFINED(4),
    UNUSED(5),
    BYTE(6);

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The number stored in GGUF files. */
    public int code() {
        return code;
    }

    /** The type with that GGUF number; unknown numbers are {@link #UNDEFINED}, as in llama.cpp. */
    public static TokenType ofCode(int code) {
        return code >= 0 && code < values().length ? values()[code] : UNDEFINED;
    }
}
