package dev.cove.secure.telemetry;

import java.util.Locale;

/**
 * An override that turns telemetry off whatever the configuration says: the system property
 * {@code cove.telemetry=off} or the environment variable {@code COVE_TELEMETRY=off}. For an
 * operator who must be certain, without reading every configuration file.
 */
public final class KillSwitch {
    public static final String PROPERTY = "cove.telemetry";
    public static final String ENVIRONMENT = "COVE_TELEMETRY";

    private KillSwitch() {
    }

    public static boolean engaged() {
        return isOff(System.getProperty(PROPERTY)) || isOff(System.getenv(ENVIRONMENT));
    }

    private static boolean isOff(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.equals("off") || v.equals("false") || v.equals("0") || v.equals("no") || v.equals("disabled");
    }
}
