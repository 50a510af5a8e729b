package dev.cove.secure.telemetry;

import dev.cove.secure.fs.AtomicFiles;
import dev.cove.secure.fs.CrossProcessLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Keeps the device id in a file, creating it once (under a lock, so two processes agree on it). */
final class DeviceIdFile {
    private DeviceIdFile() {
    }

    static DeviceId loadOrCreate(Path file) throws IOException {
        try (CrossProcessLock _ = CrossProcessLock.acquire(file.resolveSibling(file.getFileName() + ".lock"))) {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
                try {
                    return new DeviceId(UUID.fromString(text));
                } catch (IllegalArgumentException e) {
                    // Damaged: a new random id is harmless (it only links events to each other).
                }
            }
            DeviceId id = DeviceId.random();
            AtomicFiles.write(file, (id.value() + "\n").getBytes(StandardCharsets.US_ASCII));
            return id;
        }
    }
}
