package dev.cove.core.tensor;

/** IEEE 754 binary16 ("half", GGML's {@code ggml_half}) conversions, matching GGML bit for bit. */
public final class Float16 {

    private Float16() {
    }

    /** The exact float value of the half {@code h} (every half is representable as a float). */
    public static float toFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /**
     * The half nearest to {@code f}, ties to even, overflowing to infinity, like GGML's
     * {@code GGML_FP32_TO_FP16} (the F16C instruction and GGML's portable bit-trick agree on that).
     * The JDK conversion rounds the same way; only NaN differs: GGML's portable code, which the
     * quantizers in ggml-base use, writes a canonical quiet NaN {@code 0x7E00} with the sign kept,
     * while the JDK keeps payload bits. We follow GGML.
     */
    public static short fromFloat(float f) {
        if (Float.isNaN(f)) {
            return (short) (((Float.floatToRawIntBits(f) >>> 16) & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(f);
    }
}
