package dev.cove.secure.store;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.tensor.GgmlType;
import java.util.EnumMap;
import java.util.Map;

/**
 * What {@code cove list} and {@code cove show} say about a model without opening it again:
 * read from the GGUF header when the model enters the store.
 *
 * @param type the tensor type holding most of the weights' bytes (Q4_0, Q8_0, F16, ...)
 */
public record GgufSummary(int ggufVersion, String architecture, String modelName, long parameters, int tensors,
        String type, long contextLength, int metadataKeys, boolean chatTemplate) {

    public static GgufSummary of(GgufFile file) {
        GgufMetadata m = file.metadata();
        String arch = m.getString("general.architecture", "unknown");
        Map<GgmlType, Long> bytesByType = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : file.tensors().values()) {
            bytesByType.merge(t.type(), t.byteSize(), Long::sum);
        }
        String type = bytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> e.getKey().name()).orElse("none");
        long ctx = m.contains(arch + ".context_length") ? safeLong(m, arch + ".context_length") : 0;
        return new GgufSummary(file.version(), arch, m.getString("general.name", ""), file.parameterCount(), file.tensors().size(), type,
                ctx, m.keys().size(), m.contains("tokenizer.chat_template"));
    }

    private static long safeLong(GgufMetadata m, String key) {
        try {
            return m.getLong(key);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
