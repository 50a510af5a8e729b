package dev.cove.secure.store;

import dev.cove.secure.ModelDigest;
import dev.cove.secure.sign.SignatureVerifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The signatures the store holds, found by the bytes they cover: a signature belongs to a
 * model's SHA-256, not to the name or the path it was loaded by. So a file loaded by path, or a
 * second store entry of the same bytes, is as trusted as the signed entry. The verifier still
 * checks each signature against the digest of the very bytes being loaded; this only finds the
 * candidates.
 */
final class StoreSignatures {
    private final List<Manifest> signed;

    private StoreSignatures(List<Manifest> signed) {
        this.signed = signed;
    }

    /** The signed entries of {@code store} (a snapshot). */
    static StoreSignatures of(ModelStore store) {
        return of(store.list());
    }

    /** Over given entries (those without signatures are ignored). */
    static StoreSignatures of(List<Manifest> entries) {
        return new StoreSignatures(entries.stream().filter(m -> !m.signatures().isEmpty()).toList());
    }

    /**
     * Whether some signed entry may hold a GGUF of {@code size} bytes; a negative size (not known
     * before decryption) may match any. Lets a load skip hashing when no signature can apply.
     */
    boolean mayCover(long size) {
        for (Manifest m : signed) {
            if (size < 0 || m.size() == size) {
                return true;
            }
        }
        return false;
    }

    /** The signatures of every entry whose GGUF has {@code digest}, except those of {@code exceptName}. */
    List<SignatureVerifier.Source> covering(ModelDigest digest, String exceptName) {
        List<SignatureVerifier.Source> out = new ArrayList<>();
        for (Manifest m : signed) {
            if (m.digest().equalsIgnoreCase(digest.sha256Hex()) && !m.name().equals(exceptName)) {
                for (StoredSignature sig : m.signatures()) {
                    out.add(new SignatureVerifier.Source(sig.origin() + " (store entry " + m.name() + ", same SHA-256)",
                            sig.bytes()));
                }
            }
        }
        return out;
    }
}
