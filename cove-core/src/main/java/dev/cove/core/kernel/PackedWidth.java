package dev.cove.core.kernel;

import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector of shorts the row-per-lane kernels ({@link PackedQ4_0Kernels}, {@link PackedKernels})
 * compute with: the machine's widest up to 512 bits. {@code -Dcove.packedBits=256} or {@code 512}
 * forces one, so that a test can run the other width's code on any machine (a width the
 * hardware lacks runs in the Vector API's Java fallback: slow, but the same bits).
 */
final class PackedWidth {
    static final VectorSpecies<Short> SHORTS = choose(Integer.getInteger("cove.packedBits", 0));
    /** The bytes of one vector of {@link #SHORTS}' rows, before widening. */
    static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(SHORTS.vectorBitSize() / 2));
    /** Half the rows of a vector of shorts as floats or ints (one converts to two). */
    static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, SHORTS.vectorShape());
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SHORTS.vectorShape());
    /** One byte per lane of {@link #FLOATS}: byte-sized factors (Q4_K's scales and mins) widened straight to floats. */
    static final VectorSpecies<Byte> FLOAT_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(SHORTS.vectorBitSize() / 4));
    /** The scales (halves) of half the rows. */
    static final VectorSpecies<Short> SCALES = VectorSpecies.of(short.class, VectorShape.forBitSize(SHORTS.vectorBitSize() / 2));

    private PackedWidth() {
    }

    private static VectorSpecies<Short> choose(int bits) {
        if (bits == 512) {
            return ShortVector.SPECIES_512;
        }
        if (bits == 256) {
            return ShortVector.SPECIES_256;
        }
        return ShortVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? ShortVector.SPECIES_512 : ShortVector.SPECIES_256;
    }

    /** Whether the machine's vectors hold at least 16 shorts (AVX2), the narrowest the kernels are written for. */
    static boolean supported() {
        return ShortVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }
}
