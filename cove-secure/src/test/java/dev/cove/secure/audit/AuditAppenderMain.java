package dev.cove.secure.audit;

import dev.cove.secure.keys.Pkcs12KeyStore;
import java.nio.file.Path;

/**
 * A second process for {@link AuditConcurrencyTest}: appends {@code count} records as
 * {@code writer} to the audit log in {@code dir}, with keys from the keystore.
 *
 * <p>Arguments: dir keystore password writer count
 */
public final class AuditAppenderMain {
    private AuditAppenderMain() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Pkcs12KeyStore ks = Pkcs12KeyStore.open(Path.of(args[1]), args[2].toCharArray());
        AuditLog log = AuditLog.open(AuditFixtures.config(dir), AuditKeys.from(ks));
        int count = Integer.parseInt(args[4]);
        for (int i = 0; i < count; i++) {
            log.append(AuditFixtures.record(args[3], i));
        }
    }
}
