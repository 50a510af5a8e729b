package dev.cove.secure.sign;

import dev.cove.secure.ModelDigest;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;

/** Makes Cove signatures. The file itself is never read here: the caller hashes it once. */
public final class Signer {
    private Signer() {
    }

    public static CoveSignature sign(KeyPair key, ModelDigest fileSha256, long fileSize, String signer, Instant time) {
        CoveSignature.checkSigner(signer);
        KeyAlgorithm algorithm = KeyAlgorithm.of(key.getPrivate());
        KeyId keyId = KeyId.of(key.getPublic());
        byte[] statement = CoveSignature.statementText(fileSha256, fileSize, algorithm, keyId, signer, time)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            Signature s = Signature.getInstance(algorithm.jcaSignature());
            s.initSign(key.getPrivate());
            s.update(statement);
            CoveSignature sig = new CoveSignature(fileSha256, fileSize, algorithm, keyId, signer, time, s.sign());
            // A signature that does not verify against the public key we name would only fail later,
            // on someone else's machine: catch a mismatched key pair here.
            s.initVerify(key.getPublic());
            s.update(statement);
            if (!s.verify(sig.signature())) {
                throw new SignException("the private key does not match its public key; check the key files");
            }
            return sig;
        } catch (GeneralSecurityException e) {
            throw new SignException("cannot sign with a " + algorithm.id() + " key: " + e.getMessage(), e);
        }
    }
}
