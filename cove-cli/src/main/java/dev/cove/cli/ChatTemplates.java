package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.core.chat.ChatFormat;

/** Chooses the chat format of a model from its {@code tokenizer.chat_template}. */
final class ChatTemplates {
    private ChatTemplates() {
    }

    /** The model's chat format, or null for a base model without a chat template. */
    static ChatFormat formatOf(Model model) {
        String template = model.metadata().getString("tokenizer.chat_template", null);
        if (template == null) {
            return null;
        }
        return ChatFormat.detect(template, text -> model.tokenizer().vocabulary().tokenId(text) != dev.cove.core.tokenizer.Vocabulary.NONE);
    }
}
