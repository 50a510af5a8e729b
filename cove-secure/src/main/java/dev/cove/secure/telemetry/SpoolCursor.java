package dev.cove.secure.telemetry;

import dev.cove.secure.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * How far the spool has been acknowledged by the endpoint: everything before byte
 * {@code offset} of spool file number {@code file}. Persisted only after an acknowledgement,
 * atomically, which is what makes a restart neither lose nor resend events.
 */
record SpoolCursor(long file, long offset) implements Comparable<SpoolCursor> {
    static final SpoolCursor START = new SpoolCursor(0, 0);

    @Override
    public int compareTo(SpoolCursor o) {
        int c = Long.compare(file, o.file);
        return c != 0 ? c : Long.compare(offset, o.offset);
    }

    static SpoolCursor load(Path path) throws IOException {
        try {
            String[] parts = Files.readString(path, StandardCharsets.US_ASCII).strip().split(" ");
            return new SpoolCursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NoSuchFileException e) {
            return START;
        } catch (RuntimeException e) {
            // A damaged cursor is never rewritten by hand; resending beats losing.
            return START;
        }
    }

    void save(Path path) throws IOException {
        AtomicFiles.write(path, (file + " " + offset + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
