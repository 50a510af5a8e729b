package dev.cove.core.kernel;

/**
 * The input of a matrix product: {@code tokens} vectors of {@code width} floats, one per token of
 * a batch, row-major in {@link #values()}. Integer kernels also need the vectors quantized the way
 * llama.cpp quantizes activations ({@code Q8_0}: blocks of 32, {@code d = max|x| / 127},
 * {@code q = round(x / d)}); {@link #quantize} computes that once, before a parallel region, and
 * every thread then reads it. Not thread-safe while being written; read-only inside a region.
 */
public final class Activations {
    /** Elements per quantization block. */
    public static final int BLOCK = 32;

    private final int width;
    private final int capacity;
    private final float[] values;
    private final short[] quants;    // [token * width + k], in -127..127
    private final short[] quantsByColumn; // [k * capacity + token]: the same, column by column
    private final float[] scales;    // [token * blocks + b]
    private final short[] offsets;   // [token * blocks + b]: 8 * sum of the block's quants, mod 2^16
    private final short[] eighthOffsets; // [token * width / 8 + i]: 32 * sum of quants [8i, 8i + 8)
    private final float[] floatQuants; // [token * width + k]: the quants as floats
    private final float[] scaledSums; // [token * blocks + b]: scale * sum of the block's quants
    private int tokens = 1;

    public Activations(int width, int capacity) {
        if (width <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("width and capacity must be positive: " + width + ", " + capacity);
        }
        this.width = width;
        this.capacity = capacity;
        this.values = new float[Math.multiplyExact(width, capacity)];
        boolean quantizable = width % BLOCK == 0;
        int blocks = width / BLOCK;
        this.quants = quantizable ? new short[values.length] : null;
        this.quantsByColumn = quantizable && capacity > 1 ? new short[values.length] : null;
        this.scales = quantizable ? new float[blocks * capacity] : null;
        this.offsets = quantizable ? new short[blocks * capacity] : null;
        this.eighthOffsets = quantizable ? new short[values.length / 8] : null;
        this.floatQuants = quantizable ? new float[values.length] : null;
        this.scaledSums = quantizable ? new float[blocks * capacity] : null;
    }

    /** Wraps an existing array of one token (its length is the width). */
    public static Activations of(float[] vector) {
        return new Activations(vector);
    }

    private Activations(float[] vector) {
        this.width = vector.length;
        this.capacity = 1;
        this.values = vector;
        boolean quantizable = width % BLOCK == 0 && width > 0;
        this.quants = quantizable ? new short[width] : null;
        this.quantsByColumn = null;
        this.scales = quantizable ? new float[width / BLOCK] : null;
        this.offsets = quantizable ? new short[width / BLOCK] : null;
        this.eighthOffsets = quantizable ? new short[width / 8] : null;
        this.floatQuants = quantizable ? new float[width] : null;
        this.scaledSums = quantizable ? new float[width / BLOCK] : null;
    }

    public int width() {
        return width;
    }

    public int capacity() {
        return capacity;
    }

    public int tokens() {
        return tokens;
    }

    /** Sets how many tokens the next products read (at most the capacity). */
    public void setTokens(int count) {
        if (count < 1 || count > capacity) {
            throw new IllegalArgumentException("tokens " + count + " outside 1.." + capacity);
        }
        this.tokens = count;
    }

    /** Token t's floats start at {@code t * width()}. */
    public float[] values() {
        return values;
    }

    public boolean quantizable() {
        return quants != null;
    }

    short[] quants() {
        return quants;
    }

    /**
     * The quants column by column, {@code [k * capacity() + token]}: a multi-token kernel finds
     * the activations of all its tokens for column k side by side, in one cache line, instead of
     * one line per token (7% faster for the packed Q4_0 tiles). Null when the capacity is 1.
     */
    short[] quantsByColumn() {
        return quantsByColumn;
    }

    float[] scales() {
        return scales;
    }

    short[] offsets() {
        return offsets;
    }

    /**
     * {@code 32 * sum} of each run of eight quants, {@code [token * width() / 8 + i]} for quants
     * [8i, 8i + 8): at most 32 * 8 * 127 = 32512, so exact in a short. Q6_K's kernel starts its
     * 16-bit sums of {@code q * x} (q in 0..63) at minus this, which gives {@code sum (q - 32) x}
     * without subtracting 32 from every weight.
     */
    short[] eighthOffsets() {
        return eighthOffsets;
    }

    /**
     * Each block's {@code scale * sum of its quants}, {@code [token * blocks + b]}: the activation
     * factor of the min term of K-quants (Q4_K's {@code dmin m_j} part), as the kernels computed it
     * per block and token ({@code scale * (offset / 8)}, the sum exact in an int), so the same bits.
     */
    float[] scaledSums() {
        return scaledSums;
    }

    /**
     * The quants as floats, for float kernels whose block sums (at most 32 * 127 * 128 < 2^24)
     * are then exact integers: the same sums as the integer kernels', bit for bit.
     */
    float[] floatQuants() {
        return floatQuants;
    }

    /** Quantizes tokens [0, tokens()) to 8 bits per block of 32. */
    public void quantize() {
        quantize(0, tokens);
    }

    /** Quantizes tokens [from, to) with the fastest kernels. Requires a width that is a multiple of 32. */
    public void quantize(int from, int to) {
        quantize(from, to, true);
    }

    /**
     * {@link #quantize(int, int)}, writing the column-by-column copy ({@link #quantsByColumn})
     * only when {@code byColumn}: it costs a pass over the quants, and only some kernels read it
     * ({@link Kernels#readsQuantsByColumn}). Without it, that copy is stale for these tokens.
     */
    public void quantize(int from, int to, boolean byColumn) {
        if (quants == null) {
            throw new IllegalStateException("width " + width + " is not a multiple of " + BLOCK);
        }
        Kernels.get().quantize(this, from, to);
        sumEighths(from, to);
        scaleSums(from, to);
        if (byColumn && quantsByColumn != null) {
            transposeQuants(from, to);
        }
    }

    private void scaleSums(int from, int to) {
        int blocks = width / BLOCK;
        for (int i = from * blocks; i < to * blocks; i++) {
            scaledSums[i] = scales[i] * (offsets[i] / 8); // exact: the offset is 8 * sum and fits in 16 bits
        }
    }

    private void sumEighths(int from, int to) {
        for (int i = from * width / 8; i < to * width / 8; i++) {
            int k = 8 * i;
            int sum = quants[k] + quants[k + 1] + quants[k + 2] + quants[k + 3]
                    + quants[k + 4] + quants[k + 5] + quants[k + 6] + quants[k + 7];
            eighthOffsets[i] = (short) (32 * sum);
        }
    }

    /** Copies the quants of tokens [from, to) into {@link #quantsByColumn}, eight tokens at a time. */
    private void transposeQuants(int from, int to) {
        for (int t0 = from; t0 < to; t0 += 8) {
            int t1 = Math.min(to, t0 + 8);
            for (int k = 0; k < width; k++) {
                int o = k * capacity;
                for (int t = t0; t < t1; t++) {
                    quantsByColumn[o + t] = quants[t * width + k];
                }
            }
        }
    }

    /** The plain reference quantization of tokens [from, to). */
    void quantizeScalar(int from, int to) {
        if (quants == null) {
            throw new IllegalStateException("width " + width + " is not a multiple of " + BLOCK);
        }
        int blocks = width / BLOCK;
        for (int t = from; t < to; t++) {
            for (int b = 0; b < blocks; b++) {
                int base = t * width + b * BLOCK;
                float amax = 0;
                for (int i = 0; i < BLOCK; i++) {
                    amax = Math.max(amax, Math.abs(values[base + i]));
                }
                float d = amax / 127f;
                float id = d != 0 ? 1f / d : 0f;
                int sum = 0;
                for (int i = 0; i < BLOCK; i++) {
                    float v = values[base + i] * id;
                    int q = (int) (v + Math.copySign(0.5f, v)); // roundf: halves away from zero
                    quants[base + i] = (short) q;
                    floatQuants[base + i] = q;
                    sum += q;
                }
                scales[t * blocks + b] = d;
                offsets[t * blocks + b] = (short) (8 * sum);
            }
        }
    }
}
