package dev.cove.core.convert;

import dev.cove.core.tensor.BFloat16;
import dev.cove.core.tensor.Float16;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped read-only: an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the data. Opening checks
 * the header completely against the file (lengths, ranges, element counts) before anything else
 * is read, so a truncated or damaged file is rejected with a message. Closing unmaps the file.
 */
final class Safetensors implements AutoCloseable {
    /** The format's own limit on the header. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Element types of the format, with their sizes; Cove converts F32, F16 and BF16. */
    enum Dtype {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1),
        F8_E4M3(1), F8_E5M2(1);

        final int size;

        Dtype(int size) {
            this.size = size;
        }

        boolean convertible() {
            return this == F32 || this == F16 || this == BF16;
        }

        static Dtype of(String name) {
            for (Dtype d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** One tensor: {@code dtype} is null when the file names a type this reader does not know ({@code dtypeName}). */
    record Tensor(String name, String file, String dtypeName, Dtype dtype, long[] shape, MemorySegment data) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Reads {@code count} elements from element {@code first} as floats (F32, F16 or BF16 only). */
        void readFloats(long first, float[] dst, int dstOffset, int count) {
            switch (dtype) {
                case F32 -> MemorySegment.copy(data, F32, first * 4, dst, dstOffset, count);
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        dst[dstOffset + i] = Float16.toFloat(data.get(U16, (first + i) * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        dst[dstOffset + i] = BFloat16.toFloat(data.get(U16, (first + i) * 2));
                    }
                }
                default -> throw new IllegalStateException("not a float type: " + dtype);
            }
        }

        String shapeText() {
            return java.util.Arrays.toString(shape);
        }
    }

    private final Arena arena;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private Safetensors(Arena arena, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    static Safetensors open(Path path) {
        String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return parse(arena, data, file);
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

    private static Safetensors parse(Arena arena, MemorySegment data, String file) {
        long size = data.byteSize();
        if (size < 8) {
            throw new ConvertException(file + ": the file has " + size + " bytes, too few for a safetensors file (truncated?)");
        }
        long headerLength = data.get(U64, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new ConvertException(file + ": the header length is " + Long.toUnsignedString(headerLength)
                    + " bytes, which is impossible: not a safetensors file, or a damaged one");
        }
        if (8 + headerLength > size) {
            throw new ConvertException(file + ": the header needs " + (8 + headerLength) + " bytes but the file has " + size
                    + ": the file is truncated");
        }
        byte[] raw = data.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new ConvertException(file + ": the header is not UTF-8 text: not a safetensors file, or a damaged one");
        }
        Map<String, Object> header = Json.object(Json.parse(text.stripTrailing(), file + " (header)"), file, "the header");
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                }
                continue;
            }
            Map<String, Object> t = Json.object(e.getValue(), file, "the entry of tensor " + name);
            String dtypeName = t.get("dtype") instanceof String s ? s : null;
            if (dtypeName == null) {
                throw new ConvertException(file + ": tensor " + name + " has no dtype");
            }
            List<Object> shapeList = Json.array(t.get("shape"), file, "the shape of tensor " + name);
            long[] shape = new long[shapeList.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(shapeList.get(i) instanceof Long d) || d < 0) {
                    throw new ConvertException(file + ": tensor " + name + " has an invalid shape " + shapeList);
                }
                shape[i] = d;
                try {
                    elements = Math.multiplyExact(elements, d);
                } catch (ArithmeticException overflow) {
                    throw new ConvertException(file + ": tensor " + name + " has an absurd shape " + shapeList);
                }
            }
            List<Object> offsets = Json.array(t.get("data_offsets"), file, "the data_offsets of tensor " + name);
            if (offsets.size() != 2 || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                    || begin < 0 || end < begin) {
                throw new ConvertException(file + ": tensor " + name + " has invalid data_offsets " + offsets);
            }
            if (end > dataSize) {
                throw new ConvertException(file + ": tensor " + name + " ends at byte " + (dataStart + end) + " but the file has "
                        + size + " bytes: the file is truncated");
            }
            Dtype dtype = Dtype.of(dtypeName);
            if (dtype != null) {
                long expected;
                try {
                    expected = Math.multiplyExact(elements, dtype.size);
                } catch (ArithmeticException overflow) {
                    throw new ConvertException(file + ": tensor " + name + " has an absurd shape " + shapeList);
                }
                if (end - begin != expected) {
                    throw new ConvertException(file + ": tensor " + name + " (" + dtypeName + " " + shapeList + ") should take "
                            + expected + " bytes but its data_offsets give " + (end - begin) + ": the header is damaged");
                }
            }
            tensors.put(name, new Tensor(name, file, dtypeName, dtype, shape, data.asSlice(dataStart + begin, end - begin)));
        }
        return new Safetensors(arena, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    Map<String, Tensor> tensors() {
        return tensors;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        arena.close();
    }
}
