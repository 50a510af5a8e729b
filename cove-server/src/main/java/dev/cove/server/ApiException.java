package dev.cove.server;

/**
 * An HTTP error with the fields of an OpenAI error body: {@code {"error": {"message", "type",
 * "param", "code"}}} (Ollama's endpoints get {@code {"error": message}}). Messages name the
 * problem and never contain prompt or output text.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final long retryAfterSeconds;
    private final String ollamaMessage;

    public ApiException(int status, String type, String param, String code, String message, long retryAfterSeconds) {
        this(status, type, param, code, message, retryAfterSeconds, null);
    }

    private ApiException(int status, String type, String param, String code, String message, long retryAfterSeconds,
                         String ollamaMessage) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
        this.ollamaMessage = ollamaMessage;
    }

    public ApiException(int status, String type, String param, String code, String message) {
        this(status, type, param, code, message, -1);
    }

    /** 400: something about the request is wrong; {@code param} names the field. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", param, code, message);
    }

    public static ApiException modelNotFound(String model) {
        String name = Strings.shorten(model, 100);
        return new ApiException(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + name + "' does not exist: GET /v1/models lists the models served", -1,
                "model '" + name + "' not found: GET /api/tags lists the models served");
    }

    /** 400: a request that names no model. */
    public static ApiException modelMissing() {
        return new ApiException(400, "invalid_request_error", "model", null,
                "you must provide a model parameter: GET /v1/models lists the models served", -1,
                "model is required: GET /api/tags lists the models served");
    }

    public static ApiException notImplemented(String code, String message) {
        return new ApiException(501, "server_error", null, code, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /**
     * The message for a client of the Ollama API ({@code /api/...}): the same problem, pointing at
     * Ollama's routes where the OpenAI message points at {@code /v1}.
     */
    public String ollamaMessage() {
        return ollamaMessage != null ? ollamaMessage : getMessage();
    }

    /** Seconds for a {@code Retry-After} header, or -1 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
