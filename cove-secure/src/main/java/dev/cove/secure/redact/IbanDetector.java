package dev.cove.secure.redact;

import java.util.List;
import java.util.Map;

/**
 * IBANs, printed compact or in groups of four, in upper case or typed all in lower case. A regex
 * cannot know where an IBAN ends (the next word may be upper-case letters too), so this finds a
 * country code and check digits, then takes exactly as many characters as that country's IBAN
 * has, and accepts them only if the length fits and the ISO 7064 mod-97 check gives 1. Letters
 * must all be in the case of the country code: "GB29 NWBK ..." or "gb29 nwbk ...".
 */
final class IbanDetector implements Detector {
    /** IBAN lengths by country (ISO 13616 registry). */
    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24), Map.entry("DE", 22),
            Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24),
            Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22),
            Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HR", 21),
            Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IS", 26), Map.entry("IT", 27),
            Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28), Map.entry("LI", 21),
            Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24),
            Map.entry("ME", 22), Map.entry("MK", 19), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30),
            Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29),
            Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24),
            Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("TN", 24),
            Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VG", 24), Map.entry("XK", 20),
            // Joined the registry more recently.
            Map.entry("BI", 27), Map.entry("BY", 28), Map.entry("DJ", 27), Map.entry("FK", 18), Map.entry("HN", 28),
            Map.entry("IQ", 23), Map.entry("LC", 32), Map.entry("LY", 25), Map.entry("MN", 20), Map.entry("NI", 28),
            Map.entry("OM", 23), Map.entry("RU", 33), Map.entry("SC", 31), Map.entry("SD", 18), Map.entry("SO", 23),
            Map.entry("ST", 25), Map.entry("SV", 28), Map.entry("TL", 23), Map.entry("VA", 22), Map.entry("YE", 30));

    @Override
    public EntityLabel label() {
        return EntityLabel.IBAN;
    }

    @Override
    public void detect(CharSequence text, List<Span> out) {
        int i = 0;
        while (i + 4 <= text.length()) {
            boolean lower = isLower(text.charAt(i));
            if ((lower ? startsLowerCaseWord(text, i) : StartFilter.TWO_CAPITALS.canStartAt(text, i))
                    && isDigit(text.charAt(i + 2)) && isDigit(text.charAt(i + 3))) {
                Integer length = LENGTHS.get(text.subSequence(i, i + 2).toString().toUpperCase(java.util.Locale.ROOT));
                int end = length == null ? -1 : takeIban(text, i, length, lower);
                if (end > 0) {
                    out.add(new Span(i, end, EntityLabel.IBAN));
                    i = end;
                    continue;
                }
            }
            i++;
        }
    }

    /** Two lower-case letters at the start of a word. */
    private static boolean startsLowerCaseWord(CharSequence t, int i) {
        return isLower(t.charAt(i)) && isLower(t.charAt(i + 1)) && (i == 0 || !Character.isLetterOrDigit(t.charAt(i - 1)));
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The end of a valid IBAN of {@code length} characters starting at {@code start}, or -1. */
    private static int takeIban(CharSequence text, int start, int length, boolean lowerCase) {
        StringBuilder iban = new StringBuilder(length);
        int i = start;
        while (i < text.length() && iban.length() < length) {
            char c = text.charAt(i);
            if ((lowerCase ? isLower(c) : c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                iban.append(lowerCase ? Character.toUpperCase(c) : c);
                i++;
            } else if (c == ' ' && iban.length() % 4 == 0 && i + 1 < text.length() && isAlnum(text.charAt(i + 1))) {
                i++; // printed form: a single space between groups of four
            } else {
                break;
            }
        }
        if (iban.length() != length || (i < text.length() && isAlnum(text.charAt(i)))) {
            return -1;
        }
        return mod97(iban) == 1 ? i : -1;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** ISO 7064 MOD 97-10 over the rearranged IBAN (country and check digits moved to the end). */
    static int mod97(CharSequence iban) {
        int r = 0;
        int n = iban.length();
        for (int k = 0; k < n; k++) {
            char c = iban.charAt((k + 4) % n);
            int v = c <= '9' ? c - '0' : c - 'A' + 10;
            r = v >= 10 ? (r * 100 + v) % 97 : (r * 10 + v) % 97;
        }
        return r;
    }
}
