package dev.cove.secure.redact;

/** The Luhn (mod 10) check used by payment cards and several national ids. */
final class Luhn {
    private Luhn() {
    }

    /** True if the digits of {@code s} (other characters ignored) pass Luhn. */
    static boolean valid(CharSequence s) {
        int sum = 0;
        int n = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if ((n & 1) == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            n++;
        }
        return n > 0 && sum % 10 == 0;
    }

    static String digits(CharSequence s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A card number: a known issuer prefix with one of that issuer's lengths, and the Luhn check.
     * Luhn alone is not enough: one number in ten passes it, so order and reference numbers would.
     */
    static boolean validCard(CharSequence s) {
        String d = digits(s);
        int n = d.length();
        if (n < 12 || n > 19 || !valid(d)) {
            return false;
        }
        int two = Integer.parseInt(d.substring(0, 2));
        int four = Integer.parseInt(d.substring(0, 4));
        int six = Integer.parseInt(d.substring(0, 6));
        if (d.charAt(0) == '4') {
            return n == 13 || n == 16 || n == 19;                           // Visa
        }
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
            return n == 16;                                                 // Mastercard
        }
        if (two == 34 || two == 37) {
            return n == 15;                                                 // American Express
        }
        if (four == 6011 || two == 65 || (four >= 6440 && four <= 6499) || (six >= 622126 && six <= 622925)) {
            return n >= 16;                                                 // Discover
        }
        if (four >= 3528 && four <= 3589) {
            return n >= 16;                                                 // JCB
        }
        if (two == 36 || two == 38 || two == 39 || (four >= 3000 && four <= 3059)) {
            return n >= 14;                                                 // Diners Club
        }
        if (two == 62) {
            return n >= 16;                                                 // UnionPay
        }
        return (two == 50 || (two >= 56 && two <= 69)) && n >= 12;          // Maestro
    }
}
