package dev.cove.core.tensor;

/** bfloat16 (the top 16 bits of a float, GGML's {@code ggml_bf16_t}) conversions, matching GGML bit for bit. */
public final class BFloat16 {

    private BFloat16() {
    }

    /** The exact float value of the bfloat16 {@code b}. */
    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /**
     * GGML's {@code ggml_compute_fp32_to_bf16}: round to nearest, ties to even, on the raw bits
     * (overflow carries into the exponent and gives infinity); a NaN keeps its top bits and is
     * forced quiet by setting bit 6. Subnormals are rounded, not flushed (current GGML).
     */
    public static short fromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        // 32-bit wrap-around is harmless: the largest finite magnitude plus the rounding bias
        // still fits below the sign bit (or carries into it exactly as GGML's uint32 does).
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }
}
