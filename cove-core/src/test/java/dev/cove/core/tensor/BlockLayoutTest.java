package dev.cove.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hand-built blocks, laid out field by field as GGML's structs in {@code ggml-common.h}, decode
 * to the values the format defines. For the K-quants, blocks of random bytes are also compared
 * with a line-by-line transcription of GGML's {@code dequantize_row_*} loops (pointer-walking
 * structure, unlike the per-element index arithmetic of the codecs).
 */
class BlockLayoutTest {

    private static final short HALF_ONE = 0x3C00;      // 1.0
    private static final short HALF_HALF = 0x3800;     // 0.5
    private static final short HALF_QUARTER = 0x3400;  // 0.25
    private static final short HALF_TWO = 0x4000;      // 2.0
    private static final short HALF_MINUS_ONE = (short) 0xBC00;

    @Test
    void q8_0() {
        byte[] b = new byte[34];
        putHalf(b, 0, HALF_HALF);
        for (int j = 0; j < 32; j++) {
            b[2 + j] = (byte) (j * 9 - 128); // -128 .. 151 wraps: covers negative and positive int8
        }
        float[] out = decode(GgmlType.Q8_0, b, 32);
        for (int j = 0; j < 32; j++) {
            assertThat(out[j]).isEqualTo(((byte) (j * 9 - 128)) * 0.5f);
        }
    }

    @Test
    void q4_0() {
        byte[] b = new byte[18];
        putHalf(b, 0, HALF_TWO);
        for (int j = 0; j < 16; j++) {
            b[2 + j] = (byte) (j | ((15 - j) << 4)); // element j: low nibble; element j+16: high nibble
        }
        float[] out = decode(GgmlType.Q4_0, b, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(out[j]).isEqualTo((j - 8) * 2f);
            assertThat(out[j + 16]).isEqualTo((15 - j - 8) * 2f);
        }
    }

    @Test
    void q4_1() {
        byte[] b = new byte[20];
        putHalf(b, 0, HALF_QUARTER);
        putHalf(b, 2, HALF_MINUS_ONE);
        for (int j = 0; j < 16; j++) {
            b[4 + j] = (byte) (j | ((15 - j) << 4));
        }
        float[] out = decode(GgmlType.Q4_1, b, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(out[j]).isEqualTo(j * 0.25f - 1f);
            assertThat(out[j + 16]).isEqualTo((15 - j) * 0.25f - 1f);
        }
    }

    @Test
    void q5_0() {
        byte[] b = new byte[22];
        putHalf(b, 0, HALF_ONE);
        int qh = 0xA5A5_0F0F; // bit i is the fifth bit of element i
        putInt(b, 2, qh);
        for (int j = 0; j < 16; j++) {
            b[6 + j] = (byte) (j | ((15 - j) << 4));
        }
        float[] out = decode(GgmlType.Q5_0, b, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(out[j]).isEqualTo((j + 16 * ((qh >>> j) & 1)) - 16f);
            assertThat(out[j + 16]).isEqualTo((15 - j + 16 * ((qh >>> (j + 16)) & 1)) - 16f);
        }
    }

    @Test
    void q5_1() {
        byte[] b = new byte[24];
        putHalf(b, 0, HALF_HALF);
        putHalf(b, 2, HALF_ONE);
        int qh = 0x1234_8765;
        putInt(b, 4, qh);
        for (int j = 0; j < 16; j++) {
            b[8 + j] = (byte) (j | ((15 - j) << 4));
        }
        float[] out = decode(GgmlType.Q5_1, b, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(out[j]).isEqualTo((j + 16 * ((qh >>> j) & 1)) * 0.5f + 1f);
            assertThat(out[j + 16]).isEqualTo((15 - j + 16 * ((qh >>> (j + 16)) & 1)) * 0.5f + 1f);
        }
    }

    /** Q2_K with quant e % 4 everywhere and group g having scale g, min 15 - g. */
    @Test
    void q2_K() {
        byte[] b = new byte[84];
        for (int g = 0; g < 16; g++) {
            b[g] = (byte) (g | ((15 - g) << 4));
        }
        for (int i = 0; i < 64; i++) {
            b[16 + i] = (byte) ((i % 4) * 0x55); // all four 2-bit fields of byte i hold i % 4
        }
        putHalf(b, 80, HALF_ONE);
        putHalf(b, 82, HALF_HALF);
        float[] out = decode(GgmlType.Q2_K, b, 256);
        for (int e = 0; e < 256; e++) {
            int g = e / 16;
            assertThat(out[e]).as("element %d", e).isEqualTo(g * (e % 4) - 0.5f * (15 - g));
        }
    }

    /** Q3_K with group j scaled by (j - 8) and quant (e % 4) minus 4 where the hmask bit is clear (odd e). */
    @Test
    void q3_K() {
        byte[] b = new byte[110];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) 0x55 ;            // hmask: bits 0,2,4,6 set -> elements 32*k + i with k even
        }
        for (int i = 0; i < 64; i++) {
            b[32 + i] = (byte) ((i % 4) * 0x55);
        }
        for (int j = 0; j < 16; j++) {
            int s = j - 8 + 32;             // stored with +32 bias, 6 bits
            if (j < 8) {
                b[96 + j] |= (byte) (s & 0xF);
            } else {
                b[96 + j - 8] |= (byte) ((s & 0xF) << 4);
            }
            b[96 + 8 + j % 4] |= (byte) ((s >>> 4) << (2 * (j / 4)));
        }
        putHalf(b, 108, HALF_HALF);
        float[] out = decode(GgmlType.Q3_K, b, 256);
        for (int e = 0; e < 256; e++) {
            int j = e / 16;
            boolean high = ((e / 32) % 2) == 0;
            int q = (e % 32 % 4) - (high ? 0 : 4);
            assertThat(out[e]).as("element %d", e).isEqualTo(0.5f * (j - 8) * q);
        }
        assertThat(decodeLikeGgml(GgmlType.Q3_K, b)).isEqualTo(out);
    }

    /** Q4_K with group j having scale 2j+1 and min 63-j (exercising the split 6-bit packing for j >= 4). */
    @Test
    void q4_K() {
        byte[] b = new byte[144];
        putHalf(b, 0, HALF_QUARTER);
        putHalf(b, 2, HALF_HALF);
        packScalesK4(b, 4, j -> 2 * j + 1, j -> 63 - j);
        for (int i = 0; i < 128; i++) {
            b[16 + i] = (byte) ((i % 16) | ((15 - i % 16) << 4));
        }
        float[] out = decode(GgmlType.Q4_K, b, 256);
        for (int e = 0; e < 256; e++) {
            int j = e / 32;
            int byteIndex = (e / 64) * 32 + e % 32;
            int q = (e % 64) < 32 ? byteIndex % 16 : 15 - byteIndex % 16;
            assertThat(out[e]).as("element %d", e).isEqualTo(0.25f * (2 * j + 1) * q - 0.5f * (63 - j));
        }
        assertThat(decodeLikeGgml(GgmlType.Q4_K, b)).isEqualTo(out);
    }

    @Test
    void q5_K() {
        byte[] b = new byte[176];
        putHalf(b, 0, HALF_QUARTER);
        putHalf(b, 2, HALF_HALF);
        packScalesK4(b, 4, j -> 63 - 3 * j, j -> j + 40);
        for (int i = 0; i < 32; i++) {
            b[16 + i] = (byte) (i * 37);    // qh: bit k of qh[l] is the fifth bit of element 32k + l
        }
        for (int i = 0; i < 128; i++) {
            b[48 + i] = (byte) ((i % 16) | ((15 - i % 16) << 4));
        }
        float[] out = decode(GgmlType.Q5_K, b, 256);
        for (int e = 0; e < 256; e++) {
            int j = e / 32;
            int byteIndex = (e / 64) * 32 + e % 32;
            int low = (e % 64) < 32 ? byteIndex % 16 : 15 - byteIndex % 16;
            int high = (((e % 32) * 37 & 0xFF) >>> (e / 32)) & 1;
            assertThat(out[e]).as("element %d", e).isEqualTo(0.25f * (63 - 3 * j) * (low + 16 * high) - 0.5f * (j + 40));
        }
        assertThat(decodeLikeGgml(GgmlType.Q5_K, b)).isEqualTo(out);
    }

    /** Q6_K with group j scaled by (j - 8) * 9 (signed int8) and known 6-bit quants. */
    @Test
    void q6_K() {
        byte[] b = new byte[210];
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) {
            q[e] = (e * 7) % 64;
        }
        // ql[64h + l] low/high nibble = elements 128h + l / 128h + l + 64; ql[64h + 32 + l] = +32 / +96
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int base = 128 * h + l;
                b[64 * h + l] = (byte) ((q[base] & 0xF) | ((q[base + 64] & 0xF) << 4));
                b[64 * h + l + 32] = (byte) ((q[base + 32] & 0xF) | ((q[base + 96] & 0xF) << 4));
                b[128 + 32 * h + l] = (byte) ((q[base] >> 4) | ((q[base + 32] >> 4) << 2)
                        | ((q[base + 64] >> 4) << 4) | ((q[base + 96] >> 4) << 6));
            }
        }
        for (int j = 0; j < 16; j++) {
            b[192 + j] = (byte) ((j - 8) * 9);
        }
        putHalf(b, 208, HALF_QUARTER);
        float[] out = decode(GgmlType.Q6_K, b, 256);
        for (int e = 0; e < 256; e++) {
            assertThat(out[e]).as("element %d", e).isEqualTo(0.25f * ((e / 16 - 8) * 9) * (q[e] - 32));
        }
        assertThat(decodeLikeGgml(GgmlType.Q6_K, b)).isEqualTo(out);
    }

    /** Random K-quant blocks (with sane d fields) decode exactly like GGML's loops. */
    @Test
    void randomKBlocksDecodeLikeGgmlLoops() {
        Random random = new Random(11);
        for (GgmlType type : new GgmlType[] {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            for (int trial = 0; trial < 50; trial++) {
                byte[] b = new byte[type.typeSize()];
                random.nextBytes(b);
                switch (type) {
                    case Q2_K -> { putHalf(b, 80, randomHalf(random)); putHalf(b, 82, randomHalf(random)); }
                    case Q3_K -> putHalf(b, 108, randomHalf(random));
                    case Q4_K, Q5_K -> { putHalf(b, 0, randomHalf(random)); putHalf(b, 2, randomHalf(random)); }
                    case Q6_K -> putHalf(b, 208, randomHalf(random));
                    default -> throw new AssertionError(type);
                }
                assertThat(decode(type, b, 256)).as("%s trial %d", type, trial).isEqualTo(decodeLikeGgml(type, b));
            }
        }
    }

    // ---- GGML's dequantize_row_* loops for one super-block, transcribed with their pointer walks ----

    private static float[] decodeLikeGgml(GgmlType type, byte[] x) {
        float[] y = new float[256];
        int yi = 0;
        switch (type) {
            case Q2_K -> {
                float d = half(x, 80);
                float min = half(x, 82);
                int q = 16;
                int is = 0;
                for (int n = 0; n < 256; n += 128) {
                    int shift = 0;
                    for (int j = 0; j < 4; ++j) {
                        int sc = x[is++] & 0xFF;
                        float dl = d * (sc & 0xF);
                        float ml = min * (sc >> 4);
                        for (int l = 0; l < 16; ++l) {
                            y[yi++] = dl * (((x[q + l] & 0xFF) >> shift) & 3) - ml;
                        }
                        sc = x[is++] & 0xFF;
                        dl = d * (sc & 0xF);
                        ml = min * (sc >> 4);
                        for (int l = 0; l < 16; ++l) {
                            y[yi++] = dl * (((x[q + l + 16] & 0xFF) >> shift) & 3) - ml;
                        }
                        shift += 2;
                    }
                    q += 32;
                }
            }
            case Q3_K -> {
                float dAll = half(x, 108);
                // the aux[] / kmask shuffle of dequantize_row_q3_K
                int kmask1 = 0x03030303;
                int kmask2 = 0x0f0f0f0f;
                int[] aux = {getInt(x, 96), getInt(x, 100), getInt(x, 104), 0};
                int tmp = aux[2];
                aux[2] = ((aux[0] >>> 4) & kmask2) | (((tmp >>> 4) & kmask1) << 4);
                aux[3] = ((aux[1] >>> 4) & kmask2) | (((tmp >>> 6) & kmask1) << 4);
                aux[0] = (aux[0] & kmask2) | (((tmp >>> 0) & kmask1) << 4);
                aux[1] = (aux[1] & kmask2) | (((tmp >>> 2) & kmask1) << 4);
                byte[] scales = new byte[16];
                for (int i = 0; i < 16; i++) {
                    scales[i] = (byte) (aux[i / 4] >>> (8 * (i % 4)));
                }
                int q = 32;
                int hm = 0;
                int m = 1;
                int is = 0;
                for (int n = 0; n < 256; n += 128) {
                    int shift = 0;
                    for (int j = 0; j < 4; ++j) {
                        float dl = dAll * (scales[is++] - 32);
                        for (int l = 0; l < 16; ++l) {
                            y[yi++] = dl * ((((x[q + l] & 0xFF) >> shift) & 3) - ((x[hm + l] & m) != 0 ? 0 : 4));
                        }
                        dl = dAll * (scales[is++] - 32);
                        for (int l = 0; l < 16; ++l) {
                            y[yi++] = dl * ((((x[q + l + 16] & 0xFF) >> shift) & 3) - ((x[hm + l + 16] & m) != 0 ? 0 : 4));
                        }
                        shift += 2;
                        m <<= 1;
                    }
                    q += 32;
                }
            }
            case Q4_K, Q5_K -> {
                boolean five = type == GgmlType.Q5_K;
                float d = half(x, 0);
                float min = half(x, 2);
                int ql = five ? 48 : 16;
                int qh = 16;
                int is = 0;
                int u1 = 1;
                int u2 = 2;
                for (int j = 0; j < 256; j += 64) {
                    int[] sm = getScaleMinK4(is, x, 4);
                    float d1 = d * sm[0];
                    float m1 = min * sm[1];
                    sm = getScaleMinK4(is + 1, x, 4);
                    float d2 = d * sm[0];
                    float m2 = min * sm[1];
                    for (int l = 0; l < 32; ++l) {
                        int hi = five && (x[qh + l] & u1) != 0 ? 16 : 0;
                        y[yi++] = d1 * ((x[ql + l] & 0xF) + hi) - m1;
                    }
                    for (int l = 0; l < 32; ++l) {
                        int hi = five && (x[qh + l] & u2) != 0 ? 16 : 0;
                        y[yi++] = d2 * (((x[ql + l] & 0xFF) >> 4) + hi) - m2;
                    }
                    ql += 32;
                    is += 2;
                    u1 <<= 2;
                    u2 <<= 2;
                }
            }
            case Q6_K -> {
                float d = half(x, 208);
                int ql = 0;
                int qh = 128;
                int sc = 192;
                for (int n = 0; n < 256; n += 128) {
                    for (int l = 0; l < 32; ++l) {
                        int is = l / 16;
                        int q1 = (byte) ((x[ql + l] & 0xF) | (((x[qh + l] >> 0) & 3) << 4)) - 32;
                        int q2 = (byte) ((x[ql + l + 32] & 0xF) | (((x[qh + l] >> 2) & 3) << 4)) - 32;
                        int q3 = (byte) (((x[ql + l] & 0xFF) >> 4) | (((x[qh + l] >> 4) & 3) << 4)) - 32;
                        int q4 = (byte) (((x[ql + l + 32] & 0xFF) >> 4) | (((x[qh + l] >> 6) & 3) << 4)) - 32;
                        y[n + l] = d * x[sc + is] * q1;
                        y[n + l + 32] = d * x[sc + is + 2] * q2;
                        y[n + l + 64] = d * x[sc + is + 4] * q3;
                        y[n + l + 96] = d * x[sc + is + 6] * q4;
                    }
                    ql += 64;
                    qh += 32;
                    sc += 8;
                }
            }
            default -> throw new AssertionError(type);
        }
        return y;
    }

    /** GGML's get_scale_min_k4 on the 12 scale bytes at x[s..]. */
    private static int[] getScaleMinK4(int j, byte[] x, int s) {
        if (j < 4) {
            return new int[] {x[s + j] & 63, x[s + j + 4] & 63};
        }
        return new int[] {
            (x[s + j + 4] & 0xF) | (((x[s + j - 4] & 0xFF) >> 6) << 4),
            ((x[s + j + 4] & 0xFF) >> 4) | (((x[s + j] & 0xFF) >> 6) << 4)};
    }

    /** Packs 6-bit scales and mins as quantize_row_q4_K_ref does. */
    private static void packScalesK4(byte[] b, int s, java.util.function.IntUnaryOperator scale,
                                     java.util.function.IntUnaryOperator min) {
        for (int j = 0; j < 8; j++) {
            int ls = scale.applyAsInt(j);
            int lm = min.applyAsInt(j);
            if (j < 4) {
                b[s + j] = (byte) ls;
                b[s + j + 4] = (byte) lm;
            } else {
                b[s + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                b[s + j - 4] |= (byte) ((ls >> 4) << 6);
                b[s + j] |= (byte) ((lm >> 4) << 6);
            }
        }
    }

    private static float[] decode(GgmlType type, byte[] block, int n) {
        // read from an odd offset of a larger segment, as from a mapped file
        byte[] padded = new byte[block.length + 7];
        System.arraycopy(block, 0, padded, 5, block.length);
        float[] out = new float[n];
        TypeCodecs.of(type).dequantize(MemorySegment.ofArray(padded), 5, out, 0, n);
        return out;
    }

    private static short randomHalf(Random random) {
        return Float16.fromFloat((float) (random.nextGaussian() * 0.01));
    }

    private static float half(byte[] b, int at) {
        return Float16.toFloat((short) ((b[at] & 0xFF) | (b[at + 1] << 8)));
    }

    private static void putHalf(byte[] b, int at, short h) {
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
