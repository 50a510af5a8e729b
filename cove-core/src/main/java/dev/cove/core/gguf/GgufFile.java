package dev.cove.core.gguf;

import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file, memory-mapped whole as one {@link MemorySegment} (no copy, files over 2 GiB).
 * Opening parses and validates the header: every count, length, offset and size is checked
 * against the file before it is used, so damaged or hostile files are rejected with a message
 * and without large allocations. Thread-safe once opened; closing unmaps the file.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    private static final int MAX_ARRAY_NESTING = 4;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataOffset;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        GgufCursor in = new GgufCursor(data, path.getFileName().toString());

        int magic = in.readInt("magic");
        if (magic != MAGIC) {
            throw in.error("not a GGUF file (the first four bytes are not \"GGUF\")");
        }
        version = in.readInt("version");
        if (version == 1) {
            throw in.error("GGUF version 1 is obsolete and not supported; convert the model again with a current llama.cpp");
        }
        if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
            throw in.error("big-endian GGUF files are not supported");
        }
        if (version != 2 && version != 3) {
            throw in.error("unsupported GGUF version " + Integer.toUnsignedString(version) + " (Cove reads versions 2 and 3)");
        }
        // A tensor info takes at least 8 (name length) + 4 (dims) + 8 (one dim) + 4 (type) + 8 (offset) bytes.
        long tensorCount = in.readCount("tensor count", 32);
        // A key/value pair takes at least 8 (key length) + 4 (type) + 1 (smallest value) bytes.
        long kvCount = in.readCount("metadata key/value count", 13);

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.readString("metadata key");
            GgufValueType type = readType(in, "type of metadata key " + key);
            GgufValue value = new GgufValue(type, readValue(in, type, key, 0));
            if (kv.put(key, value) != null) {
                throw in.error("duplicate metadata key " + key);
            }
        }
        metadata = new GgufMetadata(kv);
        alignment = readAlignment(in, metadata);

        List<PendingTensor> pending = new ArrayList<>((int) tensorCount);
        for (long i = 0; i < tensorCount; i++) {
            pending.add(readTensorInfo(in));
        }
        dataOffset = alignUp(in.position(), alignment);
        tensors = Collections.unmodifiableMap(placeTensors(in, pending, dataOffset, alignment, data.byteSize()));
    }

    /** Maps and validates the file. Throws {@link GgufFormatException} for a damaged file. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(path, arena, data);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new GgufFormatException(path + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new GgufFormatException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads a GGUF image already in memory (a decrypted model, never written to disk). The
     * segment must stay valid until this file is closed; {@code owner}, when not null, is closed
     * with it. {@code name} stands in for the file name in messages.
     */
    public static GgufFile fromSegment(MemorySegment data, String name, Arena owner) {
        Arena arena = owner != null ? owner : Arena.ofShared();
        try {
            return new GgufFile(Path.of(name), arena, data);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset of the tensor data section. */
    public long dataOffset() {
        return dataOffset;
    }

    public long fileSize() {
        return data.byteSize();
    }

    /** The whole file. Tensor data lives at each tensor's {@link GgufTensorInfo#fileOffset()}. */
    public MemorySegment segment() {
        return data;
    }

    /** Tensors in file order, by name. */
    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    /**
     * The model's parameter count: the elements of every tensor in the file, a separate output
     * matrix included, as llama.cpp's {@code llama_model_n_params} counts them. The one count
     * that {@code cove info}, {@code convert}, the store and the server report.
     */
    public long parameterCount() {
        long n = 0;
        for (GgufTensorInfo t : tensors.values()) {
            n += t.elementCount();
        }
        return n;
    }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GgufFormatException(path.getFileName() + ": tensor " + name + " is missing");
        }
        return t;
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /** The bytes of one tensor, as a slice of the mapping. */
    public MemorySegment tensorData(GgufTensorInfo tensor) {
        return data.asSlice(tensor.fileOffset(), tensor.byteSize());
    }

    @Override
    public void close() {
        arena.close();
    }

    private record PendingTensor(String name, GgmlType type, long[] shape, long relativeOffset, long byteSize, long infoPosition) {
    }

    private static GgufValueType readType(GgufCursor in, String what) {
        int id = in.readInt(what);
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw in.error("unknown metadata value type " + Integer.toUnsignedString(id) + " for " + what.replace("type of ", ""));
        }
        return type;
    }

    private static Object readValue(GgufCursor in, GgufValueType type, String key, int depth) {
        return switch (type) {
            case UINT8, INT8 -> in.readByte(key);
            case UINT16, INT16 -> in.readShort(key);
            case UINT32, INT32 -> in.readInt(key);
            case UINT64, INT64 -> in.readLong(key);
            case FLOAT32 -> in.readFloat(key);
            case FLOAT64 -> in.readDouble(key);
            case BOOL -> {
                byte b = in.readByte(key);
                if (b != 0 && b != 1) {
                    throw in.error("metadata key " + key + " holds invalid boolean byte " + b);
                }
                yield b == 1;
            }
            case STRING -> in.readString("value of metadata key " + key);
            case ARRAY -> readArray(in, key, depth);
        };
    }

    private static GgufArray readArray(GgufCursor in, String key, int depth) {
        if (depth >= MAX_ARRAY_NESTING) {
            throw in.error("metadata key " + key + " nests arrays more than " + MAX_ARRAY_NESTING + " deep");
        }
        GgufValueType elementType = readType(in, "type of array elements of " + key);
        long count = in.readCount("array length of metadata key " + key, elementType.minEncodedSize());
        if (count > Integer.MAX_VALUE - 8) {
            throw in.error("array of metadata key " + key + " is too long: " + count);
        }
        int n = (int) count;
        Object values = switch (elementType) {
            case UINT8, INT8, BOOL -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readByte(key);
                }
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readShort(key);
                }
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readInt(key);
                }
                yield a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readLong(key);
                }
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readFloat(key);
                }
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readDouble(key);
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.readString("element " + i + " of metadata key " + key);
                }
                yield a;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(in, key, depth + 1);
                }
                yield a;
            }
        };
        return new GgufArray(elementType, values);
    }

    private static int readAlignment(GgufCursor in, GgufMetadata metadata) {
        if (!metadata.contains("general.alignment")) {
            return DEFAULT_ALIGNMENT;
        }
        long a = metadata.getLong("general.alignment");
        if (a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw in.error("general.alignment must be a positive power of two, not " + a);
        }
        return (int) a;
    }

    private static PendingTensor readTensorInfo(GgufCursor in) {
        long infoPosition = in.position();
        String name = in.readString("tensor name");
        int dims = in.readInt("dimension count of tensor " + name);
        if (dims < 1 || dims > MAX_DIMS) {
            throw in.error("tensor " + name + " has " + Integer.toUnsignedString(dims) + " dimensions (1 to " + MAX_DIMS + " allowed)");
        }
        long[] shape = new long[dims];
        long elements = 1;
        for (int d = 0; d < dims; d++) {
            shape[d] = in.readLong("dimension " + d + " of tensor " + name);
            if (shape[d] <= 0) {
                throw in.error("tensor " + name + " has invalid dimension " + Long.toUnsignedString(shape[d]));
            }
            if (elements > Long.MAX_VALUE / shape[d]) {
                throw in.error("tensor " + name + " has an absurd shape: its element count overflows");
            }
            elements *= shape[d];
        }
        int typeId = in.readInt("type of tensor " + name);
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw in.error("tensor " + name + " has type " + GgmlType.nameOfId(typeId) + ", which Cove does not support");
        }
        if (shape[0] % type.blockSize() != 0) {
            throw in.error("tensor " + name + " has rows of " + shape[0] + " elements, not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        long relativeOffset = in.readLong("data offset of tensor " + name);
        return new PendingTensor(name, type, shape, relativeOffset, type.byteSize(elements), infoPosition);
    }

    /** Checks offsets, alignment, bounds and overlaps, and returns tensors in file order. */
    private static Map<String, GgufTensorInfo> placeTensors(GgufCursor in, List<PendingTensor> pending,
                                                            long dataOffset, int alignment, long fileSize) {
        Map<String, GgufTensorInfo> placed = new LinkedHashMap<>();
        for (PendingTensor p : pending) {
            if (p.relativeOffset() < 0 || p.relativeOffset() % alignment != 0) {
                throw in.error("tensor " + p.name() + " has data offset " + Long.toUnsignedString(p.relativeOffset())
                        + ", which is not a multiple of the alignment " + alignment);
            }
            long start = dataOffset + p.relativeOffset();
            if (start < 0 || start > fileSize || p.byteSize() > fileSize - start) {
                throw in.error("tensor " + p.name() + " ends at byte " + Long.toUnsignedString(start + p.byteSize())
                        + " but the file has " + fileSize + " bytes (truncated or damaged file)");
            }
            GgufTensorInfo info = new GgufTensorInfo(p.name(), p.type(), p.shape(), start, p.byteSize());
            if (placed.put(p.name(), info) != null) {
                throw in.error("duplicate tensor name " + p.name());
            }
        }
        List<GgufTensorInfo> byOffset = new ArrayList<>(placed.values());
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::fileOffset));
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensorInfo before = byOffset.get(i - 1);
            GgufTensorInfo after = byOffset.get(i);
            if (after.fileOffset() < before.end()) {
                throw in.error("tensors " + before.name() + " and " + after.name() + " overlap (bytes "
                        + after.fileOffset() + " to " + Math.min(before.end(), after.end()) + ")");
            }
        }
        return placed;
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
