package dev.cove.secure.store;

import dev.cove.secure.fs.AtomicFiles;
import dev.cove.secure.sign.TrustPolicy;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Per-store settings in {@code $COVE_HOME/config.properties}: {@code trust.policy}
 * (off | warn | require; default warn), and {@code trust.policy.locked} (true | false; default
 * false): when true, no command-line flag and no {@code cove trust policy} may set a weaker
 * policy than the configured one, so an administrator's {@code require} stays required.
 */
public final class StoreConfig {
    public static final TrustPolicy DEFAULT_POLICY = TrustPolicy.WARN;
    private final Path file;

    StoreConfig(Path file) {
        this.file = file;
    }

    public TrustPolicy trustPolicy() {
        String v = read().getProperty("trust.policy");
        return v == null ? DEFAULT_POLICY : TrustPolicy.parse(v);
    }

    /** Whether the configured policy may only be tightened, not lowered ({@code trust.policy.locked}). */
    public boolean trustPolicyLocked() {
        String v = read().getProperty("trust.policy.locked");
        if (v == null) {
            return false;
        }
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new StoreException(file + ": trust.policy.locked must be true or false, not '"
                    + shorten(v) + "'");
        };
    }

    /** The settings file, for messages. */
    public Path file() {
        return file;
    }

    /** Sets the store's policy; refused when it would lower a locked one. */
    public void setTrustPolicy(TrustPolicy policy) {
        TrustPolicy current = trustPolicy();
        if (policy.compareTo(current) < 0 && trustPolicyLocked()) {
            throw new StoreException("the trust policy '" + current.id() + "' is locked (trust.policy.locked=true in "
                    + file + "): it cannot be lowered to '" + policy.id() + "'; an administrator can unlock it there");
        }
        Properties p = read();
        p.setProperty("trust.policy", policy.id());
        StringWriter w = new StringWriter();
        try {
            p.store(w, "Cove store settings");
            AtomicFiles.write(file, w.toString().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new StoreException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static String shorten(String v) {
        return v.length() <= 20 ? v : v.substring(0, 20) + "...";
    }

    private Properties read() {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try {
                p.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
            } catch (IOException | IllegalArgumentException e) {
                throw new StoreException(file + ": cannot read store settings: " + e.getMessage(), e);
            }
        }
        return p;
    }
}
