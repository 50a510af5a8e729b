package dev.cove.secure.telemetry;

import dev.cove.secure.fs.CrossProcessLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local JSON-lines journal of events, in numbered files. It is both the local telemetry
 * record and the export queue: exporting reads from it after the acknowledged cursor, so an
 * endpoint outage loses nothing and memory stays bounded by the batch size.
 *
 * <p>Bounded on disk: once the files pass {@code maxBytes}, the oldest file is deleted, sent or
 * not, and the events in it are counted as dropped. Appends from several threads and processes
 * go through a cross-process lock and are whole lines.
 */
final class TelemetrySpool {
    private static final System.Logger LOG = System.getLogger(TelemetrySpool.class.getName());
    private static final Pattern NAME = Pattern.compile("events-(\\d{12})\\.jsonl");
    private static final int MAX_READ_BYTES = 4 * 1024 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final long fileBytes;
    private final Path lockFile;

    TelemetrySpool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.fileBytes = Math.max(16 * 1024, Math.min(maxBytes / 8, MAX_READ_BYTES));
        this.lockFile = dir.resolve("spool.lock");
    }

    /** A batch read from the spool and the cursor just after it. */
    record Batch(List<String> lines, SpoolCursor next) {
    }

    /** Appends one line; returns how many old events had to be dropped to stay within bounds. */
    long append(String jsonLine) throws IOException {
        byte[] bytes = (jsonLine + "\n").getBytes(StandardCharsets.UTF_8);
        try (CrossProcessLock _ = CrossProcessLock.acquire(lockFile)) {
            List<Long> files = files();
            long index = files.isEmpty() ? 0 : files.getLast();
            Path file = path(index);
            if (!files.isEmpty() && Files.size(file) + bytes.length > fileBytes) {
                index++;
                file = path(index);
            }
            // Positional writes at the end: every appender holds the lock, so the end cannot move meanwhile.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                long end = ch.size();
                // A crash may have left a line without its newline; never glue a new event to it.
                if (end > 0 && lastByte(ch) != '\n') {
                    end += ch.write(ByteBuffer.wrap(new byte[] {'\n'}), end);
                }
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    end += ch.write(buf, end);
                }
            }
            return enforceBound(index);
        }
    }

    /** Up to {@code max} complete lines after {@code from}, oldest first. */
    Batch read(SpoolCursor from, int max) throws IOException {
        List<Long> files = files();
        List<String> lines = new ArrayList<>();
        SpoolCursor at = from;
        if (!files.isEmpty() && at.file() < files.getFirst()) {
            at = new SpoolCursor(files.getFirst(), 0); // older files were dropped to bound the spool
        }
        for (long index : files) {
            if (index < at.file()) {
                continue;
            }
            long start = index == at.file() ? at.offset() : 0;
            at = new SpoolCursor(index, start);
            Path file = path(index);
            long size = Files.size(file);
            if (start < size) {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - start, MAX_READ_BYTES));
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    while (buf.hasRemaining() && ch.read(buf, start + buf.position()) > 0) {
                        // keep reading
                    }
                }
                byte[] data = new byte[buf.position()];
                buf.flip().get(data);
                int lineStart = 0;
                for (int i = 0; i < data.length && lines.size() < max; i++) {
                    if (data[i] == '\n') {
                        if (i > lineStart) {
                            lines.add(new String(data, lineStart, i - lineStart, StandardCharsets.UTF_8));
                        }
                        lineStart = i + 1;
                    }
                }
                at = new SpoolCursor(index, start + lineStart);
                boolean capped = data.length < size - start;
                boolean consumedAll = start + lineStart == size;
                // Bytes after the last newline of an older file are a line a crash cut short: skip them.
                boolean tornTail = !capped && lines.size() < max && index != files.getLast();
                if (!consumedAll && !tornTail) {
                    break;
                }
            }
            if (lines.size() >= max || index == files.getLast()) {
                break;
            }
        }
        return new Batch(lines, at);
    }

    /** Deletes files wholly before {@code acknowledged}: sent and confirmed. */
    void deleteBefore(SpoolCursor acknowledged) throws IOException {
        try (CrossProcessLock _ = CrossProcessLock.acquire(lockFile)) {
            for (long index : files()) {
                if (index < acknowledged.file()) {
                    Files.deleteIfExists(path(index));
                }
            }
        }
    }

    private long enforceBound(long current) throws IOException {
        long dropped = 0;
        List<Long> files = files();
        long total = 0;
        for (long i : files) {
            total += Files.size(path(i));
        }
        for (long i : files) {
            if (total <= maxBytes || i == current) {
                break;
            }
            Path p = path(i);
            long size = Files.size(p);
            dropped += countLines(p);
            Files.deleteIfExists(p);
            total -= size;
        }
        if (dropped > 0) {
            LOG.log(System.Logger.Level.WARNING, "telemetry spool is full ({0} bytes): dropped {1} unsent events",
                    maxBytes, dropped);
        }
        return dropped;
    }

    List<Long> files() throws IOException {
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "events-*.jsonl")) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Long.parseLong(m.group(1)));
                }
            }
        }
        out.sort(null);
        return out;
    }

    Path path(long index) {
        return dir.resolve(String.format("events-%012d.jsonl", index));
    }

    private static int lastByte(FileChannel ch) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, ch.size() - 1);
        return one.get(0);
    }

    private static long countLines(Path p) throws IOException {
        long n = 0;
        for (byte b : Files.readAllBytes(p)) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
