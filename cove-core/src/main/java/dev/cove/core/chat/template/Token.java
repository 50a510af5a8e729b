package dev.cove.core.chat.template;

/** One lexical token of a template; {@code text} is a string literal's decoded value. */
record Token(Type type, String text, int line) {
    enum Type { DATA, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    boolean is(Type t, String s) {
        return type == t && text.equals(s);
    }

    boolean isOp(String s) {
        return is(Type.OP, s);
    }

    boolean isName(String s) {
        return is(Type.NAME, s);
    }

    /** How an error message shows this token, as jinja2's parser describes it. */
    String describe() {
        return switch (type) {
            case EOF -> "end of template";
            case VAR_END -> "end of print statement";
            case BLOCK_END -> "end of statement block";
            case STRING -> "string";
            case INT -> "integer";
            case FLOAT -> "float";
            default -> "'" + text + "'";
        };
    }
}
