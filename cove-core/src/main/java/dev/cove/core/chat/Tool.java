package dev.cove.core.chat;

import java.util.Map;
import java.util.Objects;

/**
 * A function the model may call, as OpenAI's {@code tools[].function} and Ollama's {@code tools}
 * describe it: a name, what it does, and its parameters as a JSON Schema.
 *
 * @param name        the function's name, as the model is to write it in a call
 * @param description what the function does, for the model; may be empty
 * @param parameters  the JSON Schema of the arguments, as parsed JSON: objects are
 *                    {@code Map<String, Object>} in document order, arrays {@code List<Object>},
 *                    strings, {@code Long} or {@code Double} numbers, {@code Boolean}, and
 *                    {@code null} for JSON's null
 */
public record Tool(String name, String description, Map<String, Object> parameters) {
    public Tool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parameters, "parameters");
    }
}
