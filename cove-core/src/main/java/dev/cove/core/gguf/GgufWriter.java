package dev.cove.core.gguf;

import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.tensor.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files that llama.cpp loads. Tensor data is streamed from a
 * {@link TensorPayload} per tensor, so a converter never holds the whole model in memory. The
 * file is written to a temporary sibling and renamed into place only when complete.
 */
public final class GgufWriter {

    /** Writes exactly the tensor's byte size to the channel. */
    @FunctionalInterface
    public interface TensorPayload {
        void writeTo(WritableByteChannel out) throws IOException;

        static TensorPayload of(MemorySegment bytes) {
            return out -> {
                ByteBuffer buffer = bytes.asByteBuffer();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            };
        }

        static TensorPayload ofFloats(float[] values) {
            return out -> {
                ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asFloatBuffer().put(values);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            };
        }
    }

    private record PendingTensor(String name, GgmlType type, long[] shape, long byteSize, TensorPayload payload) {
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    public GgufWriter put(String key, GgufValue value) {
        if (key.equals("general.alignment")) {
            long a = ((Number) value.value()).longValue();
            if (a <= 0 || Long.bitCount(a) != 1) {
                throw new IllegalArgumentException("general.alignment must be a power of two: " + a);
            }
            alignment = (int) a;
        }
        metadata.put(key, value);
        return this;
    }

    /** Copies every key of {@code source}, in order. */
    public GgufWriter putAll(GgufMetadata source) {
        source.asMap().forEach(this::put);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.ofString(value));
    }

    public GgufWriter putUInt32(String key, int value) {
        return put(key, GgufValue.ofUInt32(value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValue.ofFloat32(value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValue.ofBool(value));
    }

    public GgufWriter putArray(String key, GgufArray value) {
        return put(key, GgufValue.ofArray(value));
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorPayload payload) {
        long elements = 1;
        for (long d : shape) {
            elements = Math.multiplyExact(elements, d);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + shape[0]
                    + " is not a multiple of the " + type + " block size");
        }
        tensors.add(new PendingTensor(name, type, shape.clone(), type.byteSize(elements), payload));
        return this;
    }

    /** Writes the file atomically: a temporary file in the same folder, renamed when complete. */
    public void write(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeTo(out);
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // Nothing better to do: the original error is what the user needs to see.
            }
        }
    }

    private void writeTo(FileChannel out) throws IOException {
        HeaderBuffer h = new HeaderBuffer();
        h.putInt(GgufFile.MAGIC);
        h.putInt(3);
        h.putLong(tensors.size());
        h.putLong(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            h.putString(e.getKey());
            h.putInt(e.getValue().type().id());
            writeValue(h, e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            h.putString(t.name());
            h.putInt(t.shape().length);
            for (long d : t.shape()) {
                h.putLong(d);
            }
            h.putInt(t.type().id());
            h.putLong(offset);
            offset = alignUp(offset + t.byteSize(), alignment);
        }
        h.padTo(alignment);
        h.writeTo(out);

        long dataStart = out.position();
        for (PendingTensor t : tensors) {
            long before = out.position();
            t.payload().writeTo(out);
            long written = out.position() - before;
            if (written != t.byteSize()) {
                throw new IllegalStateException("tensor " + t.name() + ": payload wrote " + written
                        + " bytes, expected " + t.byteSize());
            }
            long padded = alignUp(out.position() - dataStart, alignment) + dataStart;
            if (padded > out.position()) {
                out.write(ByteBuffer.allocate((int) (padded - out.position())));
            }
        }
    }

    private static void writeValue(HeaderBuffer h, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8 -> h.putByte((Byte) v);
            case UINT16, INT16 -> h.putShort((Short) v);
            case UINT32, INT32 -> h.putInt((Integer) v);
            case UINT64, INT64 -> h.putLong((Long) v);
            case FLOAT32 -> h.putFloat((Float) v);
            case FLOAT64 -> h.putDouble((Double) v);
            case BOOL -> h.putByte((byte) ((Boolean) v ? 1 : 0));
            case STRING -> h.putString((String) v);
            case ARRAY -> writeArray(h, (GgufArray) v);
        }
    }

    private static void writeArray(HeaderBuffer h, GgufArray a) {
        h.putInt(a.elementType().id());
        int n = a.length();
        h.putLong(n);
        switch (a.values()) {
            case byte[] b -> {
                for (byte x : b) {
                    h.putByte(x);
                }
            }
            case short[] s -> {
                for (short x : s) {
                    h.putShort(x);
                }
            }
            case int[] ints -> {
                for (int x : ints) {
                    h.putInt(x);
                }
            }
            case long[] l -> {
                for (long x : l) {
                    h.putLong(x);
                }
            }
            case float[] f -> {
                for (float x : f) {
                    h.putFloat(x);
                }
            }
            case double[] d -> {
                for (double x : d) {
                    h.putDouble(x);
                }
            }
            case String[] strings -> {
                for (String x : strings) {
                    h.putString(x);
                }
            }
            case GgufArray[] nested -> {
                for (GgufArray x : nested) {
                    writeArray(h, x);
                }
            }
            default -> throw new IllegalArgumentException("unsupported array payload " + a.values().getClass());
        }
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    /** A growable little-endian buffer for the header. */
    private static final class HeaderBuffer {
        private ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int bytes) {
            if (buffer.remaining() < bytes) {
                int capacity = Math.max(buffer.capacity() * 2, buffer.position() + bytes);
                ByteBuffer bigger = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        void putByte(byte v) {
            ensure(1);
            buffer.put(v);
        }

        void putShort(short v) {
            ensure(2);
            buffer.putShort(v);
        }

        void putInt(int v) {
            ensure(4);
            buffer.putInt(v);
        }

        void putLong(long v) {
            ensure(8);
            buffer.putLong(v);
        }

        void putFloat(float v) {
            ensure(4);
            buffer.putFloat(v);
        }

        void putDouble(double v) {
            ensure(8);
            buffer.putDouble(v);
        }

        void putString(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            putLong(bytes.length);
            ensure(bytes.length);
            buffer.put(bytes);
        }

        void padTo(int alignment) {
            int padded = (int) alignUp(buffer.position(), alignment);
            ensure(padded - buffer.position());
            buffer.position(padded);
        }

        void writeTo(WritableByteChannel out) throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }
}
