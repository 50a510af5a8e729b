package dev.cove.secure.sign;

import java.security.PublicKey;
import java.time.Instant;

/** A public key in the trust store, with the name it was added under. */
public record TrustedKey(KeyId id, String name, PublicKey key, Instant added) {
    public KeyAlgorithm algorithm() {
        return KeyAlgorithm.of(key);
    }

    public String fingerprint() {
        return KeyId.fingerprint(key);
    }
}
