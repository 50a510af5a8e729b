package dev.cove.server;

/** Small text helpers for messages and log fields. */
final class Strings {
    private Strings() {
    }

    /** At most {@code max} characters, with an ellipsis when cut; control characters replaced. */
    static String shorten(String s, int max) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() <= max ? s : s.substring(0, max) + "…";
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
