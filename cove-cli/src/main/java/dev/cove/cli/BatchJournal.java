package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.json.Json;
import dev.cove.core.json.JsonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The finished rows of a {@code cove batch} job, kept in {@code OUT.partial} so that an
 * interrupted job resumes where it stopped: each finished row is appended as one line and forced
 * to disk before the next, so a row is either wholly there (and never done again) or not at all
 * (and done on the next run). A torn last line, from a crash in mid-write, is cut off on opening.
 * When every row is done, {@link #complete} writes {@code OUT} in the input's order, through a
 * temporary file renamed into place, and removes the journal.
 *
 * <p>Each line's key (what {@link JsonlRows.Entry#key()} says of its input line) is found again
 * from the line: the JSON text of its {@code id}, or {@code line:N} for a row that had none.
 */
final class BatchJournal implements AutoCloseable {
    private final Path out;
    private final Path partial;
    private final FileChannel channel;
    /** Where each finished row's line starts in the journal, and its length. */
    private final Map<String, long[]> lines = new HashMap<>();

    private BatchJournal(Path out, Path partial, FileChannel channel) {
        this.out = out;
        this.partial = partial;
        this.channel = channel;
    }

    static Path partialOf(Path out) {
        return out.resolveSibling(out.getFileName() + ".partial");
    }

    /** Opens (or starts) the journal of {@code out}, reading the rows an earlier run finished. */
    static BatchJournal open(Path out) {
        Path partial = partialOf(out);
        try {
            FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            BatchJournal journal = new BatchJournal(out, partial, channel);
            try {
                journal.load();
            } catch (RuntimeException e) {
                channel.close();
                throw e;
            }
            return journal;
        } catch (IOException e) {
            throw new UncheckedIOException(partial + ": cannot be opened (" + e.getMessage() + ")", e);
        }
    }

    private void load() throws IOException {
        long start = 0; // of the line being read
        long position = 0;
        int lineNumber = 0;
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(partial), 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                position++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                lineNumber++;
                String key = keyOf(line.toString(StandardCharsets.UTF_8), lineNumber);
                lines.put(key, new long[] {start, position - start});
                line.reset();
                start = position;
            }
        }
        // A torn last line (the process stopped while writing it): that row is not done.
        channel.truncate(start);
        channel.position(start);
    }

    private String keyOf(String line, int lineNumber) {
        try {
            if (Json.parse(line, partial + " line " + lineNumber) instanceof Map<?, ?> m) {
                Object id = m.get("id");
                if (id != null && id != Json.NULL) {
                    return Json.write(id);
                }
                if (m.get("line") instanceof Long n) {
                    return "line:" + n;
                }
            }
        } catch (JsonException e) {
            // reported below
        }
        throw new CoveException(partial + " line " + lineNumber + " is not a row of this job: remove the file to"
                + " start again");
    }

    /** Whether the row with this key is finished. */
    boolean isDone(String key) {
        return lines.containsKey(key);
    }

    int size() {
        return lines.size();
    }

    /** Records a finished row (one JSON object, no newline), on disk before this returns. */
    void append(String key, String json) {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            long start = channel.position();
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            lines.put(key, new long[] {start, bytes.length});
        } catch (IOException e) {
            throw new UncheckedIOException(partial + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Writes {@code OUT} with the rows of {@code keys}, in that order, atomically, and removes the
     * journal. Returns how many journal rows were not among the keys (left out: the input changed).
     */
    int complete(List<String> keys) {
        java.util.Set<String> wanted = new java.util.HashSet<>(keys);
        Path temp = out.resolveSibling(out.getFileName() + ".tmp");
        try (FileChannel target = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (String key : keys) {
                long[] at = lines.get(key);
                if (at == null) {
                    throw new IllegalStateException("row " + key + " is not finished");
                }
                long done = 0;
                while (done < at[1]) {
                    done += channel.transferTo(at[0] + done, at[1] - done, target);
                }
            }
            target.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(temp + ": cannot be written (" + e.getMessage() + ")", e);
        }
        try {
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            close();
            Files.delete(partial);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot be written (" + e.getMessage() + ")", e);
        }
        return (int) lines.keySet().stream().filter(k -> !wanted.contains(k)).count();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(partial + ": cannot be closed (" + e.getMessage() + ")", e);
        }
    }
}
