package dev.cove.secure.redact;

import java.util.List;

/**
 * The detectors every {@link Redactor} starts with. Each is a loose regex plus a check that a
 * regex cannot do (checksum, calendar, context words): the regex finds candidates fast, the
 * check turns away the look-alikes (order numbers, version strings, times, invoice dates).
 */
public final class BuiltInDetectors {
    private static final String MONTH = "(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
            + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
    private static final String DATE = "(?:\\d{4}-\\d{1,2}-\\d{1,2}"
            + "|\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})"
            + "|\\d{1,2}(?:st|nd|rd|th)?(?:\\s+of)?\\s+" + MONTH + ",?\\s+\\d{4}"
            + "|" + MONTH + "\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})";
    private static final String BIRTH_WORDS = "(?i)(?:\\bborn|\\bbirth(?:day|date)?|\\bd\\.?\\s?o\\.?\\s?b\\b\\.?|\\bb\\."
            + "|\\bgeb\\.?|\\bgeboren|\\bn[ée]e?)\\s*[:=(-]?\\s*(?:(?:on|is|was|of|date|the|at)\\s+){0,3}[:=-]?\\s*";

    private static final String LOCAL_PART_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-";

    private BuiltInDetectors() {
    }

    public static List<Detector> all() {
        return List.of(email(), cardNumber(), iban(), ssn(), ssnAfterKeyword(), ukNationalInsurance(),
                dutchCitizenNumber(), canadianSocialInsurance(), passportNumber(), ipv4(), ipv6(),
                internationalPhone(), northAmericanPhone(), nationalPhone(), phoneAfterKeyword(), compactMobile(),
                compactMobileAfterPhoneWords(), dateOfBirth(),
                medicalRecordNumber());
    }

    public static Detector email() {
        return new AnchoredDetector(PatternDetector.of(EntityLabel.EMAIL,
                "(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
                        + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])",
                (text, start, end) -> !text.subSequence(start, end).toString().contains(".."))
                .requiring('@'),
                '@', LOCAL_PART_CHARS, 64);
    }

    /**
     * 13-19 digits in groups of four (or Amex/Diners 4-6-5/4-6-4), a known issuer prefix and length, and Luhn.
     * Not the tail of an IBAN ("DE89 3704 ..."), whose digit groups can pass all of that by chance.
     */
    public static Detector cardNumber() {
        return PatternDetector.of(EntityLabel.CARD,
                "(?<![\\d-])(?<![A-Z]{2}\\d{2} )(?:\\d{4}([ -]?)\\d{4}\\1\\d{4}\\1\\d{1,4}(?:\\1\\d{1,3})?|\\d{4}([ -]?)\\d{6}\\2\\d{4,5})"
                        + "(?![\\d]|[-.]\\d)",
                (text, start, end) -> Luhn.validCard(text.subSequence(start, end)))
                .startingAt(StartFilter.DIGIT_RUN.and(StartFilter.digits(4)));
    }

    public static Detector iban() {
        return new IbanDetector();
    }

    /** US SSN in its printed form, without the never-issued areas 000, 666 and 9xx. */
    public static Detector ssn() {
        return PatternDetector.of(EntityLabel.SSN,
                "(?<![\\w-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\w]|-\\d)", MatchCheck.ANY)
                .requiring('-')
                .startingAt(StartFilter.DIGIT_RUN.and(StartFilter.digits(3)).and(StartFilter.charAt(3, '-')));
    }

    /** An SSN written without dashes is only recognisable by the words before it. */
    public static Detector ssnAfterKeyword() {
        return new NearKeywords(PatternDetector.of(EntityLabel.SSN,
                "(?i:\\b(?:ssn|ss#|social security(?:\\s+(?:number|no\\.?|#))?)\\s*(?:is|was|:|#|=)?\\s*)"
                        + "((?!000|666|9\\d\\d)\\d{3}[ ]?(?!00)\\d{2}[ ]?(?!0000)\\d{4})(?!\\d)", MatchCheck.ANY).group(1),
                List.of("ssn", "ss#", "social security"), 0, 48);
    }

    /** UK National Insurance number, without the prefixes that are never issued. */
    public static Detector ukNationalInsurance() {
        return PatternDetector.of(EntityLabel.NATIONAL_ID,
                "(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]"
                        + "(?![A-Za-z0-9])", MatchCheck.ANY)
                .startingAt(StartFilter.TWO_CAPITALS);
    }

    /** Dutch BSN after its keyword, with the "11-proof" check. */
    public static Detector dutchCitizenNumber() {
        return new NearKeywords(PatternDetector.of(EntityLabel.NATIONAL_ID,
                "(?i:\\b(?:bsn|burgerservicenummer)(?:\\s+(?:number|nummer|no\\.?))?\\s*[:#]?\\s*)(\\d{9})(?!\\d)",
                (text, start, end) -> elevenProof(text.subSequence(start, end))).group(1),
                List.of("bsn", "burgerservicenummer"), 0, 48);
    }

    /** Canadian SIN after its keyword, with Luhn. */
    public static Detector canadianSocialInsurance() {
        return new NearKeywords(PatternDetector.of(EntityLabel.NATIONAL_ID,
                "(?:\\bSIN|(?i:\\bsocial insurance(?:\\s+(?:number|no\\.?|#))?))\\s*[:#]?\\s*(\\d{3}[ -]?\\d{3}[ -]?\\d{3})(?!\\d)",
                (text, start, end) -> Luhn.valid(text.subSequence(start, end))).group(1),
                List.of("sin", "social insurance"), 0, 48);
    }

    public static Detector passportNumber() {
        return new NearKeywords(PatternDetector.of(EntityLabel.NATIONAL_ID,
                "(?i:\\bpassport(?:\\s+(?:no\\.?|number|#))?\\s*(?:is|:|#)?\\s*)([A-Z]{0,2}\\d{6,9})(?![\\w])", MatchCheck.ANY)
                .group(1),
                List.of("passport"), 0, 40);
    }

    public static Detector ipv4() {
        return PatternDetector.of(EntityLabel.IP_ADDRESS,
                "(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
                        + "(?![\\w]|\\.\\d)",
                Ipv4::notAVersion).requiring('.')
                .startingAt(StartFilter.DIGIT_RUN.and(StartFilter.charWithin('.', 1, 3)));
    }

    public static Detector ipv6() {
        return new AnchoredDetector(PatternDetector.of(EntityLabel.IP_ADDRESS,
                "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\\w:]|\\.\\d)",
                (text, start, end) -> Ipv6.valid(text.subSequence(start, end))).requiring(':'),
                ':', "0123456789abcdefABCDEF", 4);
    }

    /** "+" and a country code, compact or in groups. */
    public static Detector internationalPhone() {
        return PatternDetector.of(EntityLabel.PHONE,
                "(?<![\\w+])\\+(?:\\d{7,15}|\\d{1,3}(?:[ .-]?\\(\\d{1,5}\\)[ .-]?\\d{1,8}|[ .-]\\d{1,8}){1,6})"
                        + "(?![\\w]|[.-]\\d)",
                Context.digits(8, 15)).requiring('+')
                .startingAt(StartFilter.PLUS);
    }

    /**
     * (555) 123-4567, 555-123-4567, 1-800-555-0199: the area code cannot start with 0 or 1. The
     * exchange cannot either in a real number, but people write "(555) 123-4567" all the time: in
     * the forms only phone numbers take, (AAA) EEE-NNNN and AAA-EEE-NNNN, any exchange is accepted
     * unless the words before call the number an identifier ("order 555-123-4567").
     */
    public static Detector northAmericanPhone() {
        MatchCheck notAnIdentifier = Context.notAnIdentifierOrAmount();
        return PatternDetector.of(EntityLabel.PHONE,
                "(?<![\\w+.-])(?<!\\d[ .-])(?:1[ .-]?)?(?:\\(\\d{3}\\)[ ]?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?![\\w]|[.-]\\d)",
                (text, start, end) -> {
                    CharSequence s = text.subSequence(start, end);
                    String d = Luhn.digits(s);
                    if (d.length() == 11) {
                        d = d.substring(1);
                    }
                    if (d.length() != 10 || d.charAt(0) < '2') {
                        return false;
                    }
                    return d.charAt(3) >= '2' || phoneShaped(s) && notAnIdentifier.accept(text, start, end);
                }).startingAt(StartFilter.DIGIT_RUN_OR_PAREN
                        .and(StartFilter.digits(3).or(StartFilter.charAt(0, '(')).or(StartFilter.charAt(0, '1'))));
    }

    /**
     * National numbers with a trunk 0: 020 7946 0958, 01 23 45 67 89, 030-1234567. Not "00" (the
     * international prefix) and not right after another group of digits (the tail of a card or order number).
     */
    public static Detector nationalPhone() {
        return PatternDetector.of(EntityLabel.PHONE,
                "(?<![\\w+.-])(?<!\\d )0[1-9]\\d{0,3}(?:[ ./-]\\d{2,8}){1,4}(?![\\w]|[./-]\\d)",
                Context.digits(9, 12))
                .startingAt(StartFilter.DIGIT_RUN.and(StartFilter.charAt(0, '0')));
    }

    /** "(AAA) EEE-NNNN" or "AAA-EEE-NNNN" (with an optional leading "1-"), not dotted or spaced. */
    private static boolean phoneShaped(CharSequence s) {
        String t = s.toString();
        return t.matches("(?:1[ -]?)?\\(\\d{3}\\) ?\\d{3}-\\d{4}") || t.matches("(?:1-)?\\d{3}-\\d{3}-\\d{4}");
    }

    /**
     * Mobile numbers in national format written without separators, where the trunk 0 and the
     * mobile prefix make them recognisable on their own: DE 015x/016x/017x (11-12 digits), FR, NL,
     * AT, CH and SE 06/07 (10), BE 04[5-9] (10), IE 08[3-9] (10), UK 07 (11). Not when the words
     * before call the number an identifier ("order", "Bestellnummer", ...) or a unit follows.
     */
    public static Detector compactMobile() {
        return PatternDetector.of(EntityLabel.PHONE,
                "(?<![\\w+.,/#-])(?:01[5-7]\\d{8,9}|0[67]\\d{8,9}|04[5-9]\\d{7}|08[3-9]\\d{7})(?![\\w]|[.,/-]\\d)",
                Context.notAnIdentifierOrAmount())
                .startingAt(StartFilter.DIGIT_RUN.and(StartFilter.charAt(0, '0')));
    }

    /**
     * Mobile numbers without a trunk 0, which look like any other number: IT 3xx (10 digits), ES
     * 6/7 (9), PT 9[1236] (9), GR 69 (10). Only after words that make them a phone number, in the
     * language of those countries or in English ("chiamami al 3471234567", "mi móvil: 612345678").
     */
    public static Detector compactMobileAfterPhoneWords() {
        return new NearKeywords(PatternDetector.of(EntityLabel.PHONE,
                "(?<![\\w+.,/#-])(?:3[1-9]\\d{8}|[67]\\d{8}|9[1236]\\d{7}|69\\d{8})(?![\\w]|[.,/-]\\d)",
                Context.notAnIdentifierOrAmount())
                .startingAt(StartFilter.DIGIT_RUN),
                List.of("tel", "phone", "mobile", "cell", "call", "ring", "text", "sms", "whatsapp", "contact", "reach",
                        "chiam", "cellulare", "numero di", "m\u00f3vil", "movil", "llam", "ll\u00e1m", "n\u00famero", "contacto",
                        "telem\u00f3vel", "telemovel", "ligue", "liga", // Greek "κινητό", "τηλέφωνο" without their first letter, which may be a capital
                        // (only A-Z are lower-cased before the keyword search).
                        "\u03b9\u03bd\u03b7\u03c4", "\u03b7\u03bb\u03ad\u03c6"),
                0, 40);
    }

    /** Any number that the words before it call a phone number. */
    public static Detector phoneAfterKeyword() {
        return new NearKeywords(PatternDetector.of(EntityLabel.PHONE,
                "(?i:\\b(?:tel(?:ephone)?|phone|mobile|mob|cell(?:phone)?|fax|call(?:\\s+me)?(?:\\s+(?:at|on))?|ph"
                        + "|contact(?:\\s+number)?|whatsapp|sms|text(?:\\s+me)?(?:\\s+(?:at|on))?)\\b\\.?\\s*"
                        + "(?:no\\.?|number|#)?\\s*[:=]?\\s*)(\\+?\\d[\\d .()/-]{5,18}\\d)(?![\\w]|[.-]\\d)",
                Context.digits(7, 15)).group(1),
                List.of("tel", "phone", "mobile", "mob", "cell", "fax", "call", "ph", "contact", "whatsapp", "sms", "text"), 0, 48);
    }

    /** A calendar date that the words before or after it call a date of birth. */
    public static Detector dateOfBirth() {
        MatchCheck before = Context.before(48, BIRTH_WORDS);
        MatchCheck after = (text, start, end) -> text.subSequence(end, Math.min(text.length(), end + 8)).toString()
                .matches("(?is)^\\s*\\(?\\s*(?:dob|d\\.o\\.b\\.?|born)\\b.*");
        MatchCheck context = (text, start, end) -> before.accept(text, start, end) || after.accept(text, start, end);
        return new NearKeywords(PatternDetector.of(EntityLabel.DATE_OF_BIRTH,
                "(?<![\\w/.-])" + DATE + "(?![\\w]|[/.-]\\d)", context.and(CalendarDate::plausible))
                        .startingAt(StartFilter.DIGIT_RUN_OR_MONTH),
                List.of("born", "birth", "dob", "d.o.b", "d. o. b", "b.", "geb", "n\u00e9e", "n\u00e9"), 32, 56);
    }

    public static Detector medicalRecordNumber() {
        return new NearKeywords(PatternDetector.of(EntityLabel.MEDICAL_RECORD,
                "(?i:\\b(?:mrn|medical record(?:\\s+(?:number|no\\.?|#))?|patient\\s+(?:id|number|no\\.?|#)"
                        + "|chart\\s+(?:number|no\\.?|#)|hospital\\s+(?:number|no\\.?))\\s*(?:is|:|#|-|=)?\\s*#?\\s*)"
                        + "([A-Z]{0,3}-?\\d{5,10})(?![\\w-])", MatchCheck.ANY).group(1),
                List.of("mrn", "medical record", "patient", "chart", "hospital"), 0, 48);
    }

    private static boolean elevenProof(CharSequence nine) {
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (9 - i) * (nine.charAt(i) - '0');
        }
        sum -= nine.charAt(8) - '0';
        return sum % 11 == 0 && sum != 0;
    }
}
