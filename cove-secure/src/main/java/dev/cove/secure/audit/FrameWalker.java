package dev.cove.secure.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Walks every frame of a snapshot in file order, and reports whatever is not a frame. After
 * unreadable bytes it searches for the next frame magic, so one damaged spot does not hide the
 * records behind it.
 */
final class FrameWalker {
    private FrameWalker() {
    }

    /** What the walk finds, in order. */
    sealed interface Item {
        Path segment();

        record Found(Path segment, long offset, Frame frame) implements Item {
        }

        /** Bytes that are no frame, {@code [from, to)}. */
        record Unreadable(Path segment, long from, long to) implements Item {
        }

        /** A frame cut short by the end of the segment; {@code seq} if its header survived. */
        record Torn(Path segment, long offset, Long seq) implements Item {
        }

        /** The segment does not start with a valid header. */
        record BadHeader(Path segment) implements Item {
        }
    }

    static void walk(LogSnapshot snapshot, Consumer<Item> sink) {
        for (LogSnapshot.Extent extent : snapshot.segments()) {
            try {
                walkSegment(extent, sink);
            } catch (IOException e) {
                throw new AuditException(extent.file() + ": cannot read: " + e.getMessage(), e);
            }
        }
    }

    private static void walkSegment(LogSnapshot.Extent extent, Consumer<Item> sink) throws IOException {
        Path file = extent.file();
        ByteBuffer buf = Segments.read(file, 0, extent.length());
        int pos;
        if (SegmentHeader.parse(buf) != null) {
            pos = SegmentHeader.BYTES;
        } else {
            sink.accept(new Item.BadHeader(file));
            pos = nextMagic(buf, 0);
        }
        while (pos < buf.limit()) {
            switch (Frame.parse(buf, pos)) {
                case Frame.Parse.Complete(Frame f, int length) -> {
                    sink.accept(new Item.Found(file, pos, f));
                    pos += length;
                }
                case Frame.Parse.Incomplete(Long seq) -> {
                    sink.accept(new Item.Torn(file, pos, seq));
                    pos = buf.limit();
                }
                case Frame.Parse.Garbage() -> {
                    int next = nextMagic(buf, pos + 1);
                    sink.accept(new Item.Unreadable(file, pos, next));
                    pos = next;
                }
            }
        }
    }

    /** The next position at or after {@code from} where a frame could start, or the limit. */
    private static int nextMagic(ByteBuffer buf, int from) {
        for (int i = from; i + 4 <= buf.limit(); i++) {
            if (buf.getInt(i) == Frame.MAGIC && !(Frame.parse(buf, i) instanceof Frame.Parse.Garbage)) {
                return i;
            }
        }
        return buf.limit();
    }
}
