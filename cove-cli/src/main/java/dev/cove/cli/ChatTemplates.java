package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.core.chat.ChatRenderer;
import dev.cove.core.chat.TemplateChatRenderer;

/** Chooses how a model's conversations are rendered: its own {@code tokenizer.chat_template} first. */
final class ChatTemplates {
    private ChatTemplates() {
    }

    /** The model's chat renderer, or null for a base model without a chat template. */
    static ChatRenderer formatOf(Model model) {
        if (model.metadata().getString("tokenizer.chat_template", null) == null) {
            return null;
        }
        return TemplateChatRenderer.forModel(model);
    }

    /** The model's chat renderer, a built-in format for a model without a template. */
    static ChatRenderer forChat(Model model) {
        return TemplateChatRenderer.forModel(model);
    }
}
