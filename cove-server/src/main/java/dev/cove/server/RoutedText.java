package dev.cove.server;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The text of a request the router classifies: the last user message of a chat, the prompt of
 * a completion. Read leniently from the raw body, before the request is validated: a malformed
 * request routes on nothing (the default route) and then fails validation with its own error.
 */
final class RoutedText {
    private RoutedText() {
    }

    /** The last {@code user} message's text (string content or its text parts), or null. */
    static String lastUserMessage(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            return null;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m.isObject() && "user".equals(m.path("role").asText(null))) {
                return text(m.get("content"));
            }
        }
        return null;
    }

    /** A text prompt (or a batch of one); null for token ids. */
    static String prompt(JsonNode prompt) {
        if (prompt != null && prompt.isArray() && prompt.size() == 1) {
            prompt = prompt.get(0);
        }
        return prompt != null && prompt.isTextual() ? prompt.textValue() : null;
    }

    private static String text(JsonNode content) {
        if (content == null) {
            return null;
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.isObject() && "text".equals(part.path("type").asText(null)) && part.path("text").isTextual()) {
                sb.append(part.get("text").textValue());
            }
        }
        return sb.toString();
    }
}
