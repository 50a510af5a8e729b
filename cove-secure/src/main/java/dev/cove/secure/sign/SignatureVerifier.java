package dev.cove.secure.sign;

import dev.cove.secure.ModelDigest;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks signatures of a file whose SHA-256 is already known (the caller hashed the very bytes
 * that will be used), against the keys of a {@link TrustStore}.
 *
 * <p>Two kinds of signature are accepted:
 * <ul>
 * <li>Cove signatures ({@link CoveSignature}): the statement names the digest, so a file changed
 *     after signing is told apart from a forged signature or an unknown key.</li>
 * <li>Raw detached signatures as {@code openssl} makes them. For ECDSA and RSA keys,
 *     {@code openssl dgst -sha256 -sign key.pem -out model.sig model.gguf} signs the file's
 *     SHA-256, which is verified here from the digest without reading the file again. For
 *     Ed25519, which {@code openssl dgst} does not sign with, {@code openssl pkeyutl -sign -rawin}
 *     over the 32-byte binary digest ({@code openssl dgst -sha256 -binary}) is accepted, and so is
 *     one over the whole file (then the file's bytes must be given; the JDK holds the whole
 *     message in memory to verify that, so it is limited to files under 2 GiB).</li>
 * </ul>
 */
public final class SignatureVerifier {
    /** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256. */
    private static final byte[] SHA256_DIGEST_INFO = HexFormat.of().parseHex("3031300d060960864801650304020105000420");
    private static final long MAX_WHOLE_FILE_ED25519 = Integer.MAX_VALUE - 64;

    /** A signature as found: where it came from (for messages) and its bytes. */
    public record Source(String name, byte[] bytes) {
    }

    public enum Status {
        /** Valid, from a key in the trust store, over this very file. */
        TRUSTED,
        /** A Cove signature from a trusted key, but for other content: the file changed after signing. */
        FILE_CHANGED,
        /** Signed by a key that is not in the trust store. */
        UNKNOWN_KEY,
        /** The signature does not verify. */
        INVALID,
        /** The signature file cannot be read. */
        MALFORMED
    }

    /** The verdict on one signature. keyId, keyName, signer and time are null when not known. */
    public record Check(String source, Status status, KeyId keyId, String keyName, String signer, Instant time, String message) {
        public boolean trusted() {
            return status == Status.TRUSTED;
        }
    }

    private final TrustStore trust;

    public SignatureVerifier(TrustStore trust) {
        this.trust = trust;
    }

    /**
     * Checks every signature. {@code content}, when not null, is the file's bytes (used only for
     * raw Ed25519 signatures over a whole file).
     */
    public List<Check> verify(List<Source> signatures, ModelDigest digest, long size, MemorySegment content) {
        List<Check> out = new ArrayList<>();
        List<TrustedKey> keys = null;
        for (Source s : signatures) {
            if (CoveSignature.looksLikeCoveSignature(s.bytes())) {
                out.add(verifyCove(s, digest, size));
            } else {
                if (keys == null) {
                    keys = trust.list();
                }
                out.add(verifyRaw(s, digest, content, keys));
            }
        }
        return out;
    }

    private Check verifyCove(Source s, ModelDigest digest, long size) {
        CoveSignature sig;
        try {
            sig = CoveSignature.parse(s.name(), new String(s.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (SignException e) {
            return new Check(s.name(), Status.MALFORMED, null, null, null, null, e.getMessage());
        }
        TrustedKey key = trust.find(sig.keyId()).orElse(null);
        if (key == null) {
            return new Check(s.name(), Status.UNKNOWN_KEY, sig.keyId(), null, sig.signer(), sig.time(),
                    "signed by " + sig.signer() + " with key " + sig.keyId() + ", which is not in the trust store"
                            + " (add it with: cove trust add KEY.pem)");
        }
        if (key.algorithm() != sig.algorithm()) {
            return new Check(s.name(), Status.INVALID, sig.keyId(), key.name(), sig.signer(), sig.time(),
                    "claims algorithm " + sig.algorithm().id() + " but trusted key " + key.id() + " is " + key.algorithm().id());
        }
        boolean valid = verifyBytes(key.key(), key.algorithm().jcaSignature(), sig.statement(), sig.signature());
        if (!valid) {
            return new Check(s.name(), Status.INVALID, sig.keyId(), key.name(), sig.signer(), sig.time(),
                    "the signature does not verify with trusted key " + key.id() + " (" + key.name() + "): forged or damaged");
        }
        if (!sig.fileSha256().equals(digest) || sig.fileSize() != size) {
            return new Check(s.name(), Status.FILE_CHANGED, sig.keyId(), key.name(), sig.signer(), sig.time(),
                    "the file changed after it was signed: signed SHA-256 " + sig.fileSha256().sha256Hex().substring(0, 16)
                            + "… (" + sig.fileSize() + " bytes), the file has " + digest.sha256Hex().substring(0, 16)
                            + "… (" + size + " bytes)");
        }
        return new Check(s.name(), Status.TRUSTED, sig.keyId(), key.name(), sig.signer(), sig.time(),
                "valid signature by " + sig.signer() + " with trusted key " + key.id() + " (" + key.name() + ")");
    }

    private Check verifyRaw(Source s, ModelDigest digest, MemorySegment content, List<TrustedKey> keys) {
        byte[] d = digest.bytes();
        for (TrustedKey k : keys) {
            boolean ok = switch (k.algorithm()) {
                case ECDSA -> verifyBytes(k.key(), "NONEwithECDSA", d, s.bytes());
                case RSA -> verifyBytes(k.key(), "NONEwithRSA", concat(SHA256_DIGEST_INFO, d), s.bytes());
                case ED25519 -> s.bytes().length == 64
                        && (verifyBytes(k.key(), "Ed25519", d, s.bytes()) || verifyWholeFileEd25519(k.key(), content, s.bytes()));
            };
            if (ok) {
                return new Check(s.name(), Status.TRUSTED, k.id(), k.name(), k.name(), null,
                        "valid detached signature with trusted key " + k.id() + " (" + k.name() + ")");
            }
        }
        return new Check(s.name(), Status.INVALID, null, null, null, null,
                "no trusted key verifies this detached signature: it was made with another key, or the file changed"
                        + " after signing" + (keys.isEmpty() ? " (the trust store is empty)" : ""));
    }

    private static boolean verifyWholeFileEd25519(PublicKey key, MemorySegment content, byte[] sig) {
        if (content == null || content.byteSize() > MAX_WHOLE_FILE_ED25519) {
            return false;
        }
        try {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(key);
            long chunk = 64L << 20;
            for (long off = 0; off < content.byteSize(); off += chunk) {
                ByteBuffer b = content.asSlice(off, Math.min(chunk, content.byteSize() - off)).asByteBuffer();
                v.update(b);
            }
            return v.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException | OutOfMemoryError e) {
            return false;
        }
    }

    private static boolean verifyBytes(PublicKey key, String algorithm, byte[] message, byte[] sig) {
        try {
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(key);
            v.update(message);
            return v.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // A malformed signature (bad DER, wrong length) is simply not a valid one.
            return false;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
