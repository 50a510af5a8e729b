package dev.cove.secure.redact;

import java.util.regex.Pattern;

/**
 * Checks on the words just before a candidate. Many kinds of personal data are only personal
 * data because of what precedes them: a date is a date of birth after "born", a number is a
 * medical record number after "MRN".
 */
final class Context {
    private Context() {
    }

    /** Accepts when {@code endsBefore} matches the end of the {@code window} characters before the candidate. */
    static MatchCheck before(int window, String endsBefore) {
        Pattern p = Pattern.compile(endsBefore + "$");
        return (text, start, end) -> p.matcher(text.subSequence(Math.max(0, start - window), start)).find();
    }

    /** Accepts when the candidate has between {@code min} and {@code max} digits. */
    static MatchCheck digits(int min, int max) {
        return (text, start, end) -> {
            int n = 0;
            for (int i = start; i < end; i++) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    n++;
                }
            }
            return n >= min && n <= max;
        };
    }
}
