package dev.cove.core.convert;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;

/**
 * A legacy llama2.c checkpoint ({@code export.py --version 0}, the format of llama2.c's
 * {@code run.c}), memory-mapped read-only. The file is a header of seven little-endian int32
 * values ({@code dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, max_seq_len}) and
 * then float32 weights in the order of {@link Weight}. Opening validates the header and checks
 * that the file size is exactly what the header describes, before anything is allocated, so a
 * truncated or foreign file is rejected with a message. Closing unmaps the file; slices handed
 * out become invalid then. Reading is thread-safe.
 */
public final class Llama2cCheckpoint implements AutoCloseable {
    /** Size of the header: seven int32 values. */
    public static final int HEADER_BYTES = 7 * 4;
    /** The magic number ("ak42") that starts llama2.c's newer export formats (version 1 and 2). */
    static final int NEW_FORMAT_MAGIC = 0x616b3432;

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The weight arrays of the file, in file order. Per-layer arrays hold all layers back to back. */
    public enum Weight {
        TOKEN_EMBEDDING(false),
        RMS_ATT(true),
        WQ(true),
        WK(true),
        WV(true),
        WO(true),
        RMS_FFN(true),
        W1(true),
        W2(true),
        W3(true),
        RMS_FINAL(false),
        /** RoPE tables freq_cis_real and freq_cis_imag, {@code max_seq_len * head_size / 2} floats each; not converted. */
        FREQ_CIS(false),
        /** Present only when the classifier is not shared with the token embedding table. */
        WCLS(false);

        private final boolean perLayer;

        Weight(boolean perLayer) {
            this.perLayer = perLayer;
        }

        public boolean perLayer() {
            return perLayer;
        }

        /** Float32 elements of this weight for one layer (or in all, for a global weight). */
        long elements(Llama2cConfig c) {
            long d = c.dim();
            return switch (this) {
                case TOKEN_EMBEDDING -> (long) c.vocabSize() * d;
                case RMS_ATT, RMS_FFN, RMS_FINAL -> d;
                case WQ, WO -> Math.multiplyExact(d, d);
                case WK, WV -> Math.multiplyExact(d, (long) c.kvDim());
                case W1, W2, W3 -> Math.multiplyExact(d, (long) c.hiddenDim());
                case FREQ_CIS -> Math.multiplyExact((long) c.seqLen(), (long) c.headSize());
                case WCLS -> c.sharedClassifier() ? 0 : (long) c.vocabSize() * d;
            };
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Llama2cConfig config;
    private final Map<Weight, Long> offsets = new EnumMap<>(Weight.class);

    private Llama2cCheckpoint(Path path, Arena arena, MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.config = readHeader(data, name(path));
        long offset = HEADER_BYTES;
        try {
            for (Weight w : Weight.values()) {
                offsets.put(w, offset);
                long elements = w.elements(config);
                if (w.perLayer()) {
                    elements = Math.multiplyExact(elements, (long) config.layers());
                }
                offset = Math.addExact(offset, Math.multiplyExact(elements, 4L));
            }
        } catch (ArithmeticException e) {
            throw new ConvertException(name(path) + ": the header describes an absurd model (" + describe(config)
                    + "): its size overflows a 64-bit byte count; the file is not a llama2.c checkpoint or is damaged");
        }
        long size = data.byteSize();
        if (size < offset) {
            throw new ConvertException(name(path) + ": the header (" + describe(config) + ") describes "
                    + offset + " bytes but the file has " + size + " bytes: the checkpoint is truncated,"
                    + " or the header is damaged");
        }
        if (size > offset) {
            throw new ConvertException(name(path) + ": the file has " + size + " bytes, " + (size - offset)
                    + " more than the header (" + describe(config) + ") describes (" + offset + "): it is not a"
                    + " legacy llama2.c checkpoint, or the header is damaged");
        }
    }

    /** Maps and validates the checkpoint. Throws {@link ConvertException} for a missing, damaged or foreign file. */
    public static Llama2cCheckpoint open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new Llama2cCheckpoint(path, arena, data);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ConvertException(path + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new ConvertException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public Llama2cConfig config() {
        return config;
    }

    public long fileSize() {
        return data.byteSize();
    }

    /** The float32 bytes of a global weight (token embedding, final norm, classifier). */
    public MemorySegment weight(Weight w) {
        if (w.perLayer()) {
            throw new IllegalArgumentException(w + " is stored per layer");
        }
        if (w == Weight.WCLS && config.sharedClassifier()) {
            return weight(Weight.TOKEN_EMBEDDING);
        }
        return data.asSlice(offsets.get(w), w.elements(config) * 4);
    }

    /** The float32 bytes of one layer's slice of a per-layer weight. */
    public MemorySegment weight(Weight w, int layer) {
        if (!w.perLayer()) {
            throw new IllegalArgumentException(w + " is not stored per layer");
        }
        if (layer < 0 || layer >= config.layers()) {
            throw new IndexOutOfBoundsException("layer " + layer + " of " + config.layers());
        }
        long bytes = w.elements(config) * 4;
        return data.asSlice(offsets.get(w) + layer * bytes, bytes);
    }

    @Override
    public void close() {
        arena.close();
    }

    private static Llama2cConfig readHeader(MemorySegment data, String file) {
        if (data.byteSize() < HEADER_BYTES) {
            throw new ConvertException(file + ": the file has " + data.byteSize() + " bytes, fewer than the "
                    + HEADER_BYTES + "-byte header of a llama2.c checkpoint");
        }
        int[] h = new int[7];
        for (int i = 0; i < h.length; i++) {
            h[i] = data.get(INT_LE, i * 4L);
        }
        if (h[0] == NEW_FORMAT_MAGIC) {
            throw new ConvertException(file + ": this is a llama2.c checkpoint in the newer export format (magic \"ak42\", version "
                    + h[1] + "); Cove converts the legacy format that run.c reads: export it again with"
                    + " llama2.c's export.py --version 0");
        }
        if (h[0] == 0x46554747) {
            throw new ConvertException(file + ": this is already a GGUF file, not a llama2.c checkpoint");
        }
        String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "max_seq_len"};
        for (int i = 0; i < h.length; i++) {
            if (i == 5 ? h[i] == 0 || h[i] == Integer.MIN_VALUE : h[i] <= 0) {
                throw new ConvertException(file + ": the header says " + names[i] + " = " + h[i] + ", which is impossible;"
                        + " the file is not a llama2.c checkpoint or is damaged (header: " + headerText(names, h) + ")");
            }
        }
        int dim = h[0];
        int heads = h[3];
        int kvHeads = h[4];
        int vocab = Math.abs(h[5]);
        if (dim % heads != 0 || (dim / heads) % 2 != 0) {
            throw new ConvertException(file + ": the header says dim = " + dim + " and n_heads = " + heads
                    + ", which do not give an even head size; the file is not a llama2.c checkpoint or is damaged");
        }
        if (kvHeads > heads || heads % kvHeads != 0) {
            throw new ConvertException(file + ": the header says n_heads = " + heads + " and n_kv_heads = " + kvHeads
                    + "; n_kv_heads must divide n_heads; the file is not a llama2.c checkpoint or is damaged");
        }
        if (vocab < 3) {
            throw new ConvertException(file + ": the header says vocab_size = " + h[5]
                    + "; a llama2.c vocabulary has at least <unk>, <s> and </s>");
        }
        return new Llama2cConfig(dim, h[1], h[2], heads, kvHeads, vocab, h[6], h[5] > 0);
    }

    private static String headerText(String[] names, int[] h) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < h.length; i++) {
            b.append(i == 0 ? "" : ", ").append(names[i]).append(' ').append(h[i]);
        }
        return b.toString();
    }

    static String describe(Llama2cConfig c) {
        return "dim " + c.dim() + ", hidden_dim " + c.hiddenDim() + ", " + c.layers() + " layers, " + c.heads()
                + " heads, " + c.kvHeads() + " kv heads, vocabulary " + c.vocabSize()
                + (c.sharedClassifier() ? " (shared classifier)" : " (own classifier)") + ", max_seq_len " + c.seqLen();
    }

    private static String name(Path p) {
        Path n = p.getFileName();
        return n == null ? p.toString() : n.toString();
    }
}
