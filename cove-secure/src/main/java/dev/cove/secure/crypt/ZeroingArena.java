package dev.cove.secure.crypt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An arena that overwrites the plaintext it holds with zeros before freeing it, so a decrypted
 * model does not linger in freed memory after its model is closed. Closing twice is harmless.
 */
final class ZeroingArena implements Arena {
    private final Arena delegate;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile MemorySegment secret;

    ZeroingArena(Arena delegate) {
        this.delegate = delegate;
    }

    /** The segment to zero on close. */
    void protect(MemorySegment segment) {
        this.secret = segment;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        return delegate.allocate(byteSize, byteAlignment);
    }

    @Override
    public MemorySegment.Scope scope() {
        return delegate.scope();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            MemorySegment s = secret;
            if (s != null) {
                s.fill((byte) 0);
            }
        } finally {
            delegate.close();
        }
    }
}
