package dev.cove.core.chat;

import java.util.Locale;
import java.util.Objects;

/**
 * One message of a conversation: who said it and what. The content is used as is; each
 * {@link ChatFormat} trims it only where the model's own template does.
 */
public record ChatMessage(Role role, String content) {

    /** The speakers a chat format knows. */
    public enum Role {
        SYSTEM, USER, ASSISTANT;

        /** The role's name in chat templates: {@code system}, {@code user}, {@code assistant}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
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

    /** Never the content: prompts and answers stay out of logs and exception messages. */
    @Override
    public String toString() {
        return "ChatMessage[role=" + role.id() + ", " + content.length() + " chars]";
    }
}
