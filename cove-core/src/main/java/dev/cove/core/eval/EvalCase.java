package dev.cove.core.eval;

import dev.cove.core.chat.ChatMessage;
import java.util.List;

/**
 * One case of an eval suite: what the model is given (a prompt to continue, or chat messages
 * answered in the model's chat format), what is expected, and the checks its output must pass.
 *
 * @param line      the suite line (JSONL) or item start line (YAML) it came from, for messages
 * @param prompt    the text to continue, or null when {@code messages} is given
 * @param messages  the conversation to answer, or empty when {@code prompt} is given
 * @param maxTokens tokens to generate at most; -1 for the run's default
 */
public record EvalCase(String id, int line, String prompt, List<ChatMessage> messages, List<String> expected,
                       List<Check> checks, List<String> tags, int maxTokens, List<String> stop) {
    public EvalCase {
        messages = List.copyOf(messages);
        expected = List.copyOf(expected);
        checks = List.copyOf(checks);
        tags = List.copyOf(tags);
        stop = List.copyOf(stop);
    }

    /** Whether any check scores generated text (else the model need not generate for this case). */
    public boolean needsOutput() {
        return checks.stream().anyMatch(c -> c.text() != null);
    }
}
