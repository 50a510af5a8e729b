package dev.cove.core.model;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.WeightMatrix;
import dev.cove.core.kernel.WorkerPool;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import dev.cove.core.tensor.TypeCodecs;

/**
 * Named tensors of a llama-family GGUF file, bound to the config's shapes. Matrices stay in the
 * mapped file (no copy); only the small 1-D vectors are read into float arrays.
 */
public record ModelWeights(
        WeightMatrix tokenEmbedding,
        LayerWeights[] layers,
        float[] outputNorm,
        WeightMatrix output,
        float[] ropeFrequencyFactors) {

    public static ModelWeights fromGguf(GgufFile file, ModelConfig c) {
        Binder b = new Binder(file);
        LayerWeights[] layers = new LayerWeights[c.blockCount()];
        for (int i = 0; i < layers.length; i++) {
            String p = "blk." + i + ".";
            layers[i] = new LayerWeights(
                    b.vector(p + "attn_norm.weight", c.embeddingLength()),
                    b.matrix(p + "attn_q.weight", c.queryDim(), c.embeddingLength()),
                    b.matrix(p + "attn_k.weight", c.kvDim(), c.embeddingLength()),
                    b.matrix(p + "attn_v.weight", c.kvDim(), c.embeddingLength()),
                    b.matrix(p + "attn_output.weight", c.embeddingLength(), c.queryDim()),
                    b.vector(p + "ffn_norm.weight", c.embeddingLength()),
                    b.matrix(p + "ffn_gate.weight", c.feedForwardLength(), c.embeddingLength()),
                    b.matrix(p + "ffn_up.weight", c.feedForwardLength(), c.embeddingLength()),
                    b.matrix(p + "ffn_down.weight", c.embeddingLength(), c.feedForwardLength()));
        }
        WeightMatrix embedding = b.matrix("token_embd.weight", c.vocabularySize(), c.embeddingLength());
        // Without output.weight the output head is tied to the token embeddings.
        WeightMatrix output = file.hasTensor("output.weight")
                ? b.matrix("output.weight", c.vocabularySize(), c.embeddingLength())
                : embedding;
        float[] ropeFactors = file.hasTensor("rope_freqs.weight")
                ? b.vector("rope_freqs.weight", c.ropeDimensions() / 2)
                : null;
        return new ModelWeights(embedding, layers, b.vector("output_norm.weight", c.embeddingLength()), output, ropeFactors);
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
        java.util.function.UnaryOperator<WeightMatrix> prep = w -> done.computeIfAbsent(w, m -> kernels.prepare(m, arena));
        LayerWeights[] prepared = new LayerWeights[layers.length];
        for (int i = 0; i < layers.length; i++) {
            LayerWeights l = layers[i];
            prepared[i] = new LayerWeights(l.attentionNorm(), prep.apply(l.wq()), prep.apply(l.wk()), prep.apply(l.wv()),
                    prep.apply(l.wo()), l.ffnNorm(), prep.apply(l.gate()), prep.apply(l.up()), prep.apply(l.down()));
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
        return new ModelWeights(tokenEmbedding, prepared, outputNorm, out, ropeFrequencyFactors);
    }

    /** The tensor types of the matrices (a file may mix several, like llama.cpp's Q4_K_M). */
    public java.util.Set<dev.cove.core.tensor.GgmlType> matrixTypes() {
        java.util.Set<dev.cove.core.tensor.GgmlType> types = java.util.EnumSet.of(output.type());
        for (LayerWeights l : layers) {
            for (WeightMatrix w : new WeightMatrix[] {l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down()}) {
                types.add(w.type());
            }
        }
        return types;
    }

    /** Bytes of weights one token's forward pass reads: every layer matrix and the output head. */
    public long bytesPerToken() {
        long sum = output.byteSize();
        for (LayerWeights l : layers) {
            sum += l.wq().byteSize() + l.wk().byteSize() + l.wv().byteSize() + l.wo().byteSize()
                    + l.gate().byteSize() + l.up().byteSize() + l.down().byteSize();
        }
        return sum;
    }

    /** Looks tensors up by name and checks their shapes against the config. */
    private record Binder(GgufFile file) {
        WeightMatrix matrix(String name, int rows, int cols) {
            GgufTensorInfo t = file.tensor(name);
            if (t.dimensions() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
                throw new CoveException(file.path().getFileName() + ": tensor " + name + " has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected [" + cols + ", " + rows + "]");
            }
            return new WeightMatrix(name, t.type(), file.segment(), t.fileOffset(), rows, cols);
        }

        float[] vector(String name, int length) {
            GgufTensorInfo t = file.tensor(name);
            if (t.elementCount() != length) {
                throw new CoveException(file.path().getFileName() + ": tensor " + name + " has "
                        + t.elementCount() + " elements, expected " + length);
            }
            float[] v = new float[length];
            TypeCodecs.of(t.type()).dequantize(file.segment(), t.fileOffset(), v, 0, length);
            return v;
        }
    }
}
