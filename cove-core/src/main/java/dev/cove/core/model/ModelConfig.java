package dev.cove.core.model;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufMetadata;
import java.util.Set;

/**
 * The hyper-parameters of a llama-family model, read once from GGUF metadata. Keys are
 * prefixed with the architecture name ({@code llama.embedding_length}, ...).
 */
public record ModelConfig(
        String architecture,
        int embeddingLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int headDim,
        int feedForwardLength,
        int contextLength,
        int vocabularySize,
        float rmsNormEpsilon,
        int ropeDimensions,
        float ropeFreqBase,
        float ropeFreqScale) {

    /** Architectures whose GGUF tensors follow llama's layout and this forward pass. */
    public static final Set<String> SUPPORTED = Set.of("llama");

    public static ModelConfig fromGguf(GgufMetadata m, int vocabularySize) {
        String arch = m.getString("general.architecture");
        if (!SUPPORTED.contains(arch)) {
            throw new CoveException("unsupported model architecture '" + arch + "' (Cove runs: " + SUPPORTED + ")");
        }
        String p = arch + ".";
        int dim = m.getInt(p + "embedding_length");
        int heads = m.getInt(p + "attention.head_count");
        int kvHeads = m.getInt(p + "attention.head_count_kv", heads);
        int headDim = m.getInt(p + "attention.key_length", heads > 0 ? dim / heads : 0);
        if (dim <= 0 || heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDim <= 0 || headDim % 2 != 0) {
            throw new CoveException("invalid attention shape: embedding " + dim + ", " + heads + " heads, "
                    + kvHeads + " key/value heads, head size " + headDim);
        }
        int ropeDims = m.getInt(p + "rope.dimension_count", headDim);
        if (ropeDims <= 0 || ropeDims > headDim || ropeDims % 2 != 0) {
            throw new CoveException("invalid rope.dimension_count " + ropeDims + " for head size " + headDim);
        }
        float freqScale = 1f;
        String scaling = m.getString(p + "rope.scaling.type", "none");
        if (scaling.equals("linear")) {
            float factor = m.getFloat(p + "rope.scaling.factor", 1f);
            freqScale = factor > 0 ? 1f / factor : 1f;
        } else if (!scaling.equals("none")) {
            // Llama 3.1's "llama3" scaling is carried by the rope_freqs tensor, handled by the weights.
            if (!scaling.equals("llama3")) {
                throw new CoveException("unsupported rope scaling type '" + scaling + "'");
            }
        }
        return new ModelConfig(arch, dim, positive(m, p + "block_count"), heads, kvHeads, headDim,
                positive(m, p + "feed_forward_length"), positive(m, p + "context_length"), vocabularySize,
                m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f), ropeDims,
                m.getFloat(p + "rope.freq_base", 10000f), freqScale);
    }

    private static int positive(GgufMetadata m, String key) {
        int v = m.getInt(key);
        if (v <= 0) {
            throw new CoveException("metadata " + key + " must be positive, not " + v);
        }
        return v;
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
}
