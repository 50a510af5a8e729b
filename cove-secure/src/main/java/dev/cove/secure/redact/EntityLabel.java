package dev.cove.secure.redact;

import java.util.Objects;

/**
 * The type of personal data a span holds, which becomes the placeholder's name ({@code [EMAIL_1]}).
 * A record rather than an enum because deployments add their own types through configured
 * patterns; the name is restricted so a placeholder is always recognisable and harmless.
 */
public record EntityLabel(String name) {
    public static final EntityLabel EMAIL = new EntityLabel("EMAIL");
    public static final EntityLabel PHONE = new EntityLabel("PHONE");
    public static final EntityLabel CARD = new EntityLabel("CARD");
    public static final EntityLabel IBAN = new EntityLabel("IBAN");
    public static final EntityLabel SSN = new EntityLabel("SSN");
    public static final EntityLabel NATIONAL_ID = new EntityLabel("NATIONAL_ID");
    public static final EntityLabel IP_ADDRESS = new EntityLabel("IP_ADDRESS");
    public static final EntityLabel DATE_OF_BIRTH = new EntityLabel("DATE_OF_BIRTH");
    public static final EntityLabel MEDICAL_RECORD = new EntityLabel("MEDICAL_RECORD");

    public EntityLabel {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Z][A-Z0-9_]{0,31}")) {
            throw new IllegalArgumentException("an entity label is an upper-case identifier of at most 32 characters"
                    + " (A-Z, 0-9, _), starting with a letter");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
