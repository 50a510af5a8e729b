package dev.cove.secure;

import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 of a model file, as 64 lower-case hex digits. Held as a validated string rather than a
 * byte array so the record compares by value and cannot carry anything but hex.
 */
public record ModelDigest(String sha256Hex) {
    private static final HexFormat HEX = HexFormat.of();

    public ModelDigest {
        if (sha256Hex == null || sha256Hex.length() != 64 || !isLowerHex(sha256Hex)) {
            // The value itself is not quoted: a caller that passes the wrong string might pass text.
            throw new IllegalArgumentException("a model digest must be 64 lower-case hex digits (SHA-256)");
        }
    }

    public static ModelDigest of(byte[] sha256) {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a model digest is 32 bytes, got " + sha256.length);
        }
        return new ModelDigest(HEX.formatHex(sha256));
    }

    /** Accepts upper- or lower-case hex, as `sha256sum` and other tools print it. */
    public static ModelDigest parse(String hex) {
        return new ModelDigest(hex.strip().toLowerCase(Locale.ROOT));
    }

    public byte[] bytes() {
        return HEX.parseHex(sha256Hex);
    }

    /** The first 8 bytes as a number: enough to tell model versions apart in telemetry. */
    public long prefix64() {
        return Long.parseUnsignedLong(sha256Hex.substring(0, 16), 16);
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
