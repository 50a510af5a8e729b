package dev.cove.secure.redact;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * IPv4 addresses, minus the things that look like them: version numbers ({@code 1.2.3.4} right
 * after "version", "release", "upgraded to", or a numbered "section" ...), longer dotted numbers
 * ({@code 1.2.3.4.5}, excluded by the regex) and octets over 255.
 */
final class Ipv4 {
    /** Word stems that make a following dotted quad a version or a section number. */
    private static final String[] VERSION_STEMS = {"version", "ver", "release", "build", "firmware", "update", "upgrade",
        "patch", "bump", "package", "pkg", "sdk", "jdk", "kernel", "revision", "rev", "plugin", "module", "library",
        "client", "app", "driver", "bios", "section", "chapter", "clause", "paragraph", "figure", "table", "step",
        "item", "rule", "article"};
    /** Small words allowed between the stem and the number: "upgraded to", "version is". */
    private static final Set<String> GLUE = Set.of("to", "from", "is", "was", "of", "at", "number", "no");
    private static final Pattern VERSION_AFTER = Pattern.compile(
            "^(?:-(?:SNAPSHOT|alpha|beta|rc|RC|M\\d|GA|final|release)|\\+[A-Za-z0-9]|\\s+(?:release|build|version))");
    private static final Pattern OCTET = Pattern.compile("25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d");

    private Ipv4() {
    }

    static boolean validAddress(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            return false;
        }
        for (String o : p) {
            if (!OCTET.matcher(o).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Accepts the candidate unless the words around it say it is a version number. */
    static boolean notAVersion(CharSequence text, int start, int end) {
        int at = skipSeparators(text, start);
        String word = wordBefore(text, at);
        if (GLUE.contains(word)) {
            word = wordBefore(text, skipSeparators(text, at - word.length()));
        }
        if (word.equals("v") || isVersionWord(word)) {
            return false;
        }
        CharSequence after = text.subSequence(end, Math.min(text.length(), end + 12));
        return !VERSION_AFTER.matcher(after).find();
    }

    private static boolean isVersionWord(String word) {
        for (String stem : VERSION_STEMS) {
            if (word.startsWith(stem)) {
                return true;
            }
        }
        return false;
    }

    /** Steps back over spaces and the punctuation that may sit between a word and a number. */
    private static int skipSeparators(CharSequence text, int i) {
        while (i > 0 && " \t:=@(#.".indexOf(text.charAt(i - 1)) >= 0) {
            i--;
        }
        return i;
    }

    /** The lower-case word of letters ending at {@code i}, or "". */
    private static String wordBefore(CharSequence text, int i) {
        int s = i;
        while (s > 0 && Character.isLetter(text.charAt(s - 1)) && i - s < 20) {
            s--;
        }
        return text.subSequence(s, i).toString().toLowerCase(Locale.ROOT);
    }
}
