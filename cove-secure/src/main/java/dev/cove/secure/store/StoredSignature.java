package dev.cove.secure.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A signature kept with a model in the store: where it came from (a file name, or
 * "cove sign") and its bytes, a Cove signature file or a raw {@code openssl} signature.
 */
public record StoredSignature(String origin, String base64) {
    public static StoredSignature of(String origin, byte[] bytes) {
        return new StoredSignature(origin, Base64.getEncoder().encodeToString(bytes));
    }

    @JsonIgnore
    public byte[] bytes() {
        return Base64.getDecoder().decode(base64);
    }

    /** For messages: the Cove signature's text, or a note that the bytes are a raw signature. */
    @JsonIgnore
    public String describe() {
        byte[] b = bytes();
        return dev.cove.secure.sign.CoveSignature.looksLikeCoveSignature(b)
                ? new String(b, StandardCharsets.UTF_8)
                : "raw detached signature, " + b.length + " bytes";
    }
}
