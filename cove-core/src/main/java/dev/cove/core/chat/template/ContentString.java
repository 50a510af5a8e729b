package dev.cove.core.chat.template;

import java.util.Objects;

/**
 * A string in a render context that is content (a message's text, a tool result): the template
 * sees an ordinary string, and every character of the rendering that derives from it is marked
 * in {@link Rendering#fromContent()}. Plain {@code String}s are treated as template-side data
 * (roles, tool names) and are not marked.
 */
public record ContentString(String text) {
    public ContentString {
        Objects.requireNonNull(text, "text");
    }
}
