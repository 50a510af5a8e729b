package dev.cove.core.chat;

import java.util.List;

/**
 * Turns a conversation into the prompt a model was trained on: the model's own chat template
 * where its file carries one, a built-in {@link ChatFormat} otherwise. Implementations are
 * immutable and safe to share between threads.
 */
public interface ChatRenderer {

    /**
     * The prompt for {@code messages}, with {@code tools} offered to the model where the format
     * has a place for them, optionally followed by the assistant's header so that the model's
     * next tokens are its answer. Tokenize it with {@link ChatPrompt#tokenize}: special-token text
     * typed into a message stays text.
     */
    ChatPrompt renderPrompt(List<ChatMessage> messages, List<Tool> tools, boolean addGenerationPrompt);

    /** {@link #renderPrompt(List, List, boolean)} without tools. */
    default ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return renderPrompt(messages, List.of(), addGenerationPrompt);
    }

    /**
     * Text that ends the assistant's turn: generation stops there as well as at the model's
     * end-of-generation tokens (models sometimes write their end marker as plain text).
     */
    List<String> stopStrings();

    /** How the model writes tool calls in its answers, as this renderer teaches it. */
    ToolCallSyntax toolCallSyntax();
}
