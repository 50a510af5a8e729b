package dev.cove.secure.sign;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Locale;

/**
 * The signature algorithms Cove signs and verifies with. Each signs a short statement (see
 * {@link CoveSignature}) with SHA-256 where the algorithm takes a digest, exactly as
 * {@code openssl dgst -sha256 -sign} does for ECDSA and RSA keys.
 */
public enum KeyAlgorithm {
    /** The default: small keys, fast, deterministic signatures. */
    ED25519("ed25519", "Ed25519", "Ed25519"),
    /** ECDSA on NIST P-256 (or another curve the JDK knows) with SHA-256, DER-encoded signatures. */
    ECDSA("ecdsa-sha256", "EC", "SHA256withECDSA"),
    /** RSA PKCS#1 v1.5 with SHA-256. */
    RSA("rsa-sha256", "RSA", "SHA256withRSA");

    private final String id;
    private final String keyFactory;
    private final String jcaSignature;

    KeyAlgorithm(String id, String keyFactory, String jcaSignature) {
        this.id = id;
        this.keyFactory = keyFactory;
        this.jcaSignature = jcaSignature;
    }

    /** The name written into signature files. */
    public String id() {
        return id;
    }

    String keyFactory() {
        return keyFactory;
    }

    String jcaSignature() {
        return jcaSignature;
    }

    public static KeyAlgorithm byId(String id) {
        for (KeyAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new SignException("unknown signature algorithm '" + id + "' (Cove knows ed25519, ecdsa-sha256, rsa-sha256)");
    }

    /** Accepts what a user types on the command line: ed25519, ecdsa, ec, p256, rsa. */
    public static KeyAlgorithm parseUserChoice(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "ed25519" -> ED25519;
            case "ecdsa", "ec", "p256", "p-256", "ecdsa-p256", "ecdsa-sha256" -> ECDSA;
            case "rsa", "rsa-sha256" -> RSA;
            default -> throw new SignException("unknown key type '" + s + "': use ed25519 (default), ecdsa or rsa");
        };
    }

    public static KeyAlgorithm of(PublicKey key) {
        return ofJca(key.getAlgorithm());
    }

    public static KeyAlgorithm of(PrivateKey key) {
        return ofJca(key.getAlgorithm());
    }

    private static KeyAlgorithm ofJca(String jca) {
        return switch (jca) {
            case "Ed25519", "EdDSA" -> ED25519;
            case "EC" -> ECDSA;
            case "RSA" -> RSA;
            default -> throw new SignException("unsupported key algorithm " + jca + " (Cove signs with Ed25519, ECDSA or RSA keys)");
        };
    }
}
