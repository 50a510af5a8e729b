package dev.cove.secure.telemetry;

import dev.cove.secure.ModelDigest;

/**
 * Which model version served a request, as the first 64 bits of the model file's SHA-256:
 * enough to tell versions apart in a dashboard, and a number, so no model name or path (which
 * can say a lot about a user) is ever sent.
 */
public record ModelFingerprint(long value) {
    public static ModelFingerprint of(ModelDigest digest) {
        return new ModelFingerprint(digest.prefix64());
    }

    public String hex() {
        return String.format("%016x", value);
    }

    public static ModelFingerprint parseHex(String hex) {
        if (hex.length() != 16) {
            throw new IllegalArgumentException("a model fingerprint is 16 hex digits");
        }
        return new ModelFingerprint(Long.parseUnsignedLong(hex, 16));
    }
}
