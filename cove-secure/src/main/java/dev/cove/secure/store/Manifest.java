package dev.cove.secure.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cove.secure.ModelDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store knows about one named model. {@code digest} and {@code size} describe the GGUF
 * file itself (what signatures cover); {@code blob} and {@code blobSize} the bytes stored, which
 * differ when the model is encrypted at rest ({@code encryption} names the key then).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(int schema, String name, String source, String digest, long size, String blob, long blobSize,
        String encryption, GgufSummary gguf, String created, List<StoredSignature> signatures) {
    public static final int SCHEMA = 1;

    public Manifest {
        signatures = signatures == null ? List.of() : List.copyOf(signatures);
    }

    @JsonIgnore
    public ModelDigest modelDigest() {
        return new ModelDigest(digest);
    }

    @JsonIgnore
    public boolean encrypted() {
        return encryption != null;
    }

    public Manifest withSignature(StoredSignature s) {
        List<StoredSignature> all = new ArrayList<>(signatures);
        if (all.stream().noneMatch(x -> x.base64().equals(s.base64()))) {
            all.add(s);
        }
        return new Manifest(schema, name, source, digest, size, blob, blobSize, encryption, gguf, created, all);
    }

    public Manifest withName(String newName) {
        return new Manifest(schema, newName, source, digest, size, blob, blobSize, encryption, gguf, created, signatures);
    }
}
