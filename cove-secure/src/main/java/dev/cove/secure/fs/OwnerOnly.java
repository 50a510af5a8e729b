package dev.cove.secure.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/** Restricts a file or directory to its owner where the file system has POSIX permissions. */
public final class OwnerOnly {
    private OwnerOnly() {
    }

    public static void restrict(Path path) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) == null) {
            return;
        }
        String perms = Files.isDirectory(path) ? "rwx------" : "rw-------";
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
    }

    /** Creates {@code dir} (and parents) if missing and restricts it to the owner. */
    public static Path directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        restrict(dir);
        return dir;
    }
}
