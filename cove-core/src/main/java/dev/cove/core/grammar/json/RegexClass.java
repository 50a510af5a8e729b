package dev.cove.core.grammar.json;

/** Writing one character inside a GBNF character class. */
final class RegexClass {
    private RegexClass() {
    }

    static String escape(int c) {
        return switch (c) {
            case '\\' -> "\\\\";
            case ']' -> "\\]";
            case '[' -> "\\[";
            case '"' -> "\\\"";
            case '^' -> "\\x5E";
            case '-' -> "\\x2D";
            default -> c < 0x20 || c == 0x7f ? String.format("\\x%02X", c) : new String(Character.toChars(c));
        };
    }
}
