package dev.cove.core.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test-only GGUF v3 reader, just enough to find tensors (the engine's reader lives in
 * {@code dev.cove.core.gguf}). The file is memory-mapped into the given arena.
 */
final class TinyGguf {

    record Tensor(String name, long[] dims, int typeId, long offset) {
        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        GgmlType type() {
            return GgmlType.byId(typeId);
        }
    }

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final MemorySegment file;
    final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private long pos;

    TinyGguf(Path path, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
        if (file.get(U32, 0) != 0x46554747) { // "GGUF"
            throw new IOException(path + " is not a GGUF file");
        }
        int version = file.get(U32, 4);
        if (version != 3) {
            throw new IOException(path + ": GGUF version " + version + ", expected 3");
        }
        long nTensors = file.get(U64, 8);
        long nKv = file.get(U64, 16);
        pos = 24;
        long alignment = 32;
        for (long i = 0; i < nKv; i++) {
            String key = string();
            int type = u32();
            if (key.equals("general.alignment") && type == 4) {
                alignment = u32() & 0xFFFFFFFFL;
            } else {
                skipValue(type);
            }
        }
        Map<String, Tensor> infos = new LinkedHashMap<>();
        for (long i = 0; i < nTensors; i++) {
            String name = string();
            int nDims = u32();
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = u64();
            }
            int type = u32();
            long offset = u64();
            infos.put(name, new Tensor(name, dims, type, offset));
        }
        long dataStart = (pos + alignment - 1) / alignment * alignment;
        for (Tensor t : infos.values()) {
            tensors.put(t.name(), new Tensor(t.name(), t.dims(), t.typeId(), dataStart + t.offset()));
        }
    }

    /** The bytes of tensor {@code t}. */
    MemorySegment data(Tensor t) {
        return file.asSlice(t.offset(), t.type().byteSize(t.elements()));
    }

    /** All elements of tensor {@code t} as floats (through the codec of its type). */
    float[] floats(Tensor t) {
        float[] out = new float[Math.toIntExact(t.elements())];
        TypeCodecs.of(t.type()).dequantize(file, t.offset(), out, 0, out.length);
        return out;
    }

    private int u32() {
        int v = file.get(U32, pos);
        pos += 4;
        return v;
    }

    private long u64() {
        long v = file.get(U64, pos);
        pos += 8;
        return v;
    }

    private String string() {
        int len = Math.toIntExact(u64());
        byte[] b = file.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    private void skipValue(int type) {
        switch (type) {
            case 0, 1, 7 -> pos += 1;      // u8, i8, bool
            case 2, 3 -> pos += 2;         // u16, i16
            case 4, 5, 6 -> pos += 4;      // u32, i32, f32
            case 10, 11, 12 -> pos += 8;   // u64, i64, f64
            case 8 -> string();
            case 9 -> {
                int elementType = u32();
                long n = u64();
                for (long i = 0; i < n; i++) {
                    skipValue(elementType);
                }
            }
            default -> throw new IllegalStateException("unknown GGUF value type " + type + " at byte " + pos);
        }
    }
}
