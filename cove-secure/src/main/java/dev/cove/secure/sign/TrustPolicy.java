package dev.cove.secure.sign;

import java.util.Locale;

/** What happens when a model without a valid signature from a trusted key is loaded. */
public enum TrustPolicy {
    /** Signatures are not checked at all (and the file is not hashed at load). */
    OFF,
    /** The model loads, with a warning that says why it is not trusted. */
    WARN,
    /** The model does not load. */
    REQUIRE;

    public static TrustPolicy parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "warn" -> WARN;
            case "require" -> REQUIRE;
            default -> throw new SignException("unknown trust policy '" + s + "': use off, warn or require");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
