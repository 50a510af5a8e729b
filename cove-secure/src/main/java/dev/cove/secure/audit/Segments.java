package dev.cove.secure.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names, lists and reads the segment files of an audit directory. */
final class Segments {
    static final String CHECKPOINT_FILE = "audit.checkpoint";
    static final String LOCK_FILE = "audit.lock";
    private static final Pattern NAME = Pattern.compile("audit-(\\d{10})\\.seg");

    private Segments() {
    }

    static Path path(Path dir, long index) {
        return dir.resolve(String.format("audit-%010d.seg", index));
    }

    static long index(Path segment) {
        Matcher m = NAME.matcher(segment.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment file name");
        }
        return Long.parseLong(m.group(1));
    }

    /** Segment files in the order they were written. */
    static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "audit-*.seg")) {
            for (Path p : ds) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        }
        out.sort((a, b) -> Long.compare(index(a), index(b)));
        return out;
    }

    /** Reads {@code [from, to)} of a file; segments are bounded in size so this stays small. */
    static ByteBuffer read(Path file, long from, long to) throws IOException {
        long length = Math.max(0, to - from);
        if (length > Integer.MAX_VALUE - 16) {
            throw new AuditException(file + ": segment is too large to read (" + length + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = from;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
        }
        buf.flip();
        return buf;
    }
}
