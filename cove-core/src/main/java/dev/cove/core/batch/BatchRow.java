package dev.cove.core.batch;

import dev.cove.core.chat.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * One input of a batch: a prompt to continue as it is, or a conversation to answer with the
 * model's chat format, with optional per-row overrides of the job's options.
 *
 * @param id          the caller's name for the row, handed back in its {@link BatchResult}
 * @param prompt      text to continue (raw completion); null when {@code messages} is given
 * @param messages    a conversation to answer; null when {@code prompt} is given
 * @param maxTokens   tokens to generate at most for this row (negative: until the model stops or
 *                    the context is full); null for the job's
 * @param temperature this row's temperature; null for the job's
 * @param seed        this row's sampling seed; null for the job's
 */
public record BatchRow(String id, String prompt, List<ChatMessage> messages, Integer maxTokens, Float temperature,
        Long seed) {

    public BatchRow {
        Objects.requireNonNull(id, "id");
        if ((prompt == null) == (messages == null)) {
            throw new IllegalArgumentException("row " + id + ": give a prompt or messages, exactly one of them");
        }
        messages = messages == null ? null : List.copyOf(messages);
    }

    /** A prompt to continue with the job's options. */
    public static BatchRow ofPrompt(String id, String prompt) {
        return new BatchRow(id, prompt, null, null, null, null);
    }

    /** A conversation to answer with the job's options. */
    public static BatchRow ofMessages(String id, List<ChatMessage> messages) {
        return new BatchRow(id, null, messages, null, null, null);
    }

    /** This row with its own limit, temperature and seed (each null: the job's). */
    public BatchRow with(Integer maxTokens, Float temperature, Long seed) {
        return new BatchRow(id, prompt, messages, maxTokens, temperature, seed);
    }

    public boolean isChat() {
        return messages != null;
    }
}
