package dev.cove.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a sequence's cached keys and values are stored. {@link #F32} is exact; {@link #BF16} halves
 * the cache's memory (and what attention reads per generated token at depth) for a rounding of
 * each key and value to 8 significant bits, as llama.cpp's {@code -ctk bf16 -ctv bf16};
 * {@link #Q8_0} takes about a quarter (one byte per component and a float scale per block of 32
 * components of one position), quantized as llama.cpp's {@code -ctk q8_0 -ctv q8_0}.
 */
public enum KvCacheType {
    F32("f32"),
    BF16("bf16"),
    Q8_0("q8_0");

    private final String id;

    KvCacheType(String id) {
        this.id = id;
    }

    /** The name on the command line and in configuration: {@code f32}, {@code bf16}. */
    public String id() {
        return id;
    }

    /** The type named {@code name} (case-insensitive), or an error listing the names there are. */
    public static KvCacheType parse(String name) {
        for (KvCacheType t : values()) {
            if (t.id.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown KV cache type '" + name + "': use one of "
                + Arrays.stream(values()).map(KvCacheType::id).collect(Collectors.joining(", ")));
    }
}
