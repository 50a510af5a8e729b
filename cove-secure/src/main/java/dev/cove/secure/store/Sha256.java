package dev.cove.secure.store;

import dev.cove.secure.ModelDigest;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of model-sized data at the speed of the JDK's intrinsic: 1 MiB blocks copied out of a
 * mapping into one reused heap array, which {@link MessageDigest} hashes without further copies.
 */
public final class Sha256 {
    private static final int BLOCK = 1 << 20;

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ModelDigest of(MemorySegment data) {
        return ModelDigest.of(hashAndCopy(data, null));
    }

    public static ModelDigest of(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            return of(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        } catch (NoSuchFileException e) {
            throw new StoreException(file + ": no such file");
        } catch (IOException e) {
            throw new StoreException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Hashes {@code data} and, when {@code out} is not null, writes the same bytes to it: what is
     * written is exactly what was hashed, even if the source file changes meanwhile.
     */
    public static byte[] hashAndCopy(MemorySegment data, WritableByteChannel out) {
        MessageDigest md = newDigest();
        byte[] buf = new byte[(int) Math.min(BLOCK, Math.max(1, data.byteSize()))];
        ByteBuffer wrapped = ByteBuffer.wrap(buf);
        long size = data.byteSize();
        try {
            for (long p = 0; p < size; p += BLOCK) {
                int n = (int) Math.min(BLOCK, size - p);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, p, buf, 0, n);
                for (int o = 0; o < n; o += 1 << 16) {
                    // Moderate calls: the JDK's multi-block SHA-256 intrinsic kicks in sooner.
                    md.update(buf, o, Math.min(1 << 16, n - o));
                }
                if (out != null) {
                    wrapped.clear().limit(n);
                    while (wrapped.hasRemaining()) {
                        out.write(wrapped);
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreException(describeWriteFailure(e), e);
        }
        return md.digest();
    }

    static String describeWriteFailure(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota")) {
            return "the disk is full: free some space and try again (" + m + ")";
        }
        return "cannot write: " + m;
    }
}
