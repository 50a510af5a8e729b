package dev.cove.secure.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Remembers which trust warnings were already shown, so that each is shown once per model file
 * rather than on every run: a warning is identified by the file (absolute path, size and
 * modification time, so a changed file is warned about again) and the problem's text (a new
 * problem is new news). Kept in {@code $COVE_HOME/warned} as SHA-256 digests, one per line: the
 * file says which warnings were seen, not which models were used. When the file cannot be read or
 * written, every warning is shown.
 */
public final class WarnOnce {
    /** Oldest lines are dropped past this many, so the file stays small. */
    private static final int MAX_ENTRIES = 2000;

    private final Path file;

    private WarnOnce(Path file) {
        this.file = file;
    }

    /** The memory kept in a Cove home. */
    public static WarnOnce in(Path coveHome) {
        return new WarnOnce(coveHome.resolve("warned"));
    }

    /** Whether {@code problem} about {@code ref} is shown now (first time); remembers that it was. */
    public synchronized boolean firstTime(ModelRef ref, String problem) {
        String key;
        try {
            Path p = ref.file().toAbsolutePath().normalize();
            key = p + "\u0000" + Files.size(p) + "\u0000" + Files.getLastModifiedTime(p).toMillis() + "\u0000" + problem;
        } catch (IOException e) {
            return true;
        }
        String digest = java.util.HexFormat.of().formatHex(Sha256.newDigest().digest(key.getBytes(StandardCharsets.UTF_8)));
        try {
            List<String> seen = Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.US_ASCII) : List.of();
            Set<String> set = new HashSet<>(seen);
            if (set.contains(digest)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            if (seen.size() >= MAX_ENTRIES) {
                List<String> kept = new java.util.ArrayList<>(seen.subList(seen.size() - MAX_ENTRIES / 2, seen.size()));
                kept.add(digest);
                Files.write(file, kept, StandardCharsets.US_ASCII);
            } else {
                Files.writeString(file, digest + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
