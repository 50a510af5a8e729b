package dev.cove.secure.telemetry;

import java.nio.file.Path;
import java.util.Objects;

/** Which certificates the exporter trusts. Verification itself is never optional. */
public sealed interface TrustSource {
    /** The JDK's default trust store (public certificate authorities). */
    record SystemTrust() implements TrustSource {
    }

    /** A PKCS#12 trust store file, e.g. holding a private CA or the collector's own certificate. */
    record TrustStoreFile(Path file, char[] password) implements TrustSource {
        public TrustStoreFile {
            Objects.requireNonNull(file, "file");
            password = password == null ? new char[0] : password.clone();
        }

        @Override
        public String toString() {
            return "TrustStoreFile[file=" + file + ", password=(hidden)]";
        }
    }
}
