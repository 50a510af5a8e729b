package dev.cove.secure.redact;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether a date-shaped string is a real calendar date, in any of the usual orders. */
final class CalendarDate {
    private static final Pattern NUMERIC = Pattern.compile("(\\d{1,4})[/.-](\\d{1,2})[/.-](\\d{1,4})");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private CalendarDate() {
    }

    static boolean plausible(CharSequence text, int start, int end) {
        String s = text.subSequence(start, end).toString();
        Matcher m = NUMERIC.matcher(s);
        if (m.matches()) {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            int c = Integer.parseInt(m.group(3));
            if (m.group(1).length() == 4) {           // year-month-day
                return year(a) && month(b) && day(c);
            }
            if (m.group(3).length() != 4 && m.group(3).length() != 2) {
                return false;
            }
            boolean dayFirst = day(a) && month(b);
            boolean monthFirst = month(a) && day(b);
            return (dayFirst || monthFirst) && (m.group(3).length() == 2 || year(c));
        }
        // Textual ("12 March 1985", "March 12th, 1985"): the regex fixed the month; check day and year.
        Matcher d = DIGITS.matcher(s.toLowerCase(Locale.ROOT));
        int day = -1;
        int year = -1;
        while (d.find()) {
            int v = Integer.parseInt(d.group());
            if (d.group().length() == 4) {
                year = v;
            } else {
                day = v;
            }
        }
        return year(year) && (day == -1 || day(day));
    }

    private static boolean year(int y) {
        return y >= 1880 && y <= 2100;
    }

    private static boolean month(int m) {
        return m >= 1 && m <= 12;
    }

    private static boolean day(int d) {
        return d >= 1 && d <= 31;
    }
}
