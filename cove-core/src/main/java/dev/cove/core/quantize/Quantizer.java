package dev.cove.core.quantize;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufFormatException;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.gguf.GgufWriter;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodec;
import dev.cove.core.tensor.TypeCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code cove quantize}: rewrites a GGUF model with its weights in another type, as
 * {@code llama-quantize} does. The tensor types come from {@link QuantizationRecipe} (or are all
 * the target type with {@code pure}); the quantizers are {@link TypeCodecs}', which give
 * llama.cpp's bytes. The metadata is copied, with {@code general.quantization_version} and
 * {@code general.file_type} set as llama.cpp sets them, and the tensors are written in llama.cpp's
 * order, so that for the same input and type the output file is byte-identical to llama.cpp's.
 *
 * <p>Streaming: the input stays memory-mapped and each tensor is converted in chunks of rows on
 * a pool of threads while earlier chunks are written, so memory use is a few chunks per thread,
 * never a whole tensor or model. The output is written to a temporary file and renamed into
 * place when complete; a failure leaves nothing behind.
 */
public final class Quantizer {

    /** Elements converted per task: big enough to amortize scheduling, small enough to stay in cache. */
    static final int CHUNK_ELEMENTS = 1 << 16;
    /** Largest slice handed to a channel in one write. */
    private static final long COPY_BYTES = 1L << 30;
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** {@code GGML_QNT_VERSION}. */
    public static final int QUANTIZATION_VERSION = 2;

    /** Receives progress: called from the writing thread, in tensor order. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param tensor     index of the tensor being written (0-based)
         * @param tensors    number of tensors
         * @param name       its name
         * @param doneWeights weights converted or copied so far, over the whole model
         * @param allWeights  weights in the model
         */
        void update(int tensor, int tensors, String name, long doneWeights, long allWeights);

        Progress NONE = (t, n, name, d, a) -> { };
    }

    /**
     * @param fileType           the target
     * @param pure               every quantizable tensor gets the file type's default type (llama.cpp's {@code --pure})
     * @param allowRequantize    accept an input whose tensors are already quantized (quality suffers)
     * @param threads            conversion threads
     * @param outputTensorType   type of {@code output.weight}, or null for the recipe's
     * @param tokenEmbeddingType type of {@code token_embd.weight}, or null for the recipe's
     * @param measureError       compute each converted tensor's RMSE against its source (one dequantization more)
     */
    public record Options(FileType fileType, boolean pure, boolean allowRequantize, int threads,
                          GgmlType outputTensorType, GgmlType tokenEmbeddingType, boolean measureError, Progress progress) {
        public Options {
            if (fileType == null) {
                throw new IllegalArgumentException("a file type is required");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, not " + threads);
            }
            if (progress == null) {
                progress = Progress.NONE;
            }
        }

        public static Options of(FileType fileType) {
            return new Options(fileType, false, false, Runtime.getRuntime().availableProcessors(), null, null, false, null);
        }

        public Options withPure(boolean p) {
            return new Options(fileType, p, allowRequantize, threads, outputTensorType, tokenEmbeddingType, measureError, progress);
        }

        public Options withAllowRequantize(boolean a) {
            return new Options(fileType, pure, a, threads, outputTensorType, tokenEmbeddingType, measureError, progress);
        }

        public Options withThreads(int t) {
            return new Options(fileType, pure, allowRequantize, t, outputTensorType, tokenEmbeddingType, measureError, progress);
        }

        public Options withOutputTensorType(GgmlType t) {
            return new Options(fileType, pure, allowRequantize, threads, t, tokenEmbeddingType, measureError, progress);
        }

        public Options withTokenEmbeddingType(GgmlType t) {
            return new Options(fileType, pure, allowRequantize, threads, outputTensorType, t, measureError, progress);
        }

        public Options withMeasureError(boolean m) {
            return new Options(fileType, pure, allowRequantize, threads, outputTensorType, tokenEmbeddingType, m, progress);
        }

        public Options withProgress(Progress p) {
            return new Options(fileType, pure, allowRequantize, threads, outputTensorType, tokenEmbeddingType, measureError, p);
        }
    }

    /** What happens to one tensor. {@code fallbackNote} says why it did not get the recipe's type, or is null. */
    public record TensorPlan(String name, long[] shape, GgmlType source, GgmlType target, String fallbackNote) {
        public TensorPlan {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** True when the bytes change (the types differ); false for a plain copy. */
        public boolean converted() {
            return source != target;
        }

        public long sourceBytes() {
            return source.byteSize(elements());
        }

        public long targetBytes() {
            return target.byteSize(elements());
        }
    }

    /**
     * One written tensor. {@code rmse} is the root-mean-square difference between its weights and
     * the source's (0 for a copy, NaN when not measured); {@code sourceRms} the source weights' own
     * root mean square, to put it in scale.
     */
    public record TensorResult(TensorPlan plan, double rmse, double sourceRms) {
    }

    /** A finished quantization. */
    public record Result(Path output, FileType fileType, List<TensorResult> tensors, List<String> warnings,
                         long sourceTensorBytes, long tensorBytes, long fileSize, long weights, double seconds) {
        /** Bits per weight of the tensor data, as llama.cpp reports it. */
        public double bitsPerWeight() {
            return weights == 0 ? 0 : tensorBytes * 8.0 / weights;
        }

        public double sourceBitsPerWeight() {
            return weights == 0 ? 0 : sourceTensorBytes * 8.0 / weights;
        }

        /** RMSE over all converted weights together (NaN when not measured). */
        public double rmse() {
            double sq = 0;
            long n = 0;
            for (TensorResult t : tensors) {
                if (t.plan().converted()) {
                    sq += t.rmse() * t.rmse() * t.plan().elements();
                    n += t.plan().elements();
                }
            }
            return n == 0 ? 0 : Math.sqrt(sq / n);
        }
    }

    private Quantizer() {
    }

    /**
     * The type each tensor of {@code in} would get, in the order they would be written, without
     * writing anything ({@code llama-quantize --dry-run}).
     *
     * @throws QuantizeException when the model cannot be quantized this way
     */
    public static List<TensorPlan> plan(GgufFile in, Options options) {
        GgufMetadata md = in.metadata();
        QuantizationRecipe.ModelShape shape = modelShape(md, in.path());
        List<GgufTensorInfo> tensors = new ArrayList<>(in.tensors().values());
        if (tensors.isEmpty()) {
            throw new QuantizeException(name(in.path()) + " has no tensors (a vocabulary-only file?): nothing to quantize");
        }
        tensors.sort((a, b) -> TensorOrder.LLAMA_CPP.compare(a.name(), b.name()));
        List<String> names = new ArrayList<>();
        for (GgufTensorInfo t : tensors) {
            names.add(t.name());
        }
        QuantizationRecipe recipe = new QuantizationRecipe(options.fileType(), options.pure(), shape, names,
                options.outputTensorType(), options.tokenEmbeddingType());
        List<TensorPlan> plans = new ArrayList<>();
        for (GgufTensorInfo t : tensors) {
            QuantizationRecipe.Decision d = recipe.decide(t.name(), t.shape(), t.type());
            GgmlType target = d.type();
            if (t.shape()[0] % target.blockSize() != 0) {
                throw new QuantizeException(name(in.path()) + ": tensor " + t.name() + " has rows of " + t.shape()[0]
                        + " weights, which cannot be stored as " + target + " (blocks of " + target.blockSize() + ")");
            }
            if (target != t.type() && t.type().isQuantized() && !options.allowRequantize()) {
                throw new QuantizeException(name(in.path()) + " is already quantized (tensor " + t.name() + " is " + t.type()
                        + "): quantizing it again loses more quality than quantizing the original F32, F16 or BF16 model."
                        + " Use that, or pass --allow-requantize");
            }
            plans.add(new TensorPlan(t.name(), t.shape(), t.type(), target, d.fallbackNote()));
        }
        return plans;
    }

    /**
     * Quantizes {@code input} into {@code output} (replaced if it exists).
     *
     * @throws QuantizeException when the input is not a model that can be quantized this way, or the output cannot be written
     */
    public static Result quantize(Path input, Path output, Options options) {
        checkPaths(input, output);
        try (GgufFile in = GgufFile.open(input)) {
            return quantize(in, output, options);
        } catch (GgufFormatException e) {
            throw new QuantizeException(e.getMessage(), e);
        }
    }

    /**
     * Quantizes an opened model (a file, or one decrypted into memory) into {@code output}
     * (replaced if it exists). The caller keeps and closes {@code in}.
     *
     * @throws QuantizeException when the input is not a model that can be quantized this way, or the output cannot be written
     */
    public static Result quantize(GgufFile in, Path output, Options options) {
        checkPaths(in.path(), output);
        Path input = in.path();
        long start = System.nanoTime();
        try {
            List<TensorPlan> plans = plan(in, options);
            List<String> warnings = new ArrayList<>();
            boolean requantized = false;
            for (TensorPlan p : plans) {
                if (p.fallbackNote() != null) {
                    warnings.add(p.fallbackNote());
                }
                requantized |= p.converted() && p.source().isQuantized();
            }
            if (requantized) {
                warnings.add(0, name(input) + " is already quantized: re-quantizing it compounds the errors of both"
                        + " quantizations; the result is worse than quantizing the original F32, F16 or BF16 model");
            }

            GgufWriter w = new GgufWriter();
            w.putAll(in.metadata());
            // As llama.cpp: set (remove and append) the version and file type; drop split metadata.
            w.remove("general.quantization_version");
            w.put("general.quantization_version", GgufValue.ofUInt32(QUANTIZATION_VERSION));
            w.remove("general.file_type");
            w.put("general.file_type", GgufValue.ofUInt32(options.fileType().id()));
            w.remove("split.no");
            w.remove("split.count");
            w.remove("split.tensors.count");

            long weights = 0;
            long sourceBytes = 0;
            long targetBytes = 0;
            for (TensorPlan p : plans) {
                weights += p.elements();
                sourceBytes += p.sourceBytes();
                targetBytes += p.targetBytes();
            }
            long allWeights = weights;
            TensorResult[] results = new TensorResult[plans.size()];
            ExecutorService pool = Executors.newFixedThreadPool(options.threads(),
                    r -> Thread.ofPlatform().daemon().name("cove-quantize").unstarted(r));
            try {
                long[] done = {0};
                for (int i = 0; i < plans.size(); i++) {
                    TensorPlan p = plans.get(i);
                    GgufTensorInfo info = in.tensor(p.name());
                    int index = i;
                    w.addTensor(p.name(), p.target(), p.shape(), out -> {
                        options.progress().update(index, plans.size(), p.name(), done[0], allWeights);
                        results[index] = write(in, info, p, options, pool, out, done, allWeights, index, plans.size());
                        done[0] += p.elements();
                        options.progress().update(index, plans.size(), p.name(), done[0], allWeights);
                    });
                }
                try {
                    w.write(output);
                } catch (UncheckedIOException e) {
                    throw new QuantizeException(e.getMessage(), e);
                }
            } finally {
                pool.shutdownNow();
            }
            long fileSize;
            try {
                fileSize = Files.size(output);
            } catch (IOException e) {
                throw new QuantizeException("cannot read the size of " + output + ": " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(output, options.fileType(), List.of(results), Collections.unmodifiableList(warnings),
                    sourceBytes, targetBytes, fileSize, allWeights, seconds);
        } catch (GgufFormatException e) {
            throw new QuantizeException(e.getMessage(), e);
        }
    }

    private record Chunk(byte[] bytes, double errorSq, double sourceSq) {
    }

    /** Writes one tensor: a copy of the mapped bytes, or a conversion chunk by chunk on the pool. */
    private static TensorResult write(GgufFile in, GgufTensorInfo info, TensorPlan p, Options options, ExecutorService pool,
                                      WritableByteChannel out, long[] done, long allWeights, int index, int count)
            throws IOException {
        MemorySegment source = in.segment();
        if (!p.converted()) {
            MemorySegment bytes = in.tensorData(info);
            for (long at = 0; at < bytes.byteSize(); at += COPY_BYTES) {
                ByteBuffer b = bytes.asSlice(at, Math.min(COPY_BYTES, bytes.byteSize() - at)).asByteBuffer();
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            return new TensorResult(p, 0, Double.NaN);
        }
        int rowLength = Math.toIntExact(p.shape()[0]);
        long rows = p.elements() / rowLength;
        int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / rowLength);
        long sourceRowBytes = p.source().byteSize(rowLength);
        long targetRowBytes = p.target().byteSize(rowLength);
        TypeCodec from = TypeCodecs.of(p.source());
        TypeCodec to = TypeCodecs.of(p.target());
        boolean measure = options.measureError();

        ArrayDeque<Future<Chunk>> inflight = new ArrayDeque<>();
        int window = 2 * options.threads() + 1;
        long next = 0;
        long written = 0;
        double errorSq = 0;
        double sourceSq = 0;
        try {
            while (next < rows || !inflight.isEmpty()) {
                while (next < rows && inflight.size() < window) {
                    long first = next;
                    int n = (int) Math.min(rowsPerChunk, rows - first);
                    inflight.add(pool.submit(() -> convert(source, info.fileOffset() + first * sourceRowBytes, n * rowLength,
                            from, to, Math.toIntExact(n * targetRowBytes), measure)));
                    next += n;
                }
                Chunk c = inflight.removeFirst().get();
                ByteBuffer b = ByteBuffer.wrap(c.bytes());
                while (b.hasRemaining()) {
                    out.write(b);
                }
                errorSq += c.errorSq();
                sourceSq += c.sourceSq();
                written += c.bytes().length / targetRowBytes * rowLength;
                options.progress().update(index, count, p.name(), done[0] + written, allWeights);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuantizeException("quantization interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new QuantizeException("tensor " + p.name() + ": " + cause, cause);
        } finally {
            for (Future<Chunk> f : inflight) {
                f.cancel(true);
            }
        }
        long n = p.elements();
        return measure ? new TensorResult(p, Math.sqrt(errorSq / n), Math.sqrt(sourceSq / n))
                : new TensorResult(p, Double.NaN, Double.NaN);
    }

    /** Converts {@code count} weights starting at byte {@code offset} of the source. */
    private static Chunk convert(MemorySegment source, long offset, int count, TypeCodec from, TypeCodec to,
                                 int targetBytes, boolean measure) {
        float[] values = new float[count];
        if (from.type() == GgmlType.F32) {
            MemorySegment.copy(source, FLOAT_LE, offset, values, 0, count);
        } else {
            from.dequantize(source, offset, values, 0, count);
        }
        byte[] bytes = new byte[targetBytes];
        MemorySegment dst = MemorySegment.ofArray(bytes);
        to.quantize(values, 0, dst, 0, count);
        double errorSq = 0;
        double sourceSq = 0;
        if (measure) {
            float[] back = new float[count];
            to.dequantize(dst, 0, back, 0, count);
            for (int i = 0; i < count; i++) {
                double d = (double) back[i] - values[i];
                errorSq += d * d;
                sourceSq += (double) values[i] * values[i];
            }
        }
        return new Chunk(bytes, errorSq, sourceSq);
    }

    /** The hyper-parameters the recipe needs, from {@code ARCH.*} metadata. */
    static QuantizationRecipe.ModelShape modelShape(GgufMetadata md, Path path) {
        String arch = md.getString("general.architecture", null);
        if (arch == null) {
            throw new QuantizeException(name(path) + ": metadata key general.architecture is missing: not a model file"
                    + " (a vocabulary-only file has nothing to quantize)");
        }
        String p = arch + ".";
        int layers = firstInt(md, p + "block_count", 0);
        int heads = firstInt(md, p + "attention.head_count", 0);
        int kvHeads = firstInt(md, p + "attention.head_count_kv", heads);
        int experts = firstInt(md, p + "expert_count", 0);
        if (layers <= 0) {
            throw new QuantizeException(name(path) + ": metadata key " + p + "block_count is missing or not positive");
        }
        return new QuantizationRecipe.ModelShape(arch, layers, heads, kvHeads, experts);
    }

    /** An integer key, or the first element of an integer array (per-layer values), or the default. */
    private static int firstInt(GgufMetadata md, String key, int defaultValue) {
        if (!md.contains(key)) {
            return defaultValue;
        }
        Object v = md.get(key);
        if (v instanceof GgufArray) {
            int[] a = md.getIntArray(key);
            return a.length == 0 ? defaultValue : a[0];
        }
        return md.getInt(key);
    }

    private static void checkPaths(Path input, Path output) {
        if (Files.isDirectory(output)) {
            throw new QuantizeException(output + ": is a folder; give the name of the GGUF file to write");
        }
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new QuantizeException(output + ": the folder " + dir + " does not exist");
        }
        try {
            if (Files.exists(output) && Files.exists(input) && Files.isSameFile(input, output)) {
                throw new QuantizeException(output + ": the output would overwrite the input; choose another file");
            }
        } catch (IOException e) {
            throw new QuantizeException(output + ": cannot check the output path: " + e.getMessage(), e);
        }
    }

    static String name(Path p) {
        Path n = p.getFileName();
        return n == null ? p.toString() : n.toString();
    }
}
