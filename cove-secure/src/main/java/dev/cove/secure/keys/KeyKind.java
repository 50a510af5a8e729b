package dev.cove.secure.keys;

/** The kinds of secret key Cove keeps in its keystore. */
public enum KeyKind {
    /** AES-256 for AES-GCM encryption of audit records and, later, models at rest. */
    AES_256("AES", 256),
    /** HMAC-SHA256 for authenticating checkpoints. A separate key, so no key serves two purposes. */
    HMAC_SHA256("HmacSHA256", 256);

    private final String algorithm;
    private final int bits;

    KeyKind(String algorithm, int bits) {
        this.algorithm = algorithm;
        this.bits = bits;
    }

    public String algorithm() {
        return algorithm;
    }

    public int bits() {
        return bits;
    }
}
