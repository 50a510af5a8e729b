package dev.cove.core.convert;

import dev.cove.core.convert.Llama2cCheckpoint.Weight;
import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.gguf.GgufWriter;
import dev.cove.core.gguf.GgufWriter.TensorPayload;
import dev.cove.core.tensor.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Converts a legacy llama2.c checkpoint and its tokenizer into a float32 GGUF file of the
 * {@code llama} architecture, as llama.cpp's {@code convert-llama2c-to-ggml} does: the same
 * metadata keys and values, tensor names, shapes, order and bytes (see {@link #convert} for the
 * deliberate differences). Weights are copied unchanged from the memory-mapped checkpoint to the
 * output: llama2.c's RoPE rotates adjacent pairs, which is GGUF's llama layout, so q and k need no
 * row permutation. The output is written to a temporary file and renamed into place when
 * complete, so a failed conversion leaves no output behind.
 */
public final class Llama2cConverter {

    /** Largest slice handed to a channel in one write (a ByteBuffer holds at most 2 GiB). */
    private static final long CHUNK_BYTES = 1L << 30;
    private static final float RMS_NORM_EPSILON = 1e-5f;

    /**
     * Choices the checkpoint does not determine.
     *
     * @param name          {@code general.name}; null for the checkpoint's file name without extension
     * @param contextLength {@code llama.context_length}; 0 for the checkpoint's {@code max_seq_len}
     */
    public record Options(String name, int contextLength) {
        public Options {
            if (contextLength < 0) {
                throw new IllegalArgumentException("context length must be positive, not " + contextLength);
            }
        }

        public static Options defaults() {
            return new Options(null, 0);
        }

        public Options withName(String n) {
            return new Options(n, contextLength);
        }

        public Options withContextLength(int n) {
            return new Options(name, n);
        }
    }

    /** What a conversion wrote. */
    public record Result(Path output, Llama2cConfig config, int tensorCount, long fileSize, int contextLength) {
    }

    private Llama2cConverter() {
    }

    public static Result convert(Path checkpoint, Path tokenizer, Path output) {
        return convert(checkpoint, tokenizer, output, Options.defaults());
    }

    /**
     * Converts {@code checkpoint} and {@code tokenizer} into {@code output}, replacing it if it
     * exists. Both inputs are validated completely before anything is written.
     *
     * <p>Differences from llama.cpp's converter, by default: {@code llama.context_length} is the
     * checkpoint's {@code max_seq_len} (llama.cpp writes its own default of 128 whatever the
     * model); {@code general.name} is the checkpoint's file name (llama.cpp writes "llama");
     * {@code llama.rope.dimension_count} is the head size (llama.cpp caps it at 64, which would
     * be wrong for heads of 128); and {@code tokenizer.ggml.seperator_token_id} and
     * {@code padding_token_id} are left out rather than set to 0xFFFFFFFF, which llama.cpp itself
     * rejects with a "bad special token" warning and treats as absent. Options reproduce the
     * first two.
     *
     * @throws ConvertException when an input is missing, damaged or does not match the other, or
     *                          the output cannot be written
     */
    public static Result convert(Path checkpoint, Path tokenizer, Path output, Options options) {
        checkOutputPath(output);
        rejectOverwritingInput(output, checkpoint, "checkpoint");
        rejectOverwritingInput(output, tokenizer, "tokenizer");
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(checkpoint)) {
            Llama2cConfig c = ckpt.config();
            Llama2cTokenizer vocab = Llama2cTokenizer.read(tokenizer, c.vocabSize());
            int contextLength = options.contextLength() > 0 ? options.contextLength() : c.seqLen();
            String name = options.name() != null ? options.name() : stem(checkpoint);

            GgufWriter w = new GgufWriter();
            // Keys in the order llama.cpp's converter writes them.
            w.putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(vocab.tokens()));
            w.putArray("tokenizer.ggml.scores", GgufArray.ofFloats(vocab.scores()));
            w.putArray("tokenizer.ggml.token_type", GgufArray.ofInt32s(vocab.types()));
            w.putString("tokenizer.ggml.model", "llama");
            w.putString("general.architecture", "llama");
            w.putString("general.name", name);
            w.putUInt32("tokenizer.ggml.unknown_token_id", Llama2cTokenizer.UNKNOWN_ID);
            w.putUInt32("tokenizer.ggml.bos_token_id", Llama2cTokenizer.BOS_ID);
            w.putUInt32("tokenizer.ggml.eos_token_id", Llama2cTokenizer.EOS_ID);
            w.putUInt32("llama.context_length", contextLength);
            w.putUInt32("llama.embedding_length", c.dim());
            w.putUInt32("llama.feed_forward_length", c.hiddenDim());
            w.putUInt32("llama.attention.head_count", c.heads());
            w.putUInt32("llama.attention.head_count_kv", c.kvHeads());
            w.putUInt32("llama.block_count", c.layers());
            w.putUInt32("llama.rope.dimension_count", c.headSize());
            w.putFloat32("llama.attention.layer_norm_rms_epsilon", RMS_NORM_EPSILON);

            // Shapes in GGML order: row length first. llama2.c stores (out, in) row-major matrices.
            long dim = c.dim();
            long kvDim = c.kvDim();
            long hidden = c.hiddenDim();
            int tensors = 0;
            tensors += add(w, "token_embd.weight", new long[] {dim, c.vocabSize()}, ckpt.weight(Weight.TOKEN_EMBEDDING));
            tensors += add(w, "output_norm.weight", new long[] {dim}, ckpt.weight(Weight.RMS_FINAL));
            // A shared classifier is written out as a copy, as llama.cpp does, so every loader finds output.weight.
            tensors += add(w, "output.weight", new long[] {dim, c.vocabSize()}, ckpt.weight(Weight.WCLS));
            for (int l = 0; l < c.layers(); l++) {
                String p = "blk." + l + ".";
                tensors += add(w, p + "attn_q.weight", new long[] {dim, dim}, ckpt.weight(Weight.WQ, l));
                tensors += add(w, p + "attn_k.weight", new long[] {dim, kvDim}, ckpt.weight(Weight.WK, l));
                tensors += add(w, p + "attn_v.weight", new long[] {dim, kvDim}, ckpt.weight(Weight.WV, l));
                tensors += add(w, p + "attn_output.weight", new long[] {dim, dim}, ckpt.weight(Weight.WO, l));
                tensors += add(w, p + "attn_norm.weight", new long[] {dim}, ckpt.weight(Weight.RMS_ATT, l));
                tensors += add(w, p + "ffn_gate.weight", new long[] {dim, hidden}, ckpt.weight(Weight.W1, l));
                tensors += add(w, p + "ffn_down.weight", new long[] {hidden, dim}, ckpt.weight(Weight.W2, l));
                tensors += add(w, p + "ffn_up.weight", new long[] {dim, hidden}, ckpt.weight(Weight.W3, l));
                tensors += add(w, p + "ffn_norm.weight", new long[] {dim}, ckpt.weight(Weight.RMS_FFN, l));
            }

            try {
                w.write(output);
                return new Result(output, c, tensors, Files.size(output), contextLength);
            } catch (UncheckedIOException | IOException e) {
                throw new ConvertException(e.getMessage(), e);
            }
        }
    }

    private static int add(GgufWriter w, String name, long[] shape, MemorySegment bytes) {
        w.addTensor(name, GgmlType.F32, shape, chunked(bytes));
        return 1;
    }

    /** Writes a mapped slice of any size, in pieces a ByteBuffer can hold. */
    private static TensorPayload chunked(MemorySegment bytes) {
        return out -> {
            for (long at = 0; at < bytes.byteSize(); at += CHUNK_BYTES) {
                ByteBuffer buffer = bytes.asSlice(at, Math.min(CHUNK_BYTES, bytes.byteSize() - at)).asByteBuffer();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        };
    }

    private static void checkOutputPath(Path output) {
        if (Files.isDirectory(output)) {
            throw new ConvertException(output + ": is a folder; give the name of the GGUF file to write");
        }
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new ConvertException(output + ": the folder " + dir + " does not exist");
        }
    }

    private static void rejectOverwritingInput(Path output, Path input, String what) {
        try {
            if (Files.exists(output) && Files.exists(input) && Files.isSameFile(output, input)) {
                throw new ConvertException(output + ": the output would overwrite the " + what + "; choose another file");
            }
        } catch (IOException e) {
            throw new ConvertException(output + ": cannot check the output path: " + e.getMessage(), e);
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
