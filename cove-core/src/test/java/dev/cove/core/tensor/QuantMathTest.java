package dev.cove.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantMathTest {

    @Test
    void nearestIntRoundsHalfToEven() {
        assertThat(QuantMath.nearestInt(0.5f)).isZero();
        assertThat(QuantMath.nearestInt(1.5f)).isEqualTo(2);
        assertThat(QuantMath.nearestInt(2.5f)).isEqualTo(2);
        assertThat(QuantMath.nearestInt(-0.5f)).isZero();
        assertThat(QuantMath.nearestInt(-1.5f)).isEqualTo(-2);
        assertThat(QuantMath.nearestInt(-2.4999998f)).isEqualTo(-2);
        assertThat(QuantMath.nearestInt(4194303f)).isEqualTo(4194303);
        assertThat(QuantMath.nearestInt(-4194303f)).isEqualTo(-4194303);
        Random random = new Random(3);
        for (int i = 0; i < 1_000_000; i++) {
            float f = (random.nextFloat() - 0.5f) * (i % 2 == 0 ? 100f : 8_000_000f);
            assertThat(QuantMath.nearestInt(f)).as("%s", f).isEqualTo((int) Math.rint(f));
        }
    }

    @Test
    void roundfRoundsHalfAwayFromZero() {
        assertThat(QuantMath.roundf(0.5f)).isEqualTo(1f);
        assertThat(QuantMath.roundf(-0.5f)).isEqualTo(-1f);
        assertThat(QuantMath.roundf(2.5f)).isEqualTo(3f);
        assertThat(QuantMath.roundf(-2.5f)).isEqualTo(-3f);
        assertThat(QuantMath.roundf(0.49999997f)).isEqualTo(0f); // Math.round's floor(x + 0.5f) would give 1
        assertThat(QuantMath.roundf(-126.7f)).isEqualTo(-127f);
        assertThat(QuantMath.roundf(1e-30f)).isEqualTo(0f);
    }

    @Test
    void makeQxQuantsFindsExactLevelsForDataOnAGrid() {
        // x = 0.1 * (l - 32) for levels l in 0..63 is representable exactly at scale 0.1
        float[] x = new float[16];
        int[] levels = {0, 5, 10, 20, 31, 32, 33, 40, 50, 63, 1, 2, 62, 61, 30, 34};
        for (int i = 0; i < 16; i++) {
            x[i] = 0.1f * (levels[i] - 32);
        }
        int[] L = new int[16];
        float scale = QuantMath.makeQxQuants(16, 32, x, 0, L, 0, 1, null, 0);
        // the largest magnitude (-3.2) maps to level 0, so the scale comes out positive
        assertThat(scale).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-6f));
        for (int i = 0; i < 16; i++) {
            assertThat(scale * (L[i] - 32)).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void makeQkx2QuantsFitsScaleAndMin() {
        // x = 0.25 * l - 1 for l in 0..15: exactly representable with scale 0.25 and min 1
        float[] x = new float[32];
        float[] w = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = 0.25f * (i % 16) - 1f;
            w[i] = 1f;
        }
        int[] L = new int[32];
        float[] min = new float[1];
        float scale = QuantMath.makeQkx2Quants(32, 15, x, 0, w, 0, L, 0, min, 0, new int[32], -1f, 0.1f, 20, false);
        assertThat(scale).isCloseTo(0.25f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(min[0]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
        for (int i = 0; i < 32; i++) {
            assertThat(L[i]).isEqualTo(i % 16);
        }
    }
}
