package dev.cove.core.quantize;

import dev.cove.core.tensor.GgmlType;
import java.util.List;

/**
 * Which type each tensor of a model gets: llama.cpp's {@code llama_tensor_get_type} (file
 * {@code src/llama-quant.cpp}) for the file types of {@link FileType}, decision for decision, so
 * that a Q4_K_M file made by Cove has the same tensor types as one made by {@code llama-quantize}.
 *
 * <p>The recipe is stateful in the same way as llama.cpp's: the attention-value and feed-forward
 * counters advance as tensors are decided, so tensors must be decided once each, in
 * {@link TensorOrder llama.cpp's order}. Not thread-safe.
 */
public final class QuantizationRecipe {

    /** The hyper-parameters the recipe looks at. */
    public record ModelShape(String architecture, int layers, int heads, int kvHeads, int experts) {
        /** Query heads per key/value head ({@code n_gqa}). */
        int gqa() {
            return kvHeads <= 0 ? 1 : Math.max(1, heads / kvHeads);
        }

        /** llama.cpp calls an 80-layer llama with grouped-query attention "70B" and gives it more bits in attn_v. */
        boolean is70B() {
            return architecture.equals("llama") && layers == 80 && heads != kvHeads;
        }

        boolean falcon() {
            return architecture.equals("falcon");
        }
    }

    /** One decision, with the reason when a fallback changed it. */
    public record Decision(GgmlType type, String fallbackNote) {
        public boolean fellBack() {
            return fallbackNote != null;
        }
    }

    private enum Category { TOKEN_EMBD, ATTENTION_Q, ATTENTION_V, ATTENTION_K, ATTENTION_QKV, ATTENTION_KV_B,
        ATTENTION_OUTPUT, FFN_UP, FFN_GATE, FFN_DOWN, OUTPUT, OTHER }

    private final FileType fileType;
    private final boolean pure;
    private final ModelShape model;
    private final GgmlType outputType;
    private final GgmlType tokenEmbeddingType;
    private final boolean tiedEmbeddings;

    private final int nAttentionWv;
    private final int nFfnDown;
    private final int nFfnGate;
    private final int nFfnUp;
    private int iAttentionWv;
    private int iFfnDown;
    private int iFfnGate;
    private int iFfnUp;
    private int fallbacks;

    /**
     * @param tensorNames        every tensor of the model, to count attention-value tensors and see whether the
     *                           output is tied to the token embeddings
     * @param outputType         {@code --output-tensor-type}, or null
     * @param tokenEmbeddingType {@code --token-embedding-type}, or null
     */
    public QuantizationRecipe(FileType fileType, boolean pure, ModelShape model, List<String> tensorNames,
                              GgmlType outputType, GgmlType tokenEmbeddingType) {
        this.fileType = fileType;
        this.pure = pure;
        this.model = model;
        this.outputType = outputType;
        this.tokenEmbeddingType = tokenEmbeddingType;
        int wv = 0;
        boolean tied = true;
        for (String name : tensorNames) {
            Category c = category(name);
            if (isAttentionV(c)) {
                wv++;
            }
            if (c == Category.OUTPUT) {
                tied = false;
            }
        }
        this.nAttentionWv = wv;
        this.tiedEmbeddings = tied;
        this.nFfnDown = model.layers();
        this.nFfnGate = model.layers();
        this.nFfnUp = model.layers();
    }

    /** How many tensors needed a fallback type so far. */
    public int fallbacks() {
        return fallbacks;
    }

    /**
     * llama.cpp's {@code tensor_allows_quantization}: 2-D (or larger) weights except norms, expert
     * gates, positional embeddings and a few small special tensors. Others are copied unchanged.
     */
    public static boolean allowsQuantization(String name, long[] shape) {
        if (significantDims(shape) < 2) {
            return false;
        }
        boolean q = name.endsWith("weight");
        q &= !name.contains("_norm.weight");
        q &= !name.contains("ffn_gate_inp.weight");
        q &= !name.contains("ffn_gate_tid2eid.weight");
        q &= !name.contains("altup");
        q &= !name.contains("laurel");
        q &= !name.contains("per_layer_model_proj");
        q &= !name.equals("position_embd.weight");
        q &= !name.equals("token_types.weight");
        q &= !name.contains("ssm_conv1d");
        q &= !name.contains("shortconv.conv.weight");
        q &= !name.contains("time_mix_");
        q &= !name.contains("attn_rel_b.weight");
        return q;
    }

    /** ggml_n_dims: dimensions up to the last one that is not 1. */
    static int significantDims(long[] shape) {
        int n = shape.length;
        while (n > 1 && shape[n - 1] == 1) {
            n--;
        }
        return n;
    }

    /**
     * The type of one tensor whose current type is {@code current}. Call once per tensor, in
     * llama.cpp's order.
     */
    public Decision decide(String name, long[] shape, GgmlType current) {
        if (!allowsQuantization(name, shape)) {
            return new Decision(current, null);
        }
        Category category = category(name);
        if (tokenEmbeddingType != null && category == Category.TOKEN_EMBD) {
            return new Decision(tokenEmbeddingType, null);
        }
        if (outputType != null && category == Category.OUTPUT) {
            return new Decision(outputType, null);
        }
        GgmlType type = fileType.defaultType();
        if (!type.isQuantized()) {
            return new Decision(type, null);
        }
        if (!pure) {
            type = mixType(type, name, shape, category);
        }
        return fallback(name, shape[0], type);
    }

    /** {@code tensor_type_fallback}: rows that are not whole blocks of the chosen type. */
    private Decision fallback(String name, long columns, GgmlType target) {
        if (columns % target.blockSize() == 0) {
            return new Decision(target, null);
        }
        fallbacks++;
        GgmlType to = switch (target) {
            case Q2_K, Q3_K -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            // llama.cpp has no fallback for the 32-element types and refuses; Cove keeps such rows in F16.
            default -> GgmlType.F16;
        };
        String note;
        if (columns % to.blockSize() != 0) {
            note = name + ": rows of " + columns + " are not a multiple of " + target.blockSize() + " (" + target + ") nor of "
                    + to.blockSize() + " (" + to + "): F16";
            to = GgmlType.F16;
        } else {
            note = name + ": rows of " + columns + " are not a multiple of " + target.blockSize() + " (" + target + "): " + to;
        }
        return new Decision(to, note);
    }

    private static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    private static boolean isAttentionV(Category c) {
        return c == Category.ATTENTION_V || c == Category.ATTENTION_QKV || c == Category.ATTENTION_KV_B;
    }

    private static Category category(String name) {
        if (name.equals("output.weight")) {
            return Category.OUTPUT;
        }
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            return Category.TOKEN_EMBD;
        }
        if (name.contains("attn_qkv.weight")) {
            return Category.ATTENTION_QKV;
        }
        if (name.contains("attn_kv_b.weight")) {
            return Category.ATTENTION_KV_B;
        }
        if (name.contains("attn_v.weight")) {
            return Category.ATTENTION_V;
        }
        if (name.contains("attn_k.weight")) {
            return Category.ATTENTION_K;
        }
        if (name.contains("attn_q.weight")) {
            return Category.ATTENTION_Q;
        }
        if (name.contains("attn_output.weight")) {
            return Category.ATTENTION_OUTPUT;
        }
        if (name.contains("ffn_up")) {
            return Category.FFN_UP;
        }
        if (name.contains("ffn_gate")) {
            return Category.FFN_GATE;
        }
        if (name.contains("ffn_down")) {
            return Category.FFN_DOWN;
        }
        return Category.OTHER;
    }

    /** The layer of a per-expert tensor from its name ({@code blk.N.}); plain models use the counter. */
    private int layerOf(String name, int counter, int layers) {
        if (model.experts() <= 1) {
            return counter;
        }
        if (name.startsWith("blk.")) {
            int end = name.indexOf('.', 4);
            try {
                int layer = Integer.parseInt(name.substring(4, end));
                if (layer >= 0 && layer < layers) {
                    return layer;
                }
            } catch (RuntimeException ignored) {
                // fall through to the error
            }
        }
        throw new QuantizeException("cannot tell the layer of tensor " + name);
    }

    /** {@code llama_tensor_get_type_impl} for the file types Cove makes. */
    private GgmlType mixType(GgmlType type, String name, long[] shape, Category category) {
        FileType ft = fileType;
        int experts = model.experts();
        if (category == Category.OUTPUT || (tiedEmbeddings && category == Category.TOKEN_EMBD)) {
            long nx = shape[0];
            if (model.falcon() || nx % type.blockSize() != 0) {
                return GgmlType.Q8_0;
            }
            return type != GgmlType.Q8_0 ? GgmlType.Q6_K : type;
        }
        if (category == Category.TOKEN_EMBD) {
            return type;
        }
        if (isAttentionV(category)) {
            if (ft == FileType.Q2_K) {
                type = model.gqa() >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
            } else if (ft == FileType.Q3_K_M) {
                type = iAttentionWv < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
            } else if (ft == FileType.Q3_K_L) {
                type = GgmlType.Q5_K;
            } else if ((ft == FileType.Q4_K_M || ft == FileType.Q5_K_M) && useMoreBits(iAttentionWv, nAttentionWv)) {
                type = GgmlType.Q6_K;
            } else if (ft == FileType.Q4_K_S && iAttentionWv < 4) {
                type = GgmlType.Q5_K;
            }
            if (model.is70B() && (type == GgmlType.Q3_K || type == GgmlType.Q4_K)) {
                type = GgmlType.Q5_K;
            }
            if (experts == 8) {
                type = GgmlType.Q8_0;
            }
            iAttentionWv++;
            return type;
        }
        if (category == Category.ATTENTION_K) {
            return experts == 8 ? GgmlType.Q8_0 : type;
        }
        if (category == Category.ATTENTION_Q) {
            return type;
        }
        if (category == Category.FFN_DOWN) {
            int layer = layerOf(name, iFfnDown, nFfnDown);
            int n = nFfnDown;
            if (ft == FileType.Q2_K) {
                type = GgmlType.Q3_K;
            } else if (ft == FileType.Q3_K_M) {
                type = layer < n / 16 ? GgmlType.Q5_K
                        : !model.falcon() || useMoreBits(layer, n) ? GgmlType.Q4_K : GgmlType.Q3_K;
            } else if (ft == FileType.Q3_K_L) {
                type = model.falcon() ? GgmlType.Q4_K : GgmlType.Q5_K;
            } else if (ft == FileType.Q4_K_M) {
                if (model.falcon()) {
                    type = layer < n / 16 ? GgmlType.Q6_K : useMoreBits(layer, n) ? GgmlType.Q5_K : GgmlType.Q4_K;
                } else if (useMoreBits(layer, n)) {
                    type = GgmlType.Q6_K;
                }
            } else if (ft == FileType.Q5_K_M && useMoreBits(layer, n)) {
                type = GgmlType.Q6_K;
            } else if (ft == FileType.Q4_K_S && !model.falcon() && layer < n / 8) {
                type = GgmlType.Q5_K;
            }
            iFfnDown++;
            return type;
        }
        if (category == Category.ATTENTION_OUTPUT) {
            if (!model.falcon()) {
                if (experts == 8) {
                    if (ft == FileType.Q2_K || ft == FileType.Q3_K_S || ft == FileType.Q3_K_M || ft == FileType.Q4_K_S
                            || ft == FileType.Q4_K_M) {
                        type = GgmlType.Q5_K;
                    }
                } else if (ft == FileType.Q2_K) {
                    type = GgmlType.Q3_K;
                } else if (ft == FileType.Q3_K_M) {
                    type = GgmlType.Q4_K;
                } else if (ft == FileType.Q3_K_L) {
                    type = GgmlType.Q5_K;
                }
            } else if (ft == FileType.Q3_K_L) {
                type = GgmlType.Q4_K;
            }
            return type;
        }
        if (category == Category.ATTENTION_QKV) {
            // unreachable: attn_qkv is an attention-value category above, as in llama.cpp
            return type;
        }
        if (category == Category.FFN_GATE) {
            layerOf(name, iFfnGate, nFfnGate);
            iFfnGate++;
            return type;
        }
        if (category == Category.FFN_UP) {
            layerOf(name, iFfnUp, nFfnUp);
            iFfnUp++;
            return type;
        }
        return type;
    }
}
