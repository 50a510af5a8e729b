package dev.cove.core.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small llama2.c checkpoints and tokenizers, with weights that say where they came from. */
final class Llama2cFiles {
    private Llama2cFiles() {
    }

    /** A header; {@code vocab} negative means the checkpoint has its own classifier. */
    record Header(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen) {
        int[] values() {
            return new int[] {dim, hidden, layers, heads, kvHeads, vocab, seqLen};
        }

        int headSize() {
            return dim / heads;
        }

        int kvDim() {
            return kvHeads * headSize();
        }

        /** Float count of the weights, in file order, per llama2.c's run.c. */
        long floats() {
            long d = dim;
            long v = Math.abs((long) vocab);
            return v * d + layers * (d + 2 * d * d + 2 * d * kvDim() + d + 3 * d * hidden) + d
                    + (long) seqLen * headSize() + (vocab < 0 ? v * d : 0);
        }
    }

    /** Dim 8, FFN 12, 2 layers, 4 heads, 2 key/value heads, 7 tokens, own classifier, max_seq_len 6. */
    static final Header TINY = new Header(8, 12, 2, 4, 2, -7, 6);

    /** Token texts of a 7-token tokenizer, as llama2.c stores them. */
    static final List<String> TINY_TOKENS = List.of("<unk>", "\n<s>\n", "\n</s>\n", "<0x41>", " hello", "", "wor ld");

    /** Writes the checkpoint whose float number i (in file order) has the value i. */
    static Path checkpoint(Path file, Header h) throws IOException {
        long n = h.floats();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(28 + 4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : h.values()) {
            b.putInt(v);
        }
        for (int i = 0; i < n; i++) {
            b.putFloat(i);
        }
        return Files.write(file, b.array());
    }

    static Path header(Path file, int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length + 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return Files.write(file, b.array());
    }

    static Path tokenizer(Path file, List<String> tokens) throws IOException {
        return Files.write(file, tokenizerBytes(tokens));
    }

    /** Scores are -id, except token 3's, which is -0.0 (its sign must survive). */
    static byte[] tokenizerBytes(List<String> tokens) {
        int max = tokens.stream().mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length).max().orElse(1);
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(max);
        for (int i = 0; i < tokens.size(); i++) {
            byte[] text = tokens.get(i).getBytes(StandardCharsets.UTF_8);
            b.putFloat(i == 3 ? -0.0f : -i).putInt(text.length).put(text);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
