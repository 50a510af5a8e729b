package dev.cove.core.quantize;

import java.util.Comparator;

/**
 * The order in which llama.cpp's loader keeps a model's tensors ({@code weight_name_comparer}) and
 * so the order {@code llama-quantize} writes them: tensors outside the blocks first, by name, then
 * block by block in numeric order, by name within a block.
 */
public final class TensorOrder {
    /** Compares tensor names as llama.cpp does. */
    public static final Comparator<String> LLAMA_CPP = (a, b) -> {
        int la = layer(a);
        int lb = layer(b);
        if (la != lb) {
            return Integer.compare(la, lb);
        }
        return compareBytes(a, b);
    };

    private TensorOrder() {
    }

    /** {@code sscanf(name, "blk.%d.")}: the block number, or -1. */
    static int layer(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int i = 4;
        int sign = 1;
        if (i < name.length() && (name.charAt(i) == '-' || name.charAt(i) == '+')) {
            sign = name.charAt(i) == '-' ? -1 : 1;
            i++;
        }
        long v = 0;
        int start = i;
        while (i < name.length() && Character.isDigit(name.charAt(i)) && i - start < 10) {
            v = v * 10 + (name.charAt(i) - '0');
            i++;
        }
        return i == start ? -1 : (int) (sign * v);
    }

    /** std::string's operator&lt;: unsigned byte order of the UTF-8 encodings (char order for ASCII names). */
    private static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }
}
