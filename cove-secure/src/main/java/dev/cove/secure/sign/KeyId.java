package dev.cove.secure.sign;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * A short, stable name for a public key: the first 8 bytes of the SHA-256 of its X.509
 * encoding, as 16 hex digits (what {@code openssl pkey -pubin -outform DER | sha256sum} starts
 * with). It only tells keys apart; trust always rests on the full key in the trust store.
 */
public record KeyId(String hex) {
    public KeyId {
        if (hex == null || !hex.matches("[0-9a-f]{16}")) {
            throw new SignException("a key id is 16 lower-case hex digits");
        }
    }

    public static KeyId of(PublicKey key) {
        return new KeyId(fingerprint(key).substring(0, 16));
    }

    /** The full SHA-256 of the key's X.509 encoding, as 64 hex digits. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return hex;
    }
}
