package dev.cove.secure.redact;

/**
 * Where a match can possibly begin. {@link java.util.regex.Matcher#find()} tries every position
 * of the text, and with seventeen detectors that made redaction crawl; most kinds of personal
 * data can only start at, say, the first digit of a run of digits, so a detector with a start
 * filter tries its regex only there.
 *
 * <p>Two stages, because this runs for every character of every request: a table look-up of the
 * character (inlined, no call), then the full test for the few positions that pass it.
 */
public final class StartFilter {
    /** The full test at a position whose character passed the table. */
    @FunctionalInterface
    public interface Test {
        boolean at(CharSequence text, int i);

        default Test and(Test other) {
            return (t, i) -> at(t, i) && other.at(t, i);
        }

        default Test or(Test other) {
            return (t, i) -> at(t, i) || other.at(t, i);
        }
    }

    private static final String DIGITS = "0123456789";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** The first digit of a run of digits. */
    public static final StartFilter DIGIT_RUN = new StartFilter(DIGITS, (t, i) -> i == 0 || !isDigit(t.charAt(i - 1)));

    /** A digit-run start or an opening parenthesis, for numbers written "(555) 123-4567". */
    public static final StartFilter DIGIT_RUN_OR_PAREN = new StartFilter(DIGITS + "(",
            (t, i) -> t.charAt(i) == '(' || i == 0 || !isDigit(t.charAt(i - 1)));

    /** A digit-run start or the first letter of a word that could be a month name. */
    public static final StartFilter DIGIT_RUN_OR_MONTH = new StartFilter(DIGITS + "jfmasondJFMASOND",
            (t, i) -> i == 0 || (isDigit(t.charAt(i)) ? !isDigit(t.charAt(i - 1)) : !Character.isLetterOrDigit(t.charAt(i - 1))));

    public static final StartFilter PLUS = new StartFilter("+", (t, i) -> true);

    /** Two upper-case letters at the start of a word (IBANs, National Insurance numbers). */
    public static final StartFilter TWO_CAPITALS = new StartFilter(UPPER,
            (t, i) -> i + 1 < t.length() && isUpper(t.charAt(i + 1)) && (i == 0 || !Character.isLetterOrDigit(t.charAt(i - 1))));

    private final boolean[] first = new boolean[128];
    private final Test test;

    /** Matches may start only at ASCII characters in {@code firstChars} that also pass {@code test}. */
    public StartFilter(String firstChars, Test test) {
        for (int k = 0; k < firstChars.length(); k++) {
            first[firstChars.charAt(k)] = true;
        }
        this.test = test;
    }

    private StartFilter(boolean[] first, Test test) {
        System.arraycopy(first, 0, this.first, 0, first.length);
        this.test = test;
    }

    /** This filter narrowed by a further test. */
    public StartFilter and(Test more) {
        return new StartFilter(first, test.and(more));
    }

    /** The cheap first stage: can a match start with {@code c} at all? */
    boolean mayStartWith(char c) {
        return c < 128 && first[c];
    }

    public boolean canStartAt(CharSequence text, int i) {
        return mayStartWith(text.charAt(i)) && test.at(text, i);
    }

    boolean passes(CharSequence text, int i) {
        return test.at(text, i);
    }

    /** {@code n} digits from position {@code i} on. */
    public static Test digits(int n) {
        return (t, i) -> {
            if (i + n > t.length()) {
                return false;
            }
            for (int k = i; k < i + n; k++) {
                if (!isDigit(t.charAt(k))) {
                    return false;
                }
            }
            return true;
        };
    }

    /** Character {@code c} somewhere in positions {@code i+from .. i+to}. */
    public static Test charWithin(char c, int from, int to) {
        return (t, i) -> {
            for (int k = i + from; k <= Math.min(t.length() - 1, i + to); k++) {
                if (t.charAt(k) == c) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Character {@code c} at position {@code i+offset}. */
    public static Test charAt(int offset, char c) {
        return (t, i) -> i + offset < t.length() && t.charAt(i + offset) == c;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

}
