package dev.cove.core.chat;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One message of a conversation: who said it and what. The content is used as is; each
 * {@link ChatFormat} trims it only where the model's own template does.
 *
 * @param role       who speaks
 * @param content    what is said; empty for an assistant message that only calls tools
 * @param toolCalls  the tools an assistant message calls, in order; empty otherwise
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers; else empty
 * @param name       for a {@link Role#TOOL} message, the function whose result it is; else empty
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {

    /** The speakers a chat format knows. */
    public enum Role {
        SYSTEM, USER, ASSISTANT, TOOL;

        /** The role's name in chat templates: {@code system}, {@code user}, {@code assistant}, {@code tool}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(name, "name");
    }

    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), "", "");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /** An assistant turn that calls tools (with {@code content}, often empty, said beside the calls). */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, content, toolCalls, "", "");
    }

    /** The result of the call {@code toolCallId} of the function {@code name}. */
    public static ChatMessage toolResult(String toolCallId, String name, String content) {
        return new ChatMessage(Role.TOOL, content, List.of(), toolCallId, name);
    }

    /** Never the content: prompts and answers stay out of logs and exception messages. */
    @Override
    public String toString() {
        return "ChatMessage[role=" + role.id() + ", " + content.length() + " chars"
                + (toolCalls.isEmpty() ? "" : ", " + toolCalls.size() + " tool calls") + "]";
    }
}
