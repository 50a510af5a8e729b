package dev.cove.core.tensor;

/** The {@link TypeCodec} of each {@link GgmlType}. */
public final class TypeCodecs {

    private static final TypeCodec[] BY_ORDINAL = new TypeCodec[GgmlType.values().length];

    static {
        for (GgmlType t : GgmlType.values()) {
            BY_ORDINAL[t.ordinal()] = create(t);
        }
    }

    private TypeCodecs() {
    }

    /** The shared, stateless codec of {@code t}. */
    public static TypeCodec of(GgmlType t) {
        return BY_ORDINAL[t.ordinal()];
    }

    // An exhaustive switch: adding a type to GgmlType without a codec does not compile.
    private static TypeCodec create(GgmlType t) {
        return switch (t) {
            case F32 -> new F32Codec();
            case F16 -> new F16Codec();
            case BF16 -> new BF16Codec();
            case Q8_0 -> new Q8_0Codec();
            case Q4_0 -> new Q4_0Codec();
            case Q4_1 -> new Q4_1Codec();
            case Q5_0 -> new Q5_0Codec();
            case Q5_1 -> new Q5_1Codec();
            case Q2_K -> new Q2_KCodec();
            case Q3_K -> new Q3_KCodec();
            case Q4_K -> new Q4_KCodec();
            case Q5_K -> new Q5_KCodec();
            case Q6_K -> new Q6_KCodec();
        };
    }
}
