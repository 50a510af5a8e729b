package dev.cove.core.chat;

import java.util.Objects;

/**
 * One call of a {@link Tool} by the model, as an assistant message carries it.
 *
 * @param id        the call's id, which the {@link ChatMessage.Role#TOOL} message answering it
 *                  repeats ({@code call_...} in OpenAI's API); may be empty where the API has none
 * @param name      the function called
 * @param arguments the arguments as JSON text, as OpenAI's {@code function.arguments} carries them
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }

    /** Never the arguments: they may hold what the user said. */
    @Override
    public String toString() {
        return "ToolCall[id=" + id + ", name=" + name + ", " + arguments.length() + " chars]";
    }
}
