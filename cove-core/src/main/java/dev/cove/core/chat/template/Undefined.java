package dev.cove.core.chat.template;

/**
 * jinja2's default {@code Undefined}: a missing variable, attribute or item. It prints as
 * nothing, is false, iterates as empty and has length 0; using it any other way (an attribute,
 * arithmetic, a call) fails with its message. {@code kind} is {@code UndefinedError}, or
 * {@code SecurityError} for an attribute the sandbox refuses.
 */
final class Undefined {
    private final String kind;
    private final String message;

    private Undefined(String kind, String message) {
        this.kind = kind;
        this.message = message;
    }

    static Undefined name(String name) {
        return new Undefined("UndefinedError", "'" + name + "' is undefined");
    }

    /** A missing attribute or string key of {@code owner}. */
    static Undefined attribute(Object owner, String attr) {
        return new Undefined("UndefinedError", Py.quoteRepr(Py.objectTypeRepr(owner)) + " has no attribute "
                + Py.quoteRepr(attr));
    }

    /** A missing non-string key (an index out of range) of {@code owner}. */
    static Undefined element(Object owner, Object key) {
        return new Undefined("UndefinedError", Py.objectTypeRepr(owner) + " has no element " + Py.repr(key).text());
    }

    static Undefined unsafe(Object owner, String attr) {
        return new Undefined("SecurityError", "access to attribute " + Py.quoteRepr(attr) + " of "
                + Py.quoteRepr(Py.typeName(owner)) + " object is unsafe.");
    }

    /** An undefined value whose error says why it is undefined (jinja2's undefined hint). */
    static Undefined hint(String message) {
        return new Undefined("UndefinedError", message);
    }

    TemplateException error() {
        return TemplateException.of(kind, message);
    }
}
