package dev.cove.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BFloat16Test {

    @Test
    void knownValues() {
        assertThat(BFloat16.fromFloat(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(BFloat16.fromFloat(-2.0f)).isEqualTo((short) 0xC000);
        assertThat(BFloat16.toFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(BFloat16.toFloat((short) 0xC049)).isEqualTo(-3.140625f);
        // ties to even on the 16 dropped bits
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        // overflow rounds to infinity, infinities stay
        assertThat(BFloat16.fromFloat(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(BFloat16.fromFloat(-Float.MAX_VALUE)).isEqualTo((short) 0xFF80);
        assertThat(BFloat16.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
        // subnormals are rounded, not flushed
        assertThat(BFloat16.fromFloat(Float.MIN_VALUE)).isEqualTo((short) 0x0000);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x00018000))).isEqualTo((short) 0x0002);
        // NaN: top bits kept, made quiet
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7FC0);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0xFFA50000))).isEqualTo((short) 0xFFE5);
    }

    @Test
    void everyBFloat16RoundTrips() {
        for (int b = 0; b < 0x10000; b++) {
            float f = BFloat16.toFloat((short) b);
            short back = BFloat16.fromFloat(f);
            if (Float.isNaN(f)) {
                assertThat(back & 0xFFFF).isEqualTo(b | 64);
            } else {
                assertThat(back).as("bf16 0x%04x", b).isEqualTo((short) b);
            }
        }
    }
}
