package dev.cove.secure.sign;

import dev.cove.secure.ModelDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Cove signature: a short text statement naming the file's SHA-256 and size, the algorithm,
 * the key id, the signer and the time, and a signature over exactly the statement's bytes.
 *
 * <pre>
 * cove-signature: 1
 * file-sha256: 9f86d0...
 * file-size: 1185376
 * algorithm: ed25519
 * key-id: 3a5c0f0e1d2b4c69
 * signer: release@example.org
 * time: 2026-01-27T10:15:30Z
 * signature: MEUCIQ...
 * </pre>
 *
 * The statement is every line before {@code signature:}, each ended by a newline. Because what
 * is signed is a plain file of bytes, {@code openssl} verifies it as is:
 * {@code sed '/^signature: /d' m.sig > statement; sed -n 's/^signature: //p' m.sig | base64 -d > sig.bin;
 * openssl dgst -sha256 -verify pub.pem -signature sig.bin statement} (ECDSA, RSA) or
 * {@code openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in statement -sigfile sig.bin} (Ed25519).
 */
public record CoveSignature(ModelDigest fileSha256, long fileSize, KeyAlgorithm algorithm, KeyId keyId,
        String signer, Instant time, byte[] signature) {
    public static final String HEADER = "cove-signature: 1";
    private static final int MAX_TEXT = 16 * 1024;

    public CoveSignature {
        if (fileSize < 0) {
            throw new SignException("a signature's file size must not be negative");
        }
        checkSigner(signer);
        time = time.truncatedTo(ChronoUnit.SECONDS);
        signature = signature.clone();
    }

    static void checkSigner(String signer) {
        if (signer == null || signer.isBlank() || signer.length() > 200 || !signer.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new SignException("the signer must be 1 to 200 printable characters on one line");
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The exact bytes that are signed. */
    public byte[] statement() {
        return statementText(fileSha256, fileSize, algorithm, keyId, signer, time).getBytes(StandardCharsets.UTF_8);
    }

    static String statementText(ModelDigest digest, long size, KeyAlgorithm algorithm, KeyId keyId, String signer, Instant time) {
        return HEADER + "\n"
                + "file-sha256: " + digest.sha256Hex() + "\n"
                + "file-size: " + size + "\n"
                + "algorithm: " + algorithm.id() + "\n"
                + "key-id: " + keyId.hex() + "\n"
                + "signer: " + signer + "\n"
                + "time: " + time.truncatedTo(ChronoUnit.SECONDS) + "\n";
    }

    /** The signature file's text. */
    public String toText() {
        return new String(statement(), StandardCharsets.UTF_8) + "signature: " + Base64.getEncoder().encodeToString(signature) + "\n";
    }

    /** True when {@code bytes} look like a Cove signature file rather than a raw openssl signature. */
    public static boolean looksLikeCoveSignature(byte[] bytes) {
        byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < header.length) {
            return false;
        }
        for (int i = 0; i < header.length; i++) {
            if (bytes[i] != header[i]) {
                return false;
            }
        }
        return true;
    }

    /** Parses a signature file; {@code source} names it in messages. */
    public static CoveSignature parse(String source, String text) {
        if (text.length() > MAX_TEXT) {
            throw new SignException(source + ": too large to be a Cove signature");
        }
        String normalized = text.replace("\r\n", "\n");
        if (!normalized.startsWith(HEADER + "\n")) {
            throw new SignException(source + ": not a Cove signature (it does not start with '" + HEADER + "')");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : normalized.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new SignException(source + ": malformed line in signature file");
            }
            if (fields.put(line.substring(0, colon), line.substring(colon + 2)) != null) {
                throw new SignException(source + ": field '" + line.substring(0, colon) + "' appears twice");
            }
        }
        try {
            CoveSignature sig = new CoveSignature(
                    ModelDigest.parse(require(source, fields, "file-sha256")),
                    Long.parseLong(require(source, fields, "file-size")),
                    KeyAlgorithm.byId(require(source, fields, "algorithm")),
                    new KeyId(require(source, fields, "key-id")),
                    require(source, fields, "signer"),
                    Instant.parse(require(source, fields, "time")),
                    Base64.getDecoder().decode(require(source, fields, "signature")));
            if (!new String(sig.statement(), StandardCharsets.UTF_8).equals(normalized.substring(0, normalized.indexOf("\nsignature: ") + 1))) {
                throw new SignException(source + ": the signature file's statement is not in canonical form");
            }
            return sig;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new SignException(source + ": malformed field in signature file: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new SignException(source + ": malformed signature file: " + e.getMessage(), e);
        }
    }

    private static String require(String source, Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new SignException(source + ": signature file has no '" + key + "' field");
        }
        return v;
    }
}
