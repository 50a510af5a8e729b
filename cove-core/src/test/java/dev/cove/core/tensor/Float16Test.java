package dev.cove.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Float16Test {

    @Test
    void knownValues() {
        assertThat(Float16.fromFloat(1.0f)).isEqualTo((short) 0x3C00);
        assertThat(Float16.fromFloat(-2.0f)).isEqualTo((short) 0xC000);
        assertThat(Float16.fromFloat(0.5f)).isEqualTo((short) 0x3800);
        assertThat(Float16.fromFloat(65504f)).isEqualTo((short) 0x7BFF);          // largest finite half
        assertThat(Float16.fromFloat(65520f)).isEqualTo((short) 0x7C00);          // rounds up to infinity
        assertThat(Float16.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001);        // smallest subnormal
        assertThat(Float16.fromFloat(0x1p-25f)).isEqualTo((short) 0x0000);        // tie: to even (zero)
        assertThat(Float16.fromFloat(0x1.8p-24f)).isEqualTo((short) 0x0002);      // tie: to even (2)
        assertThat(Float16.fromFloat(1 + 0x1p-11f)).isEqualTo((short) 0x3C00);    // tie: to even
        assertThat(Float16.fromFloat(1 + 0x3p-11f)).isEqualTo((short) 0x3C02);    // tie: to even
        assertThat(Float16.fromFloat(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(Float16.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
        assertThat(Float16.fromFloat(Float.NaN)).isEqualTo((short) 0x7E00);
        assertThat(Float16.fromFloat(Float.intBitsToFloat(0xFFC00001))).isEqualTo((short) 0xFE00);
        assertThat(Float16.toFloat((short) 0x3555)).isEqualTo(0.33325195f);
        assertThat(Float16.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    }

    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            short half = (short) h;
            float f = Float16.toFloat(half);
            if (Float.isNaN(f)) {
                assertThat(Float16.fromFloat(f) & 0x7FFF).isEqualTo(0x7E00);
            } else {
                assertThat(Float16.fromFloat(f)).as("half 0x%04x", h).isEqualTo(half);
            }
        }
    }

    /** The JDK conversion agrees with GGML's portable {@code ggml_compute_fp32_to_fp16} on a wide sample of floats. */
    @Test
    void matchesGgmlPortableConversion() {
        // every 9973rd bit pattern, plus every value near a rounding tie between halves
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += 9973) {
            assertSame((int) bits);
        }
        for (int h = 0; h < 0x7C00; h++) {
            int mid = Float.floatToRawIntBits((Float16.toFloat((short) h) + Float16.toFloat((short) (h + 1))) / 2);
            for (int d = -2; d <= 2; d++) {
                assertSame(mid + d);
                assertSame((mid + d) | 0x80000000);
            }
        }
    }

    private static void assertSame(int bits) {
        float f = Float.intBitsToFloat(bits);
        assertThat(Float16.fromFloat(f)).as("float bits 0x%08x", bits).isEqualTo(ggmlFp32ToFp16(f));
    }

    /** GGML's portable conversion (from the FP16 library), transcribed for comparison. */
    private static short ggmlFp32ToFp16(float f) {
        float scaleToInf = 0x1.0p+112f;
        float scaleToZero = 0x1.0p-110f;
        float base = (Math.abs(f) * scaleToInf) * scaleToZero;
        int w = Float.floatToRawIntBits(f);
        int shl1W = w + w;
        int sign = w & 0x80000000;
        int bias = shl1W & 0xFF000000;
        if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
            bias = 0x71000000;
        }
        base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
        int bits = Float.floatToRawIntBits(base);
        int expBits = (bits >>> 13) & 0x00007C00;
        int mantissaBits = bits & 0x00000FFF;
        int nonsign = expBits + mantissaBits;
        return (short) ((sign >>> 16) | (Integer.compareUnsigned(shl1W, 0xFF000000) > 0 ? 0x7E00 : nonsign));
    }
}
