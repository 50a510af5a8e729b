package dev.cove.core.chat;

import java.util.List;
import java.util.Objects;

/**
 * Streams an answer that may hold tool calls: text that cannot be part of a call passes on at
 * once; from the moment the answer could be starting a call (its marker, or a JSON value at the
 * very start) the text is held until the end, where {@link #finish} reads the calls out of it.
 * A partial marker at the end of a piece is held too, so {@code <tool_} is never streamed as
 * text and then turn out to be a call. Not thread-safe: one per answer.
 */
public final class ToolCallStream {
    private final ToolCallSyntax syntax;
    private final List<Tool> offered;
    private final String marker;
    private final StringBuilder answer = new StringBuilder();
    private int emitted;
    private boolean holding;

    public ToolCallStream(ToolCallSyntax syntax, List<Tool> offered) {
        this.syntax = Objects.requireNonNull(syntax, "syntax");
        this.offered = List.copyOf(offered);
        this.marker = switch (syntax) {
            case HERMES -> "<tool_call>";
            case MISTRAL, MISTRAL_ARGS -> "[TOOL_CALLS]";
            case LLAMA3 -> "<|python_tag|>";
            case JSON -> null;
        };
    }

    /** Takes the next piece of the answer; returns the text that can be shown as content now (maybe empty). */
    public String accept(String piece) {
        answer.append(piece);
        if (offered.isEmpty()) {
            return release(answer.length());
        }
        if (holding) {
            return "";
        }
        if (emitted == 0 && startsLikeCall()) {
            holding = true;
            return "";
        }
        int safeEnd = answer.length();
        if (marker != null) {
            int at = answer.indexOf(marker, Math.max(0, emitted - marker.length()));
            if (at >= 0) {
                holding = true;
                return release(at);
            }
            safeEnd = answer.length() - partialMarkerAtEnd();
        }
        if (emitted == 0 && answer.toString().isBlank()) {
            return ""; // leading blanks: wait to see whether a call follows
        }
        return release(safeEnd);
    }

    /**
     * The end of the answer: its calls, and the content not yet returned by {@link #accept} (all
     * the held text when there are no calls).
     */
    public ToolCallSyntax.Reply finish() {
        ToolCallSyntax.Reply reply = syntax.parse(answer.toString(), offered);
        if (!reply.hasCalls()) {
            return new ToolCallSyntax.Reply(answer.substring(emitted), List.of());
        }
        return new ToolCallSyntax.Reply(emitted == 0 ? reply.content() : "", reply.calls());
    }

    private boolean startsLikeCall() {
        String s = answer.toString().stripLeading();
        if (s.isEmpty()) {
            return false;
        }
        char c = s.charAt(0);
        return c == '{' || c == '[' || (marker != null && (marker.startsWith(s) || s.startsWith(marker)));
    }

    /** How many characters at the end of the answer are the start of the marker. */
    private int partialMarkerAtEnd() {
        for (int n = Math.min(marker.length() - 1, answer.length() - emitted); n > 0; n--) {
            if (answer.substring(answer.length() - n).equals(marker.substring(0, n))) {
                return n;
            }
        }
        return 0;
    }

    private String release(int end) {
        if (end <= emitted) {
            return "";
        }
        String out = answer.substring(emitted, end);
        emitted = end;
        return out;
    }
}
