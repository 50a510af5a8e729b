package dev.cove.cli;

import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.Session;
import dev.cove.core.generate.StopReason;
import dev.cove.core.generate.Token;
import java.util.function.Consumer;

/**
 * Ends a text that the context would cut off at a clean point. In the last tokens before the
 * context is full, the text is held back word by word and generation stops at the first end of
 * a sentence or line; when the context fills before one comes, the text ends at the last whole
 * word. Until then tokens pass straight through, so streaming is unchanged. Not used with context
 * shift, where the context never fills. One generation at a time.
 */
final class CleanEnding implements Consumer<Token> {
    /** How a generation ended. */
    enum Ending {
        /** Not at the context's edge: the model, a stop string or -n ended it. */
        NATURAL,
        /** Stopped at the end of a sentence or line, shortly before the context was full. */
        SENTENCE,
        /** The context filled up mid-sentence: the text ends at the last whole word. */
        WORD
    }

    private static final String CLOSERS = "\"'\u201d\u2019)]*";

    private final Session session;
    private final Consumer<String> sink;
    private final int margin;
    private final StringBuilder held = new StringBuilder();
    private final StringBuilder shown = new StringBuilder();
    private boolean endedAtSentence;

    /**
     * @param enabled false to pass every token through: with context shift (the context never
     *                fills) and with a grammar (structured output is not cut at a sentence)
     * @param sink    receives the text to show, in order
     */
    CleanEnding(Session session, boolean enabled, Consumer<String> sink) {
        this.session = session;
        this.sink = piece -> {
            shown.append(piece);
            sink.accept(piece);
        };
        // Wide enough for a sentence of a story or an answer to end in; a quarter of a tiny context.
        this.margin = enabled ? Math.max(1, Math.min(32, session.contextLength() / 4)) : -1;
    }

    @Override
    public void accept(Token token) {
        if (endedAtSentence) {
            return; // what the session flushes after the stop belongs to the cut-off part
        }
        if (margin < 0) {
            sink.accept(token.text());
            return;
        }
        int remaining = session.contextLength() - session.position();
        if (held.isEmpty() && remaining > margin) {
            sink.accept(token.text());
            return;
        }
        held.append(token.text());
        int end = sentenceEnd(held, false);
        if (end >= 0) {
            sink.accept(held.substring(0, end));
            held.setLength(0);
            endedAtSentence = true;
            session.stop();
            return;
        }
        int lastSpace = lastWhitespace(held);
        if (lastSpace >= 0) {
            sink.accept(held.substring(0, lastSpace + 1));
            held.delete(0, lastSpace + 1);
        }
    }

    /** After {@link Session#generate} returns: shows what is still held unless the context cut it mid-word. */
    Ending finish(GenerationResult result) {
        if (endedAtSentence) {
            return Ending.SENTENCE;
        }
        if (result.stopReason() != StopReason.CONTEXT_FULL || margin < 0) {
            flush();
            return Ending.NATURAL;
        }
        if (sentenceEnd(held, true) == held.length() && !held.isEmpty()) {
            flush();
            return Ending.SENTENCE;
        }
        held.setLength(0); // a word the context cut off
        return Ending.WORD;
    }

    /** The text shown so far: what the conversation records as the answer. */
    String shownText() {
        return shown.toString();
    }

    private void flush() {
        if (!held.isEmpty()) {
            sink.accept(held.toString());
            held.setLength(0);
        }
    }

    /**
     * The index just past the first sentence end ({@code .!?} and any closing quotes or brackets,
     * followed by white space) or before the first line break; -1 if none. With {@code atEnd},
     * the end of the text counts as white space.
     */
    static int sentenceEnd(CharSequence text, boolean atEnd) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return i;
            }
            if (c == '.' || c == '!' || c == '?') {
                int j = i + 1;
                while (j < text.length() && (CLOSERS.indexOf(text.charAt(j)) >= 0 || ".!?".indexOf(text.charAt(j)) >= 0)) {
                    j++;
                }
                if (j < text.length() ? Character.isWhitespace(text.charAt(j)) : atEnd) {
                    return j;
                }
            }
        }
        return -1;
    }

    private static int lastWhitespace(CharSequence text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The result as timings and audit records report it: a clean ending stopped for the context, not by a user. */
    static GenerationResult asReported(GenerationResult r, Ending ending) {
        if (ending == Ending.NATURAL || r.stopReason() == StopReason.CONTEXT_FULL) {
            return r;
        }
        return new GenerationResult(r.text(), r.promptTokens(), r.reusedPromptTokens(), r.generatedTokens(),
                StopReason.CONTEXT_FULL, r.promptNanos(), r.generationNanos(), r.draftedTokens(), r.acceptedDraftTokens());
    }

    /** One line saying why the text ended where it did, and what gives more room; null for a natural end. */
    static String notice(Ending ending, int context, int trained) {
        if (ending == Ending.NATURAL) {
            return null;
        }
        String what = ending == Ending.SENTENCE
                ? "the context of " + context + " tokens was nearly full: the text ends at the end of a sentence"
                : "the context of " + context + " tokens is full: the text ends at the last whole word";
        String room = context < trained
                ? "; -c up to " + trained + " (the model's limit) makes room"
                : "; " + context + " is the model's limit: --context-shift keeps generating past it";
        return what + room;
    }
}
