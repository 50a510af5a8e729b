package dev.cove.secure.crypt;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clear-text header of an encrypted model file:
 *
 * <pre>
 * bytes 0..7    "COVEENC1"
 * bytes 8..11   header text length H, big-endian
 * bytes 12..    H bytes of UTF-8 "key: value" lines:
 *                 cipher: AES256_GCM_HKDF_1MB
 *                 kek: pkcs12:cove-model-kek
 *                 plaintext-size: 1185376
 *                 keyset: (base64 of the model's Tink keyset, encrypted under the kek)
 * bytes 12+H..  Tink streaming AEAD ciphertext
 * </pre>
 *
 * All header bytes are the associated data of the stream, so changing any of them (the size,
 * the key reference) makes decryption fail rather than mislead.
 */
public record EncryptedHeader(String cipher, String kekReference, long plaintextSize, byte[] wrappedKeyset) {
    public static final byte[] MAGIC = "COVEENC1".getBytes(StandardCharsets.US_ASCII);
    public static final String CIPHER = "AES256_GCM_HKDF_1MB";
    private static final int MAX_HEADER = 64 * 1024;

    public EncryptedHeader {
        wrappedKeyset = wrappedKeyset.clone();
    }

    @Override
    public byte[] wrappedKeyset() {
        return wrappedKeyset.clone();
    }

    /** The whole header as written to the file, which is also the stream's associated data. */
    public byte[] encode() {
        String text = "cipher: " + cipher + "\n"
                + "kek: " + kekReference + "\n"
                + "plaintext-size: " + plaintextSize + "\n"
                + "keyset: " + Base64.getEncoder().encodeToString(wrappedKeyset) + "\n";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + body.length);
        b.put(MAGIC).putInt(body.length).put(body);
        return b.array();
    }

    /** Associated data binding the wrapped keyset to its key reference. */
    static byte[] keysetAssociatedData(String kekReference) {
        return ("cove-model-keyset-v1\nkek: " + kekReference + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** True when the file starts with the encrypted-model magic. */
    public static boolean isEncrypted(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // keep reading
            }
            return !b.hasRemaining() && java.util.Arrays.equals(b.array(), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the header at the start of the channel; the channel is left just after it. */
    static EncryptedHeader read(String name, FileChannel ch) throws IOException {
        ByteBuffer fixed = ByteBuffer.allocate(MAGIC.length + 4);
        readFully(name, ch, fixed, 0);
        byte[] magic = new byte[MAGIC.length];
        fixed.flip().get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new CryptException(name + ": not a Cove encrypted model (wrong magic bytes)");
        }
        int len = fixed.getInt();
        if (len <= 0 || len > MAX_HEADER) {
            throw new CryptException(name + ": damaged encrypted model header (length " + len + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        readFully(name, ch, body, MAGIC.length + 4);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : new String(body.array(), StandardCharsets.UTF_8).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new CryptException(name + ": damaged encrypted model header");
            }
            fields.put(line.substring(0, colon), line.substring(colon + 2));
        }
        try {
            String cipher = fields.get("cipher");
            if (!CIPHER.equals(cipher)) {
                throw new CryptException(name + ": unsupported cipher '" + cipher + "' (Cove reads " + CIPHER + ")");
            }
            String kek = fields.get("kek");
            long size = Long.parseLong(fields.get("plaintext-size"));
            byte[] keyset = Base64.getDecoder().decode(fields.get("keyset"));
            if (kek == null || size < 0) {
                throw new CryptException(name + ": damaged encrypted model header");
            }
            EncryptedHeader h = new EncryptedHeader(cipher, kek, size, keyset);
            if (!java.util.Arrays.equals(h.encode(), readAll(fixed.array(), body.array()))) {
                throw new CryptException(name + ": damaged encrypted model header (not in canonical form)");
            }
            ch.position(MAGIC.length + 4 + len);
            return h;
        } catch (NumberFormatException | NullPointerException e) {
            throw new CryptException(name + ": damaged encrypted model header", e);
        } catch (IllegalArgumentException e) {
            throw new CryptException(name + ": damaged encrypted model header: " + e.getMessage(), e);
        }
    }

    public static EncryptedHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file.toString(), ch);
        } catch (IOException e) {
            throw new CryptException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void readFully(String name, FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new CryptException(name + ": truncated encrypted model (the header is cut off)", new EOFException());
            }
            pos += n;
        }
    }
}
