package dev.cove.secure.store;

import java.nio.file.Path;
import java.util.Map;

/** Where Cove keeps its state: {@code $COVE_HOME}, or {@code ~/.cove}. */
public final class CoveHome {
    private CoveHome() {
    }

    public static Path resolve(Map<String, String> env) {
        String home = env.get("COVE_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".cove").toAbsolutePath().normalize();
    }

    public static Path resolve() {
        return resolve(System.getenv());
    }
}
