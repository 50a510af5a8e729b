package dev.cove.core.gguf;

import java.util.Arrays;

/**
 * One metadata value with its GGUF type, so that reading and writing a file round-trips exactly.
 * Scalars are held boxed ({@code Byte, Short, Integer, Long, Float, Double, Boolean, String});
 * unsigned types are held in the signed Java type of the same width.
 */
public record GgufValue(GgufValueType type, Object value) {

    public static GgufValue ofString(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    public static GgufValue ofUInt32(int v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    public static GgufValue ofUInt64(long v) {
        return new GgufValue(GgufValueType.UINT64, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue ofArray(GgufArray array) {
        return new GgufValue(GgufValueType.ARRAY, array);
    }

    @Override
    public String toString() {
        return value instanceof GgufArray a ? a.toString() : String.valueOf(value);
    }

    /**
     * An array value. {@code values} is a Java array matching the element type: {@code byte[]}
     * for (U)INT8 and BOOL, {@code short[]}, {@code int[]}, {@code long[]}, {@code float[]},
     * {@code double[]}, {@code String[]}, or {@code GgufArray[]} for nested arrays.
     */
    public record GgufArray(GgufValueType elementType, Object values) {

        public static GgufArray ofStrings(String... values) {
            return new GgufArray(GgufValueType.STRING, values);
        }

        public static GgufArray ofFloats(float... values) {
            return new GgufArray(GgufValueType.FLOAT32, values);
        }

        public static GgufArray ofInt32s(int... values) {
            return new GgufArray(GgufValueType.INT32, values);
        }

        public int length() {
            return java.lang.reflect.Array.getLength(values);
        }

        @Override
        public String toString() {
            int n = length();
            String head = switch (values) {
                case byte[] b -> Arrays.toString(Arrays.copyOf(b, Math.min(n, 8)));
                case short[] s -> Arrays.toString(Arrays.copyOf(s, Math.min(n, 8)));
                case int[] i -> Arrays.toString(Arrays.copyOf(i, Math.min(n, 8)));
                case long[] l -> Arrays.toString(Arrays.copyOf(l, Math.min(n, 8)));
                case float[] f -> Arrays.toString(Arrays.copyOf(f, Math.min(n, 8)));
                case double[] d -> Arrays.toString(Arrays.copyOf(d, Math.min(n, 8)));
                case Object[] o -> Arrays.toString(Arrays.copyOf(o, Math.min(n, 8)));
                default -> "?";
            };
            return elementType + "[" + n + "] " + (n > 8 ? head.substring(0, head.length() - 1) + ", ...]" : head);
        }
    }
}
