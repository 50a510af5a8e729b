package dev.cove.core.route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The file a trained {@link RouteClassifier} is kept in, little-endian:
 *
 * <pre>
 * magic        8 bytes  "COVE-RTR"
 * version      u32      {@value #VERSION}
 * fingerprint  32 bytes SHA-256 of the training data and settings
 * n-gram min, max, words (0/1), bucket bits   4 x u8
 * l2           f64
 * examples     u32      how many the IDF weights were counted over
 * routes       u32 K, then K x (u16 byte length, UTF-8 name)
 * features     u32 D, then D x u32 bucket (increasing)
 * idf          D f32
 * weights      D x K f32
 * biases       K f32
 * checksum     u32      CRC-32C of every byte before it
 * </pre>
 *
 * Written to a temporary file and moved into place, so a reader never sees half a file. Every
 * count is checked against the bytes that remain before anything is allocated.
 */
public final class ClassifierFile {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "COVE-RTR".getBytes(StandardCharsets.US_ASCII);
    /** Far beyond what 2^24 buckets times a few routes need; a larger file is not one of ours. */
    private static final long MAX_BYTES = 256L << 20;
    private static final int MAX_ROUTES = 4096;

    private ClassifierFile() {
    }

    /** Writes {@code classifier} to {@code file}, replacing it whole or not at all. */
    public static void write(Path file, RouteClassifier classifier) {
        LogisticRegression m = classifier.model();
        List<byte[]> names = classifier.routes().stream().map(r -> r.getBytes(StandardCharsets.UTF_8)).toList();
        long size = MAGIC.length + 4 + 32 + 4 + 8 + 4 + 4 + 4 + 8L * m.buckets().length + 4L * m.weights().length
                + 4L * m.bias().length + 4;
        for (byte[] n : names) {
            size += 2 + n.length;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).put(classifier.fingerprint());
        NgramFeatures f = classifier.features();
        b.put((byte) f.minN()).put((byte) f.maxN()).put((byte) (f.words() ? 1 : 0)).put((byte) f.bucketBits())
                .putDouble(classifier.l2()).putInt(classifier.examples());
        b.putInt(names.size());
        for (byte[] n : names) {
            b.putShort((short) n.length).put(n);
        }
        b.putInt(m.buckets().length);
        for (int bucket : m.buckets()) {
            b.putInt(bucket);
        }
        for (float w : classifier.idf()) {
            b.putFloat(w);
        }
        for (float w : m.weights()) {
            b.putFloat(w);
        }
        for (float w : m.bias()) {
            b.putFloat(w);
        }
        b.putInt((int) crc(b.array(), b.position()));
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.write(tmp, b.array());
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the classifier: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a classifier file.
     *
     * @throws RouteException when the file is missing, is not a classifier file, was written by
     *     another format version, or is damaged (truncated, checksum wrong, counts impossible)
     */
    public static RouteClassifier read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new RouteException(file + ": " + size + " bytes is too large for a router classifier; retrain it");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RouteException(file + ": no trained classifier here; run `cove route train` on the routes file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the classifier: " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 4 || !ByteBuffer.wrap(bytes, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new RouteException(file + ": not a Cove router classifier (retrain with `cove route train`)");
        }
        b.position(MAGIC.length);
        int version = b.getInt();
        if (version != VERSION) {
            throw new RouteException(file + ": classifier format version " + Integer.toUnsignedString(version)
                    + ", but this Cove reads version " + VERSION + "; retrain with `cove route train`");
        }
        if (bytes.length < MAGIC.length + 8) {
            throw corrupt(file, "it is truncated");
        }
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc(bytes, bytes.length - 4) != stored) {
            throw corrupt(file, "its checksum does not match (truncated or changed)");
        }
        try {
            ByteBuffer body = b.slice(b.position(), bytes.length - 4 - b.position()).order(ByteOrder.LITTLE_ENDIAN);
            return parse(file, body);
        } catch (BufferUnderflowException e) {
            throw corrupt(file, "it ends early");
        }
    }

    private static RouteClassifier parse(Path file, ByteBuffer b) {
        byte[] fingerprint = new byte[32];
        b.get(fingerprint);
        int minN = b.get();
        int maxN = b.get();
        int words = b.get();
        int bits = b.get();
        NgramFeatures features;
        try {
            if (words != 0 && words != 1) {
                throw new IllegalArgumentException("the words flag is " + words);
            }
            features = new NgramFeatures(minN, maxN, words == 1, bits);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
        double l2 = b.getDouble();
        int examples = b.getInt();
        if (examples < 1) {
            throw corrupt(file, "it says it was trained on " + Integer.toUnsignedString(examples) + " examples");
        }
        int k = b.getInt();
        if (k < 2 || k > MAX_ROUTES) {
            throw corrupt(file, "it says it has " + Integer.toUnsignedString(k) + " routes");
        }
        List<String> routes = new ArrayList<>(k);
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        for (int i = 0; i < k; i++) {
            int len = Short.toUnsignedInt(b.getShort());
            if (len > b.remaining()) {
                throw corrupt(file, "a route name runs past its end");
            }
            try {
                routes.add(decoder.decode(b.slice(b.position(), len)).toString());
            } catch (CharacterCodingException e) {
                throw corrupt(file, "a route name is not UTF-8");
            }
            b.position(b.position() + len);
        }
        int d = b.getInt();
        // D buckets + D IDF weights + D*K weights + K biases, 4 bytes each, must be exactly what is left.
        long need = 8L * d + 4L * d * k + 4L * k;
        if (d < 0 || d > (1 << bits) || need != b.remaining()) {
            throw corrupt(file, "it says it has " + Integer.toUnsignedString(d) + " features, which does not fit its size");
        }
        int[] buckets = new int[d];
        for (int i = 0; i < d; i++) {
            buckets[i] = b.getInt();
            if (buckets[i] < 0 || buckets[i] >= (1 << bits) || i > 0 && buckets[i] <= buckets[i - 1]) {
                throw corrupt(file, "its feature buckets are out of order or range");
            }
        }
        float[] idf = new float[d];
        for (int i = 0; i < d; i++) {
            idf[i] = b.getFloat();
            if (!(idf[i] >= 1 && idf[i] < 100)) {
                throw corrupt(file, "an IDF weight is out of range");
            }
        }
        float[] weights = new float[d * k];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = b.getFloat();
            if (!Float.isFinite(weights[i])) {
                throw corrupt(file, "a weight is not a finite number");
            }
        }
        float[] bias = new float[k];
        for (int i = 0; i < k; i++) {
            bias[i] = b.getFloat();
            if (!Float.isFinite(bias[i])) {
                throw corrupt(file, "a bias is not a finite number");
            }
        }
        if (!(l2 > 0)) {
            throw corrupt(file, "its penalty is not positive");
        }
        return new RouteClassifier(routes, features, new LogisticRegression(k, buckets, weights, bias), idf, examples, l2,
                fingerprint);
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    private static RouteException corrupt(Path file, String why) {
        return new RouteException(file + ": the router classifier is damaged (" + why + "); retrain with `cove route train`");
    }
}
