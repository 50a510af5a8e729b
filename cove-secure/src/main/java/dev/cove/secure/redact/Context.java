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

    /**
     * Words that make a number an identifier rather than a phone number, in English and the
     * main EU languages: "order 0612345678", "Bestellnummer 015112345678", "fattura 3471234567".
     */
    private static final Pattern IDENTIFIER_BEFORE = Pattern.compile("(?iu)\\b(?:(?:order|invoice|reference|tracking"
            + "|ticket|serial|account|customer|transaction|booking|shipment|parcel|contract|policy|claim|bestell|rechnung"
            + "|auftrag|kunden|vertrag|sendung|artikel|konto|commande|facture|colis|dossier|contrat|ordine|fattura|pratica"
            + "|codice|pedido|factura|referencia|expediente|bestelling|factuur|klant|zending)\\w*"
            + "|ref|acct|client|case|sku|isbn|id|iban|part|item|article|batch|lot|code|pin|po)\\.?\\s*"
            + "(?:no\\.?|nr\\.?|n\\.|number|nummer|num\\.?|numero|numéro|número|n°|nº|#|id)?\\s*"
            + "(?:is|was|ist|war|est|es|è|é|:)?\\s*[:#=]?\\s*$");
    /** Units and currencies after a number: an amount or a size, not a phone number. */
    private static final Pattern UNIT_AFTER = Pattern.compile("(?iu)^\\s?(?:€|\\$|£|eur|usd|gbp|chf|bytes?|kb|mb|gb|ms"
            + "|km|kg|mg|times|x)\\b");

    /** Accepts unless the words just before call the candidate an identifier, or a unit follows it. */
    static MatchCheck notAnIdentifierOrAmount() {
        return (text, start, end) -> !IDENTIFIER_BEFORE.matcher(text.subSequence(Math.max(0, start - 40), start)).find()
                && !UNIT_AFTER.matcher(text.subSequence(end, Math.min(text.length(), end + 8))).find();
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
