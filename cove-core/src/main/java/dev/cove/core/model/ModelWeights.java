package dev.cove.core.model;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.kernel.WeightMatrix;
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
