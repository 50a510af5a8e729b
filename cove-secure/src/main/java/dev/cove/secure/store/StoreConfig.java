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
 * (off | warn | require; default warn).
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

    public void setTrustPolicy(TrustPolicy policy) {
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
