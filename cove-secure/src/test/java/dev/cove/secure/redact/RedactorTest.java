package dev.cove.secure.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactorTest {
    private final Redactor redactor = Redactor.standard();

    @Test
    void usPhoneNumbersInTheirUsualWrittenFormsWhateverTheExchange() {
        assertThat(redactor.redact("Call (555) 123-4567 today.").text()).isEqualTo("Call [PHONE_1] today.");
        assertThat(redactor.redact("Front desk: 555-123-4567.").text()).isEqualTo("Front desk: [PHONE_1].");
        assertThat(redactor.redact("Dial 1-555-123-4567 or (555)123-4567.").text()).isEqualTo("Dial [PHONE_1] or [PHONE_2].");
        // Look-alikes: an identifier of the same shape, an area code starting with 1.
        assertThat(redactor.find("Order 555-123-4567 shipped.")).isEmpty();
        assertThat(redactor.find("Part no. (555) 123-4567 is out of stock.")).isEmpty();
        assertThat(redactor.find("Use the 123-456-7890 template.")).isEmpty();
    }

    @Test
    void ibansWithLettersInGroupsOfFourInEitherCaseAndTheNewerCountries() {
        for (String iban : List.of("GB29 NWBK 6016 1331 9268 19", "NL91 ABNA 0417 1643 00", "gb29 nwbk 6016 1331 9268 19",
                "nl91abna0417164300", "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "LC55 HEMM 0001 0001 0012 0012 0002 3015",
                "SC18 SSCB 1101 0000 0000 0000 1497 USD", "ST68 0001 0001 0051 8453 1011 2", "TL38 0080 0123 4567 8910 157")) {
            assertThat(redactor.redact("Pay to " + iban + ", thanks.").text()).as(iban).isEqualTo("Pay to [IBAN_1], thanks.");
        }
        // Wrong check digits, mixed case and a bare bank code are not IBANs.
        assertThat(redactor.find("Pay to GB28 NWBK 6016 1331 9268 19.")).isEmpty();
        assertThat(redactor.find("Pay to Gb29 nwbk 6016 1331 9268 19.")).isEmpty();
        assertThat(redactor.find("Sort code NWBK 6016 is not an IBAN.")).isEmpty();
    }

    @Test
    void euMobileNumbersWrittenWithoutSeparators() {
        for (String text : List.of("DE: 015112345678", "Ruf mich an: 01761234567.", "FR: appelle-moi au 0612345678",
                "NL: bel me op 0612345678!", "BE: GSM 0471234567", "UK: ring me on 07700900123", "IE: 0851234567",
                "IT: chiamami al 3471234567", "ES: mi móvil es 612345678", "ES: Llámame: 712345678",
                "PT: o meu telemóvel é 912345678", "GR: Κινητό: 6912345678")) {
            assertThat(redactor.find(text)).as(text).singleElement()
                    .satisfies(s -> assertThat(s.label()).isEqualTo(EntityLabel.PHONE));
        }
        // Look-alikes: numbers the words before call identifiers, amounts, times, and numbers without
        // a trunk 0 that nothing calls a phone number.
        for (String text : List.of("Bestellnummer 015112345678", "Numéro de commande 0612345678", "Invoice 3471234567 is due",
                "Order #612345678 shipped", "Paid 612345678 EUR", "Unix time 1712345678", "It took 712345678 cycles.",
                "Call me about invoice 612345678", "Stamped 202406121530 at the gate", "Kundennummer: 0612345678")) {
            assertThat(redactor.find(text)).as(text).isEmpty();
        }
    }

    @Test
    void masksWithTypedNumberedPlaceholders() {
        Redaction r = redactor.redact("Mail anna@example.com or bob@example.org, card 4111 1111 1111 1111.");
        assertThat(r.text()).isEqualTo("Mail [EMAIL_1] or [EMAIL_2], card [CARD_1].");
        assertThat(r.spans()).extracting(Span::label).containsExactly(EntityLabel.EMAIL, EntityLabel.EMAIL, EntityLabel.CARD);
    }

    @Test
    void theSameValueGetsTheSamePlaceholderAcrossTurns() {
        RedactionMap map = new RedactionMap();
        Redaction first = redactor.redact("Write to anna@example.com.", map);
        Redaction second = redactor.redact("Did anna@example.com answer? Ask ben@example.com.", map);
        assertThat(first.text()).isEqualTo("Write to [EMAIL_1].");
        assertThat(second.text()).isEqualTo("Did [EMAIL_1] answer? Ask [EMAIL_2].");
        assertThat(map.size()).isEqualTo(2);
    }

    @Test
    void restoresOriginalsInAnAnswerInMemory() {
        Redaction r = redactor.redact("My IBAN is DE89 3704 0044 0532 0130 00 and my DOB is 12/03/1985.");
        assertThat(r.text()).isEqualTo("My IBAN is [IBAN_1] and my DOB is [DATE_OF_BIRTH_1].");
        String answer = "I noted [IBAN_1]; [DATE_OF_BIRTH_1] is your birthday. [EMAIL_9] is unknown.";
        assertThat(r.map().restore(answer))
                .isEqualTo("I noted DE89 3704 0044 0532 0130 00; 12/03/1985 is your birthday. [EMAIL_9] is unknown.");
    }

    @Test
    void neverReusesAPlaceholderThatIsAlreadyInTheText() {
        Redaction r = redactor.redact("The template says [EMAIL_1]; the real one is anna@example.com.");
        assertThat(r.text()).isEqualTo("The template says [EMAIL_1]; the real one is [EMAIL_2].");
        assertThat(r.map().restore("[EMAIL_1] / [EMAIL_2]")).isEqualTo("[EMAIL_1] / anna@example.com");
    }

    @Test
    void theMappingCannotLeakThroughToStringOrSerialization() {
        Redaction r = redactor.redact("anna@example.com");
        assertThat(r.map().toString()).doesNotContain("anna").contains("1 entries");
        assertThat(r.toString()).doesNotContain("anna");
        assertThat(r.map()).isNotInstanceOf(Serializable.class);
        assertThat(r.spans().getFirst().toString()).doesNotContain("anna");
        r.map().clear();
        assertThat(r.map().restore("[EMAIL_1]")).isEqualTo("[EMAIL_1]");
    }

    @Test
    void longestSpanWinsOverlaps() {
        // The digits inside an IBAN must not come out as a phone number as well.
        List<Span> spans = redactor.find("Pay GB82 WEST 1234 5698 7654 32 today, tel 020 7946 0958.");
        assertThat(spans).extracting(Span::label).containsExactly(EntityLabel.IBAN, EntityLabel.PHONE);
    }

    @Test
    void checksumsTurnAwayLookAlikes() {
        assertThat(redactor.find("Order 4111 1111 1111 1112 shipped")).isEmpty();      // fails Luhn
        assertThat(redactor.find("IBAN DE89 3704 0044 0532 0130 01")).isEmpty();      // fails mod 97
        assertThat(redactor.find("Upgraded to version 1.2.3.4 today")).isEmpty();     // a version
        assertThat(redactor.find("Appointment on 12/03/2024 at ten")).isEmpty();       // not a birth date
        assertThat(redactor.find("Started at 12:30:45, done at 13:00")).isEmpty();     // times, not IPv6
        assertThat(redactor.find("ssn 000-12-3456 is never issued")).isEmpty();
    }

    @Test
    void customPatternsFromConfiguration(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("patterns.txt");
        Files.writeString(file, """
                # staff numbers and ward codes
                EMPLOYEE_ID=(?i:staff no\\.?\\s*)(?<pii>E\\d{6})
                WARD_CODE=\\bW-[A-Z]{2}\\d{2}\\b
                """);
        Redactor.Builder b = Redactor.builder().withBuiltIns();
        CustomPattern.load(file).forEach(b::add);
        Redaction r = b.build().redact("Staff no. E123456 moved to W-AB12; mail e@example.com.");
        assertThat(r.text()).isEqualTo("Staff no. [EMPLOYEE_ID_1] moved to [WARD_CODE_1]; mail [EMAIL_1].");
    }

    @Test
    void badCustomPatternsAreRejectedWithAUsableMessage() {
        assertThatThrownBy(() -> CustomPattern.parse("lower=x")).hasMessageContaining("upper-case");
        assertThatThrownBy(() -> CustomPattern.parse("NOEQUALS")).hasMessageContaining("LABEL=REGEX");
        assertThatThrownBy(() -> CustomPattern.parse("BAD=(")).hasMessageContaining("invalid regex");
    }

    @Test
    void detectsEachBuiltInKind() {
        String text = "e a.b@c.de, +44 20 7946 0958, (212) 555-0142, 5555 5555 5555 4444, NL91 ABNA 0417 1643 00,"
                + " 078-05-1120, NINO AB 12 34 56 C, 192.168.0.7, 2001:db8::8a2e:370:7334, DOB: 4 July 1976, MRN 0012345";
        assertThat(redactor.find(text)).extracting(s -> s.label().name()).containsExactly("EMAIL", "PHONE", "PHONE", "CARD",
                "IBAN", "SSN", "NATIONAL_ID", "IP_ADDRESS", "IP_ADDRESS", "DATE_OF_BIRTH", "MEDICAL_RECORD");
    }

    @Test
    void spansNeverCarryText() {
        assertThat(Span.class.getRecordComponents()).extracting(c -> c.getType().getSimpleName())
                .containsExactly("int", "int", "EntityLabel");
        assertThat(Pattern.compile("[A-Z][A-Z0-9_]*").matcher(EntityLabel.DATE_OF_BIRTH.name()).matches()).isTrue();
    }
}
