package dev.cove.cli;

import dev.cove.core.chat.ChatMessage;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Makes a conversation fit its context, as a chat user expects: the oldest exchanges go first
 * (a user message with the answers and tool results after it), the system prompt and the newest
 * message always stay.
 */
final class ConversationTrimmer {
    private ConversationTrimmer() {
    }

    /**
     * Removes the oldest exchanges from {@code conversation} until {@code promptTokens} of it is at
     * most {@code budget}, or only the system messages and the newest message are left.
     *
     * @return how many messages were removed
     */
    static int trim(List<ChatMessage> conversation, ToIntFunction<List<ChatMessage>> promptTokens, int budget) {
        int removed = 0;
        while (promptTokens.applyAsInt(conversation) > budget) {
            int first = firstNonSystem(conversation);
            int newest = conversation.size() - 1;
            if (first < 0 || first >= newest) {
                break;
            }
            conversation.remove(first);
            removed++;
            while (first < conversation.size() - 1 && conversation.get(first).role() != ChatMessage.Role.USER
                    && conversation.get(first).role() != ChatMessage.Role.SYSTEM) {
                conversation.remove(first);
                removed++;
            }
        }
        return removed;
    }

    private static int firstNonSystem(List<ChatMessage> conversation) {
        for (int i = 0; i < conversation.size(); i++) {
            if (conversation.get(i).role() != ChatMessage.Role.SYSTEM) {
                return i;
            }
        }
        return -1;
    }
}
