package dev.cove.core.model;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufValueType;
import java.util.Arrays;

/**
 * The hyper-parameters of a model, read once from GGUF metadata: its family's
 * {@link Architecture} and the numbers its forward pass needs. Keys are prefixed with the
 * architecture name ({@code qwen2.embedding_length}, ...), and defaults are llama.cpp's.
 *
 * @param headDim          size of each query and key head ({@code attention.key_length}, else dim / heads)
 * @param attentionScale   what Q·K is multiplied by before the softmax
 * @param attentionSoftCap c of {@code c * tanh(score / c)} on attention scores; 0 for none
 * @param finalSoftCap     the same on the output logits; 0 for none
 * @param windows          the layers that attend over a sliding window, and its size
 */
public record ModelConfig(
        Architecture family,
        int embeddingLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int headDim,
        int feedForwardLength,
        int contextLength,
        int vocabularySize,
        float rmsNormEpsilon,
        RopeConfig rope,
        float attentionScale,
        float attentionSoftCap,
        float finalSoftCap,
        SlidingWindows windows) {

    public static ModelConfig fromGguf(GgufMetadata m, int vocabularySize) {
        Architecture family = Architecture.of(m.getString("general.architecture"));
        String p = family.name() + ".";
        int dim = positive(m, p + "embedding_length");
        int blocks = positive(m, p + "block_count");
        int heads = positive(m, p + "attention.head_count");
        int kvHeads = m.getInt(p + "attention.head_count_kv", heads);
        int headDim = m.getInt(p + "attention.key_length", dim / heads);
        int valueDim = m.getInt(p + "attention.value_length", headDim);
        if (kvHeads <= 0 || heads % kvHeads != 0 || headDim <= 0 || headDim % 2 != 0) {
            throw new CoveException("invalid attention shape: embedding " + dim + ", " + heads + " heads, "
                    + kvHeads + " key/value heads, head size " + headDim);
        }
        if (valueDim != headDim) {
            throw new CoveException(p + "attention.value_length " + valueDim + " differs from key_length " + headDim
                    + ": Cove runs models whose value heads are as wide as their key heads");
        }
        return new ModelConfig(family, dim, blocks, heads, kvHeads, headDim, positive(m, p + "feed_forward_length"),
                positive(m, p + "context_length"), vocabularySize,
                m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                RopeConfig.fromGguf(m, family, headDim),
                (float) (1.0 / Math.sqrt(attentionScaleDenominator(family, dim, heads, blocks, headDim))),
                family.softCapping() ? m.getFloat(p + "attn_logit_softcapping", 50f) : 0f,
                // Gemma 2 always caps (llama.cpp's default 30); another family when its file asks for it.
                m.getFloat(p + "final_logit_softcapping", family.softCapping() ? 30f : 0f),
                SlidingWindows.fromGguf(m, family, blocks));
    }

    /**
     * Attention divides Q·K by the square root of the head size, except in Gemma 2 27B (46
     * layers) and Gemma 3 27B (62 layers), trained with {@code query_pre_attn_scalar} = dim /
     * heads instead; llama.cpp recognises them by their layer count, and so does Cove.
     */
    private static int attentionScaleDenominator(Architecture family, int dim, int heads, int blocks, int headDim) {
        boolean gemma27b = family.name().equals("gemma2") && blocks == 46
                || family.name().equals("gemma3") && blocks == 62;
        return gemma27b ? dim / heads : headDim;
    }

    private static int positive(GgufMetadata m, String key) {
        int v = m.getInt(key);
        if (v <= 0) {
            throw new CoveException("metadata " + key + " must be positive, not " + v);
        }
        return v;
    }

    /** {@code general.architecture}: the family's name. */
    public String architecture() {
        return family.name();
    }

    /** Width of the query projection: heads × head size. */
    public int queryDim() {
        return headCount * headDim;
    }

    /** Width of the key and value projections: key/value heads × head size. */
    public int kvDim() {
        return headCountKv * headDim;
    }

    /** How many query heads share one key/value head (grouped-query attention). */
    public int groupSize() {
        return headCount / headCountKv;
    }

    /**
     * Which layers attend over the last {@code size} positions only (themselves included), as
     * llama.cpp's standard sliding-window mask: a query at position p sees keys at p - size + 1 .. p.
     */
    public record SlidingWindows(int size, boolean[] local) {

        static final SlidingWindows NONE = new SlidingWindows(0, new boolean[0]);

        static SlidingWindows fromGguf(GgufMetadata m, Architecture family, int blocks) {
            String p = family.name() + ".";
            String sizeKey = p + "attention.sliding_window";
            if (family.windows() == Architecture.WindowRule.NONE || m.getInt(sizeKey, 0) == 0) {
                return NONE;
            }
            int size = m.getInt(sizeKey);
            if (size < 0) {
                throw new CoveException("metadata " + sizeKey + " must be positive, not " + size);
            }
            boolean[] local = switch (family.windows()) {
                case ALTERNATING -> everyNth(2, blocks);
                case PATTERN -> pattern(m, p + "attention.sliding_window_pattern", blocks);
                case NONE -> throw new AssertionError();
            };
            return new SlidingWindows(size, local);
        }

        /** llama.cpp's {@code set_swa_pattern(n)}: of every n layers the first n - 1 are local; 0 makes all local. */
        private static boolean[] everyNth(int n, int blocks) {
            boolean[] local = new boolean[blocks];
            for (int i = 0; i < blocks; i++) {
                local[i] = n == 0 || i % n < n - 1;
            }
            return local;
        }

        /** The pattern key: a period (llama.cpp's default 6 when absent) or one boolean per layer. */
        private static boolean[] pattern(GgufMetadata m, String key, int blocks) {
            GgufValue v = m.getValue(key);
            if (v == null) {
                return everyNth(6, blocks);
            }
            if (v.type() == GgufValueType.ARRAY && v.value() instanceof GgufValue.GgufArray a
                    && a.elementType() == GgufValueType.BOOL && a.values() instanceof byte[] flags) {
                if (flags.length != blocks) {
                    throw new CoveException("metadata " + key + " has " + flags.length + " entries for " + blocks
                            + " layers");
                }
                boolean[] local = new boolean[blocks];
                for (int i = 0; i < blocks; i++) {
                    local[i] = flags[i] != 0;
                }
                return local;
            }
            if (v.type() != GgufValueType.ARRAY && v.value() instanceof Number n) {
                long period = n.longValue();
                if (period < 0 || period > blocks + 1L) {
                    throw new CoveException("metadata " + key + " = " + period + " is not a layer period for "
                            + blocks + " layers");
                }
                return everyNth((int) period, blocks);
            }
            throw new CoveException("metadata " + key + " must be a layer period or one boolean per layer, not " + v);
        }

        /** Whether layer {@code layer} attends over the window only. */
        public boolean isLocal(int layer) {
            return layer < local.length && local[layer];
        }

        /** Layers that attend over the window. */
        public int localCount() {
            int n = 0;
            for (boolean l : local) {
                n += l ? 1 : 0;
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlidingWindows w && w.size == size && Arrays.equals(w.local, local);
        }

        @Override
        public int hashCode() {
            return 31 * size + Arrays.hashCode(local);
        }

        @Override
        public String toString() {
            return size == 0 ? "none" : localCount() + " of " + local.length + " layers, window " + size;
        }
    }
}
