package dev.cove.core.model;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.WeightMatrix;
import dev.cove.core.kernel.WorkerPool;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodecs;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The named tensors of a GGUF file, bound to the config's shapes as its family lays them out.
 * Matrices stay in the mapped file (no copy); only the small 1-D vectors are read into float
 * arrays.
 *
 * @param ropeFactors     divisors of the RoPE frequencies: Llama 3.1's {@code rope_freqs}, or
 *                        Phi-3's short LongRoPE factors; null when the file has none
 * @param ropeFactorsLong Phi-3's long LongRoPE factors, for sessions longer than the original context; or null
 */
public record ModelWeights(
        WeightMatrix tokenEmbedding,
        LayerWeights[] layers,
        float[] outputNorm,
        WeightMatrix output,
        float[] ropeFactors,
        float[] ropeFactorsLong) {

    public static ModelWeights fromGguf(GgufFile file, ModelConfig c) {
        Binder b = new Binder(file, c.architecture());
        LayerWeights[] layers = new LayerWeights[c.blockCount()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = layer(b, c, "blk." + i + ".");
        }
        int dim = c.embeddingLength();
        WeightMatrix embedding = b.matrix("token_embd.weight", c.vocabularySize(), dim);
        // Without output.weight the output head is tied to the token embeddings.
        WeightMatrix output = file.hasTensor("output.weight") ? b.matrix("output.weight", c.vocabularySize(), dim) : embedding;
        int pairs = c.rope().dimensions() / 2;
        float[] factors = null;
        float[] longFactors = null;
        switch (c.family().ropeScaling()) {
            case FREQUENCY_FACTORS -> factors = b.optionalVector("rope_freqs.weight", pairs);
            case LONG_ROPE -> {
                factors = b.optionalVector("rope_factors_short.weight", pairs);
                longFactors = b.optionalVector("rope_factors_long.weight", pairs);
            }
            case NONE -> { }
        }
        return new ModelWeights(embedding, layers, b.vector("output_norm.weight", dim), output, factors, longFactors);
    }

    /** One block's tensors, as the family names and shapes them. */
    private static LayerWeights layer(Binder b, ModelConfig c, String p) {
        Architecture f = c.family();
        int dim = c.embeddingLength();
        int qDim = c.queryDim();
        int kvDim = c.kvDim();
        int ffn = c.feedForwardLength();
        WeightMatrix wq, wk, wv;
        if (f.fusedQkv()) {
            WeightMatrix qkv = b.matrix(p + "attn_qkv.weight", qDim + 2 * kvDim, dim);
            wq = qkv.rows(p + "attn_qkv.weight[q]", 0, qDim);
            wk = qkv.rows(p + "attn_qkv.weight[k]", qDim, kvDim);
            wv = qkv.rows(p + "attn_qkv.weight[v]", qDim + kvDim, kvDim);
        } else {
            wq = b.matrix(p + "attn_q.weight", qDim, dim);
            wk = b.matrix(p + "attn_k.weight", kvDim, dim);
            wv = b.matrix(p + "attn_v.weight", kvDim, dim);
        }
        WeightMatrix gate, up;
        if (f.fusedGateUp()) {
            WeightMatrix gateUp = b.matrix(p + "ffn_up.weight", 2 * ffn, dim);
            gate = gateUp.rows(p + "ffn_up.weight[gate]", 0, ffn);
            up = gateUp.rows(p + "ffn_up.weight[up]", ffn, ffn);
        } else {
            gate = b.matrix(p + "ffn_gate.weight", ffn, dim);
            up = b.matrix(p + "ffn_up.weight", ffn, dim);
        }
        boolean biases = f.attentionBiases();
        boolean qkNorms = f.queryKeyNorms();
        boolean sandwich = f.sandwichNorms();
        return new LayerWeights(
                b.vector(p + "attn_norm.weight", dim),
                wq, wk, wv,
                biases ? b.vector(p + "attn_q.bias", qDim) : null,
                biases ? b.vector(p + "attn_k.bias", kvDim) : null,
                biases ? b.vector(p + "attn_v.bias", kvDim) : null,
                qkNorms ? b.vector(p + "attn_q_norm.weight", c.headDim()) : null,
                qkNorms ? b.vector(p + "attn_k_norm.weight", c.headDim()) : null,
                b.matrix(p + "attn_output.weight", dim, qDim),
                sandwich ? b.vector(p + "post_attention_norm.weight", dim) : null,
                b.vector(p + "ffn_norm.weight", dim),
                gate, up,
                b.matrix(p + "ffn_down.weight", dim, ffn),
                sandwich ? b.vector(p + "post_ffw_norm.weight", dim) : null);
    }

    /**
     * These weights in the layouts {@code kernels} reads fastest. Repacked copies (Q4_0 on
     * AVX-512) are filled in parallel on {@code pool}; afterwards the file pages they were copied
     * from are dropped from this process's resident memory (the mapping stays valid and would
     * fault them back in from the page cache), so peak memory stays near the model's size.
     * Without anything to repack this returns {@code this} and reads nothing.
     */
    public ModelWeights prepared(Kernels kernels, WorkerPool pool) {
        Arena arena = Arena.ofAuto();
        Map<WeightMatrix, WeightMatrix> done = new IdentityHashMap<>();
        UnaryOperator<WeightMatrix> prep = w -> done.computeIfAbsent(w, m -> kernels.prepare(m, arena));
        LayerWeights[] prepared = new LayerWeights[layers.length];
        for (int i = 0; i < layers.length; i++) {
            prepared[i] = layers[i].withMatrices(prep);
        }
        WeightMatrix out = prep.apply(output);
        List<WeightMatrix> toPack = new ArrayList<>();
        for (WeightMatrix w : done.values()) {
            if (kernels.packGroups(w) > 0) {
                toPack.add(w);
            }
        }
        if (toPack.isEmpty()) {
            return this;
        }
        for (WeightMatrix w : toPack) {
            // One matrix at a time, its file pages dropped right after: peak memory is the
            // packed copy plus one matrix, not twice the model.
            int groups = kernels.packGroups(w);
            pool.runOnAll((thread, threads) -> {
                int from = (int) ((long) groups * thread / threads);
                int to = (int) ((long) groups * (thread + 1) / threads);
                if (from < to) {
                    kernels.pack(w, from, to);
                }
            });
            if (w.data().isMapped()) {
                w.fileSlice().unload();
            }
        }
        return new ModelWeights(tokenEmbedding, prepared, outputNorm, out, ropeFactors, ropeFactorsLong);
    }

    /** The tensor types of the matrices (a file may mix several, like llama.cpp's Q4_K_M). */
    public Set<GgmlType> matrixTypes() {
        Set<GgmlType> types = EnumSet.of(output.type());
        for (LayerWeights l : layers) {
            for (WeightMatrix w : l.matrices()) {
                types.add(w.type());
            }
        }
        return types;
    }

    /** Bytes of weights one token's forward pass reads: every layer matrix and the output head. */
    public long bytesPerToken() {
        long sum = output.byteSize();
        for (LayerWeights l : layers) {
            for (WeightMatrix w : l.matrices()) {
                sum += w.byteSize();
            }
        }
        return sum;
    }

    /** Looks tensors up by name and checks their shapes against the config. */
    private record Binder(GgufFile file, String architecture) {
        WeightMatrix matrix(String name, int rows, int cols) {
            GgufTensorInfo t = tensor(name);
            if (t.dimensions() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
                throw new CoveException(file.path().getFileName() + ": tensor " + name + " has shape "
                        + Arrays.toString(t.shape()) + ", expected [" + cols + ", " + rows + "]");
            }
            return new WeightMatrix(name, t.type(), file.segment(), t.fileOffset(), rows, cols);
        }

        float[] vector(String name, int length) {
            GgufTensorInfo t = tensor(name);
            if (t.elementCount() != length) {
                throw new CoveException(file.path().getFileName() + ": tensor " + name + " has "
                        + t.elementCount() + " elements, expected " + length);
            }
            float[] v = new float[length];
            TypeCodecs.of(t.type()).dequantize(file.segment(), t.fileOffset(), v, 0, length);
            return v;
        }

        float[] optionalVector(String name, int length) {
            return file.hasTensor(name) ? vector(name, length) : null;
        }

        private GgufTensorInfo tensor(String name) {
            if (!file.hasTensor(name)) {
                throw new CoveException(file.path().getFileName() + ": " + architecture + " model without " + name);
            }
            return file.tensor(name);
        }
    }
}
