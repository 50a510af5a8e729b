package dev.cove.core.chat.template;

import dev.cove.core.CoveException;

/**
 * A chat template failed to compile or to render. {@link #kind()} is the name jinja2 (as
 * transformers runs it) gives the same failure: {@code TemplateSyntaxError} and
 * {@code TemplateAssertionError} when compiling, {@code TemplateError} for the template's own
 * {@code raise_exception(...)}, {@code UndefinedError}, {@code TypeError}, {@code SecurityError}
 * and the like while rendering, and {@code LimitExceeded} when a render hits its {@link Limits}.
 * {@link #getMessage()} reads {@code "KIND: MESSAGE"}, the form transformers users see.
 * Messages name types, attributes and template lines, never the conversation's text.
 */
public final class TemplateException extends CoveException {
    private final String kind;
    private final String detail;
    private final int line;

    TemplateException(String kind, String detail, int line) {
        super(kind + ": " + detail);
        this.kind = kind;
        this.detail = detail;
        this.line = line;
    }

    /** jinja2's exception class name for this failure, e.g. {@code "TypeError"}. */
    public String kind() {
        return kind;
    }

    /** The message without its kind. */
    public String detail() {
        return detail;
    }

    /** The template line the failure was found at (1-based), or 0 when unknown. */
    public int line() {
        return line;
    }

    static TemplateException syntax(String message, int line) {
        return new TemplateException("TemplateSyntaxError", message + " (line " + line + ")", line);
    }

    static TemplateException assertion(String message, int line) {
        return new TemplateException("TemplateAssertionError", message + " (line " + line + ")", line);
    }

    static TemplateException type(String message) {
        return new TemplateException("TypeError", message, 0);
    }

    static TemplateException value(String message) {
        return new TemplateException("ValueError", message, 0);
    }

    static TemplateException runtime(String message) {
        return new TemplateException("TemplateRuntimeError", message, 0);
    }

    static TemplateException undefined(String message) {
        return new TemplateException("UndefinedError", message, 0);
    }

    static TemplateException limit(String message) {
        return new TemplateException("LimitExceeded", "the template " + message, 0);
    }

    /** An engine failure (a bug) met while rendering; kind {@code InternalError}. */
    static TemplateException internal(RuntimeException cause) {
        TemplateException e = new TemplateException("InternalError", "the template engine failed ("
                + cause.getClass().getSimpleName() + ")", 0);
        e.initCause(cause);
        return e;
    }

    static TemplateException of(String kind, String message) {
        return new TemplateException(kind, message, 0);
    }

    /** This failure, located at {@code atLine} when it has no line yet. */
    TemplateException at(int atLine) {
        if (line != 0 || atLine <= 0) {
            return this;
        }
        TemplateException located = new TemplateException(kind, detail, atLine);
        located.setStackTrace(getStackTrace());
        return located;
    }
}
