package dev.cove.secure.crypt;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.cove.secure.ModelDigest;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Encrypts model files at rest with Tink's streaming AEAD (AES-256-GCM in 1 MiB segments, segment
 * keys derived with HKDF from a fresh per-file key), and decrypts them into memory for loading.
 *
 * <p>Each file has its own random data key, stored in the file's header wrapped by a
 * {@link KeyEncryptionKey}. Every segment is authenticated, and the last one is marked as last,
 * so a wrong key, a flipped bit, a truncated or extended file all fail. On any failure the
 * partly decrypted memory is zeroed and freed before the exception leaves: no plaintext is ever
 * handed out from a file that did not verify completely, and none is written to disk.
 */
public final class ModelCipher {
    private static final int IO_CHUNK = 1 << 20;
    /** Work unit of parallel decryption: large against the 1 MiB segments, small against models. */
    private static final long DECRYPT_CHUNK = 16L << 20;

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ModelCipher() {
    }

    /** What encryption produced: the plaintext's digest and size, and those of the encrypted bytes. */
    public record Result(ModelDigest plaintextDigest, long plaintextSize, ModelDigest storedDigest, long storedSize) {
    }

    /**
     * Encrypts {@code plain} into {@code target}, atomically: the target appears complete or not at
     * all. {@code target} may not be {@code plain}.
     */
    public static Result encryptFile(Path plain, Path target, KeyEncryptionKey kek) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            Result r = encrypt(plain, tmp, kek);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return r;
        } catch (IOException e) {
            throw new CryptException(target + ": cannot write: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Encrypts {@code plain} into the existing or new file {@code out} (truncated first). */
    public static Result encrypt(Path plain, Path out, KeyEncryptionKey kek) {
        try (FileChannel in = FileChannel.open(plain, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            return encrypt(in.map(FileChannel.MapMode.READ_ONLY, 0, in.size(), arena), plain.toString(), out, kek);
        } catch (NoSuchFileException e) {
            throw new CryptException(plain + ": no such file");
        } catch (IOException e) {
            throw new CryptException("cannot read " + plain + ": " + e.getMessage(), e);
        }
    }

    /**
     * Encrypts the bytes of {@code plain} (for instance a mapped file that was just validated, so
     * exactly those bytes are encrypted and hashed) into {@code out}, truncated first.
     */
    public static Result encrypt(MemorySegment plain, String name, Path out, KeyEncryptionKey kek) {
        try (FileChannel raw = FileChannel.open(out, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = plain.byteSize();
            KeysetHandle keyset = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB, RegistryConfiguration.get());
            byte[] wrapped;
            try {
                wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, kek.aead(),
                        EncryptedHeader.keysetAssociatedData(kek.reference()), RegistryConfiguration.get());
            } catch (GeneralSecurityException e) {
                throw new CryptException("cannot wrap the model key with " + kek.reference() + ": " + e.getMessage(), e);
            }
            EncryptedHeader header = new EncryptedHeader(EncryptedHeader.CIPHER, kek.reference(), size, wrapped);
            byte[] aad = header.encode();
            MessageDigest plainHash = sha256();
            HashingChannel sink = new HashingChannel(raw);
            writeFully(sink, ByteBuffer.wrap(aad));
            StreamingAead aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
            if (size >= GcmWarmup.WORTH_IT) {
                GcmWarmup.run(1);
            }
            try (WritableByteChannel enc = aead.newEncryptingChannel(sink, aad)) {
                byte[] buf = new byte[IO_CHUNK];
                for (long p = 0; p < size; p += IO_CHUNK) {
                    int n = (int) Math.min(IO_CHUNK, size - p);
                    MemorySegment.copy(plain, java.lang.foreign.ValueLayout.JAVA_BYTE, p, buf, 0, n);
                    update(plainHash, buf, n);
                    writeFully(enc, ByteBuffer.wrap(buf, 0, n));
                }
            }
            raw.force(true);
            return new Result(ModelDigest.of(plainHash.digest()), size, ModelDigest.of(sink.digest.digest()), sink.written);
        } catch (IOException | GeneralSecurityException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No space left")) {
                throw new CryptException("cannot encrypt " + name + ": the disk is full", e);
            }
            throw new CryptException("cannot encrypt " + name + ": " + m, e);
        }
    }

    /** A decrypted model in memory. Closing zeroes the plaintext, then frees it. */
    public static final class Decrypted implements AutoCloseable {
        private final ZeroingArena arena;
        private final MemorySegment plaintext;
        private final ModelDigest digest;
        private final EncryptedHeader header;

        Decrypted(ZeroingArena arena, MemorySegment plaintext, ModelDigest digest, EncryptedHeader header) {
            this.arena = arena;
            this.plaintext = plaintext;
            this.digest = digest;
            this.header = header;
        }

        public MemorySegment plaintext() {
            return plaintext;
        }

        /** The plaintext's SHA-256, or null when it was not asked for. */
        public ModelDigest digest() {
            return digest;
        }

        public EncryptedHeader header() {
            return header;
        }

        /**
         * The arena that owns the plaintext, for handing its ownership on (for instance to
         * {@code GgufFile.fromSegment}); closing it zeroes and frees the plaintext.
         */
        public Arena arena() {
            return arena;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * Decrypts a whole encrypted model into native memory, on {@code threads} threads.
     *
     * @param keys finds the key-encryption key a file's header names
     * @param computeDigest whether to hash the plaintext too (for signature checks); the hash runs
     *     alongside decryption
     */
    public static Decrypted decrypt(Path file, Function<String, KeyEncryptionKey> keys, boolean computeDigest, int threads) {
        String name = file.getFileName().toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            EncryptedHeader header = EncryptedHeader.read(name, ch);
            byte[] aad = header.encode();
            long base = aad.length;
            KeyEncryptionKey kek = keys.apply(header.kekReference());
            StreamingAead aead;
            try {
                KeysetHandle keyset = TinkProtoKeysetFormat.parseEncryptedKeyset(header.wrappedKeyset(), kek.aead(),
                        EncryptedHeader.keysetAssociatedData(header.kekReference()), RegistryConfiguration.get());
                aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
            } catch (GeneralSecurityException e) {
                throw new CryptException(name + ": wrong key: " + header.kekReference()
                        + " cannot unwrap this model's key (it was encrypted under a different key, or the header is damaged)", e);
            }
            long size = header.plaintextSize();
            ZeroingArena arena = new ZeroingArena(Arena.ofShared());
            boolean ok = false;
            try {
                MemorySegment out = arena.allocate(Math.max(size, 1), 64).asSlice(0, size);
                arena.protect(out);
                ModelDigest digest = decryptInto(name, ch, base, aead, aad, out, computeDigest, Math.max(1, threads));
                ok = true;
                return new Decrypted(arena, out, digest, header);
            } finally {
                if (!ok) {
                    arena.close();
                }
            }
        } catch (NoSuchFileException e) {
            throw new CryptException(file + ": no such file");
        } catch (OutOfMemoryError e) {
            throw new CryptException(name + ": not enough memory to decrypt the model", e);
        } catch (IOException e) {
            throw new CryptException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static ModelDigest decryptInto(String name, FileChannel ch, long base, StreamingAead aead, byte[] aad,
            MemorySegment out, boolean computeDigest, int threads) throws IOException {
        long size = out.byteSize();
        int chunks = (int) Math.max(1, (size + DECRYPT_CHUNK - 1) / DECRYPT_CHUNK);
        List<CompletableFuture<Void>> done = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) {
            done.add(new CompletableFuture<>());
        }
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        int workers = Math.min(threads, chunks);
        List<Thread> pool = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            Thread t = Thread.ofPlatform().name("cove-decrypt-" + w).daemon().start(() -> {
                if (size >= GcmWarmup.WORTH_IT) {
                    GcmWarmup.run(workers);
                }
                try (SeekableByteChannel dec = aead.newSeekableDecryptingChannel(new OffsetChannel(ch, base), aad)) {
                    int i;
                    while (!failed.get() && (i = next.getAndIncrement()) < chunks) {
                        long off = i * DECRYPT_CHUNK;
                        long len = Math.min(DECRYPT_CHUNK, size - off);
                        dec.position(off);
                        ByteBuffer dst = out.asSlice(off, len).asByteBuffer();
                        while (dst.hasRemaining()) {
                            if (dec.read(dst) < 0) {
                                throw new CryptException(name + ": truncated: the encrypted data ends before the "
                                        + size + " bytes its header announces");
                            }
                        }
                        if (i == chunks - 1 && dec.read(ByteBuffer.allocate(1)) >= 0) {
                            throw new CryptException(name + ": the encrypted data goes on past the "
                                    + size + " bytes its header announces");
                        }
                        done.get(i).complete(null);
                    }
                } catch (Throwable e) {
                    failed.set(true);
                    for (CompletableFuture<Void> f : done) {
                        f.completeExceptionally(e);
                    }
                }
            });
            pool.add(t);
        }
        MessageDigest hash = computeDigest ? sha256() : null;
        Throwable failure = null;
        try {
            byte[] tmp = computeDigest ? new byte[IO_CHUNK] : null;
            for (int i = 0; i < chunks; i++) {
                done.get(i).join();
                if (hash != null) {
                    long off = i * DECRYPT_CHUNK;
                    long end = Math.min(size, off + DECRYPT_CHUNK);
                    for (long p = off; p < end; p += IO_CHUNK) {
                        int n = (int) Math.min(IO_CHUNK, end - p);
                        MemorySegment.copy(out, java.lang.foreign.ValueLayout.JAVA_BYTE, p, tmp, 0, n);
                        update(hash, tmp, n);
                    }
                }
            }
        } catch (CompletionException e) {
            failure = e.getCause();
        } finally {
            failed.set(failure != null || failed.get());
            for (Thread t : pool) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = failure == null ? e : failure;
                }
            }
        }
        if (failure != null) {
            throw translate(name, failure);
        }
        return hash == null ? null : ModelDigest.of(hash.digest());
    }

    private static RuntimeException translate(String name, Throwable failure) {
        if (failure instanceof CryptException c) {
            return c;
        }
        if (failure instanceof ClosedByInterruptException || failure instanceof InterruptedException) {
            return new CryptException(name + ": decryption interrupted", failure);
        }
        // Tink reports a failed segment tag (flipped bit, wrong segment order, truncation at a
        // segment boundary) as an IOException wrapping a GeneralSecurityException.
        return new CryptException(name + ": damaged or tampered encrypted model: authentication failed"
                + " (a changed, truncated or extended file); no plaintext was released", failure);
    }

    /**
     * Decrypts to a plaintext file, atomically (for {@code cove decrypt}, when the user asks for a
     * plain copy). The file appears only after every byte has been authenticated.
     */
    public static ModelDigest decryptFile(Path file, Path target, Function<String, KeyEncryptionKey> keys) {
        try (Decrypted d = decrypt(file, keys, true, Runtime.getRuntime().availableProcessors())) {
            Path dir = target.toAbsolutePath().getParent();
            Path tmp = null;
            try {
                Files.createDirectories(dir);
                tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
                try (FileChannel w = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    for (long off = 0; off < d.plaintext().byteSize(); off += Integer.MAX_VALUE / 2) {
                        long len = Math.min(Integer.MAX_VALUE / 2, d.plaintext().byteSize() - off);
                        writeFully(w, d.plaintext().asSlice(off, len).asByteBuffer());
                    }
                    w.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                tmp = null;
                return d.digest();
            } catch (IOException e) {
                throw new CryptException(target + ": cannot write: " + e.getMessage(), e);
            } finally {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Hashes in 64 KiB calls: the JDK's SHA-256 intrinsic for many blocks is only used once its
     * caller is compiled, which many moderate calls bring about far sooner than few huge ones.
     */
    static void update(MessageDigest md, byte[] buf, int n) {
        for (int o = 0; o < n; o += 1 << 16) {
            md.update(buf, o, Math.min(1 << 16, n - o));
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: a temporary file named with a dot and .tmp
            }
        }
    }

    /** Hashes and counts what passes through to a channel. */
    private static final class HashingChannel implements WritableByteChannel {
        private final WritableByteChannel out;
        final MessageDigest digest = sha256();
        long written;

        HashingChannel(WritableByteChannel out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            ByteBuffer view = src.duplicate();
            int n = out.write(src);
            view.limit(view.position() + n);
            digest.update(view);
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() {
            // The file channel is closed by its owner.
        }
    }

    /** A read-only view of a file from {@code base} on, with its own position; reads are positional. */
    private static final class OffsetChannel implements SeekableByteChannel {
        private final FileChannel ch;
        private final long base;
        private long position;
        private boolean open = true;

        OffsetChannel(FileChannel ch, long base) {
            this.ch = ch;
            this.base = base;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = ch.read(dst, base + position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() throws IOException {
            return Math.max(0, ch.size() - base);
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
