package dev.cove.core.quantize;

import dev.cove.core.tensor.GgmlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code cove quantize} makes: llama.cpp's {@code llama_ftype}, the value written to
 * {@code general.file_type}. Each names a default tensor type; the K-quant mixes (Q4_K_M ...)
 * give some tensors more bits ({@link QuantizationRecipe}). Only the types Cove can compute
 * without an importance matrix are listed (no IQ types, no Q2_K_S).
 */
public enum FileType {
    F32(0, GgmlType.F32, "32-bit float, no quantization"),
    F16(1, GgmlType.F16, "16-bit float"),
    BF16(32, GgmlType.BF16, "bfloat16"),
    Q8_0(7, GgmlType.Q8_0, "8.50 bits per weight"),
    Q4_0(2, GgmlType.Q4_0, "4.50 bits per weight"),
    Q4_1(3, GgmlType.Q4_1, "5.00 bits per weight"),
    Q5_0(8, GgmlType.Q5_0, "5.50 bits per weight"),
    Q5_1(9, GgmlType.Q5_1, "6.00 bits per weight"),
    Q2_K(10, GgmlType.Q2_K, "Q2_K mix: attn_v and ffn_down Q3_K/Q4_K, attn_output Q3_K"),
    Q3_K_S(11, GgmlType.Q3_K, "Q3_K everywhere but the output"),
    Q3_K_M(12, GgmlType.Q3_K, "Q3_K mix: attn_v Q5_K/Q4_K, ffn_down Q5_K/Q4_K, attn_output Q4_K"),
    Q3_K_L(13, GgmlType.Q3_K, "Q3_K mix: attn_v, ffn_down and attn_output Q5_K"),
    Q4_K_S(14, GgmlType.Q4_K, "Q4_K mix: first attn_v and ffn_down Q5_K"),
    Q4_K_M(15, GgmlType.Q4_K, "Q4_K mix: half of attn_v and ffn_down Q6_K (llama.cpp's usual choice)"),
    Q5_K_S(16, GgmlType.Q5_K, "Q5_K everywhere but the output"),
    Q5_K_M(17, GgmlType.Q5_K, "Q5_K mix: half of attn_v and ffn_down Q6_K"),
    Q6_K(18, GgmlType.Q6_K, "Q6_K everywhere");

    private final int id;
    private final GgmlType defaultType;
    private final String description;

    FileType(int id, GgmlType defaultType, String description) {
        this.id = id;
        this.defaultType = defaultType;
        this.description = description;
    }

    /** llama.cpp's {@code llama_ftype} value, written to {@code general.file_type}. */
    public int id() {
        return id;
    }

    /** The type of every quantizable tensor the recipe does not single out. */
    public GgmlType defaultType() {
        return defaultType;
    }

    public String description() {
        return description;
    }

    /**
     * The file type for a name as {@code llama-quantize} accepts it, case-insensitive: a member
     * name, or the short K names {@code Q3_K}, {@code Q4_K} and {@code Q5_K}, which mean the
     * {@code _M} mixes as in llama.cpp.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static FileType parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        switch (n) {
            case "Q3_K" -> {
                return Q3_K_M;
            }
            case "Q4_K" -> {
                return Q4_K_M;
            }
            case "Q5_K" -> {
                return Q5_K_M;
            }
            default -> {
                for (FileType t : values()) {
                    if (t.name().equals(n)) {
                        return t;
                    }
                }
            }
        }
        throw new IllegalArgumentException("unknown quantization type '" + name + "'; choose one of " + String.join(", ", names())
                + " (Q3_K, Q4_K and Q5_K mean the _M mixes)");
    }

    /** The file type whose {@code general.file_type} value is {@code id}, or null. */
    public static FileType byId(long id) {
        for (FileType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (FileType t : values()) {
            names.add(t.name());
        }
        return names;
    }
}
