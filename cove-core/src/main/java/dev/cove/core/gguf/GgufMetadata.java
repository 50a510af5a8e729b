package dev.cove.core.gguf;

import dev.cove.core.gguf.GgufValue.GgufArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order, with typed getters. Getters accept any
 * integer width for integer keys (files disagree on u32 vs i32) and throw a
 * {@link GgufFormatException} naming the key when it is missing or of the wrong type.
 */
public final class GgufMetadata {
    private final Map<String, GgufValue> values;

    public GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, GgufValue> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** The raw value (boxed scalar, String or {@link GgufArray}), or null when absent. */
    public Object get(String key) {
        GgufValue v = values.get(key);
        return v == null ? null : v.value();
    }

    public GgufValue getValue(String key) {
        return values.get(key);
    }

    public String getString(String key) {
        return cast(require(key), String.class, key, "a string");
    }

    public String getString(String key, String defaultValue) {
        return contains(key) ? getString(key) : defaultValue;
    }

    public long getLong(String key) {
        GgufValue v = require(key);
        if (!v.type().isInteger()) {
            throw wrongType(key, "an integer", v);
        }
        long raw = ((Number) v.value()).longValue();
        // Unsigned values are held in the signed type of the same width: widen them back.
        return switch (v.type()) {
            case UINT8 -> raw & 0xFFL;
            case UINT16 -> raw & 0xFFFFL;
            case UINT32 -> raw & 0xFFFF_FFFFL;
            default -> raw;
        };
    }

    public long getLong(String key, long defaultValue) {
        return contains(key) ? getLong(key) : defaultValue;
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GgufFormatException("metadata key " + key + " = " + v + " is out of range");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        return contains(key) ? getInt(key) : defaultValue;
    }

    public float getFloat(String key) {
        GgufValue v = require(key);
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> ((Double) v.value()).floatValue();
            default -> {
                if (v.type().isInteger()) {
                    yield getLong(key);
                }
                throw wrongType(key, "a number", v);
            }
        };
    }

    public float getFloat(String key, float defaultValue) {
        return contains(key) ? getFloat(key) : defaultValue;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        if (!contains(key)) {
            return defaultValue;
        }
        return cast(require(key), Boolean.class, key, "a boolean");
    }

    public GgufArray getArray(String key) {
        return cast(require(key), GgufArray.class, key, "an array");
    }

    public String[] getStringArray(String key) {
        GgufArray a = getArray(key);
        if (a.values() instanceof String[] s) {
            return s;
        }
        throw new GgufFormatException("metadata key " + key + " must be an array of strings but holds " + a.elementType());
    }

    public float[] getFloatArray(String key) {
        GgufArray a = getArray(key);
        return switch (a.values()) {
            case float[] f -> f;
            case double[] d -> {
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                yield f;
            }
            default -> throw new GgufFormatException("metadata key " + key + " must be an array of floats but holds " + a.elementType());
        };
    }

    public int[] getIntArray(String key) {
        GgufArray a = getArray(key);
        Object raw = a.values();
        int n = a.length();
        int[] out = new int[n];
        switch (raw) {
            case int[] i -> System.arraycopy(i, 0, out, 0, n);
            case byte[] b -> {
                boolean unsigned = a.elementType() == GgufValueType.UINT8;
                for (int i = 0; i < n; i++) {
                    out[i] = unsigned ? b[i] & 0xFF : b[i];
                }
            }
            case short[] s -> {
                boolean unsigned = a.elementType() == GgufValueType.UINT16;
                for (int i = 0; i < n; i++) {
                    out[i] = unsigned ? s[i] & 0xFFFF : s[i];
                }
            }
            case long[] l -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.toIntExact(l[i]);
                }
            }
            default -> throw new GgufFormatException("metadata key " + key + " must be an array of integers but holds " + a.elementType());
        }
        return out;
    }

    private GgufValue require(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            throw new GgufFormatException("required metadata key " + key + " is missing");
        }
        return v;
    }

    private static <T> T cast(GgufValue v, Class<T> type, String key, String expected) {
        if (type.isInstance(v.value())) {
            return type.cast(v.value());
        }
        throw wrongType(key, expected, v);
    }

    private static GgufFormatException wrongType(String key, String expected, GgufValue v) {
        return new GgufFormatException("metadata key " + key + " must be " + expected + " but is " + v.type());
    }
}
