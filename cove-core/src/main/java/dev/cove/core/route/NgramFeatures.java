package dev.cove.core.route;

import java.util.Arrays;
import java.util.Locale;

/**
 * Turns text into hashed n-gram counts: the text lower-cased, digits mapped to {@code 0}, runs
 * of white space made one space and a space added at each end; then every run of
 * {@code minN..maxN} code points, and (when {@code words}) every word (a run of letters and
 * digits), hashed into one of {@code 2^bucketBits} buckets, each bucket's count c weighted
 * {@code 1 + ln c}. Character n-grams need no tokenizer or vocabulary, see through typos, and
 * catch the surface of code ({@code ();}, {@code def }) and of clinical shorthand ({@code mg },
 * {@code b.i.d}) alike; whole words add the names (git, rust, sql) that a few examples cannot
 * teach through their letters alone. The hash is part of the classifier file's format:
 * changing it means a new format version. Thread-safe (immutable).
 */
public final class NgramFeatures {
    /**
     * Only this many leading characters are read: it bounds the time a request's routing takes
     * (and a message's opening says what it is about as well as its whole does).
     */
    public static final int MAX_CHARS = 4096;
    private static final int WORD_SEED = 0x5BD1E995;

    private final int minN;
    private final int maxN;
    private final boolean words;
    private final int bucketBits;

    public NgramFeatures(int minN, int maxN, boolean words, int bucketBits) {
        if (minN < 1 || maxN < minN || maxN > 8) {
            throw new IllegalArgumentException("n-gram lengths must satisfy 1 <= min <= max <= 8, not " + minN + ".." + maxN);
        }
        if (bucketBits < 4 || bucketBits > 24) {
            throw new IllegalArgumentException("bucket bits must be 4 to 24, not " + bucketBits);
        }
        this.minN = minN;
        this.maxN = maxN;
        this.words = words;
        this.bucketBits = bucketBits;
    }

    /** Character 1- to 4-grams and words in 2^18 buckets. */
    public static NgramFeatures standard() {
        return new NgramFeatures(1, 4, true, 18);
    }

    public int minN() {
        return minN;
    }

    public int maxN() {
        return maxN;
    }

    public boolean words() {
        return words;
    }

    public int bucketBits() {
        return bucketBits;
    }

    /** The buckets {@code text} touches, with {@code 1 + ln count} each (empty for blank text). */
    public SparseVector counts(String text) {
        int[] cps = normalized(text);
        if (cps.length <= 1) {
            return new SparseVector(new int[0], new float[0]);
        }
        int mask = (1 << bucketBits) - 1;
        int[] hashes = new int[cps.length * (maxN - minN + 1) + (words ? cps.length / 2 + 1 : 0)];
        int count = 0;
        for (int start = 0; start < cps.length; start++) {
            int h = 0x811C9DC5;
            for (int n = 1; n <= maxN && start + n <= cps.length; n++) {
                h = (h ^ cps[start + n - 1]) * 0x01000193; // FNV-1a over code points
                if (n >= minN) {
                    hashes[count++] = mix(h ^ n) & mask;
                }
            }
        }
        if (words) {
            int h = WORD_SEED;
            boolean inWord = false;
            for (int cp : cps) {
                if (Character.isLetterOrDigit(cp)) {
                    h = (h ^ cp) * 0x01000193;
                    inWord = true;
                } else if (inWord) {
                    hashes[count++] = mix(h) & mask;
                    h = WORD_SEED;
                    inWord = false;
                }
            }
        }
        Arrays.sort(hashes, 0, count);
        int[] indices = new int[count];
        float[] values = new float[count];
        int distinct = 0;
        for (int i = 0; i < count; ) {
            int j = i;
            while (j < count && hashes[j] == hashes[i]) {
                j++;
            }
            indices[distinct] = hashes[i];
            values[distinct++] = (float) (1 + Math.log(j - i));
            i = j;
        }
        return new SparseVector(Arrays.copyOf(indices, distinct), Arrays.copyOf(values, distinct));
    }

    /** The code points n-grams are taken from, with the padding spaces. */
    static int[] normalized(String text) {
        int end = Math.min(text.length(), MAX_CHARS);
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a character
        }
        String lower = text.substring(0, end).toLowerCase(Locale.ROOT);
        int[] out = new int[lower.length() + 2];
        int n = 0;
        out[n++] = ' ';
        for (int i = 0; i < lower.length(); ) {
            int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                if (out[n - 1] != ' ') {
                    out[n++] = ' ';
                }
            } else {
                out[n++] = Character.isDigit(cp) ? '0' : cp;
            }
        }
        if (out[n - 1] != ' ') {
            out[n++] = ' ';
        }
        return Arrays.copyOf(out, n);
    }

    /** MurmurHash3's finalizer: FNV's low bits alone are poorly mixed. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
