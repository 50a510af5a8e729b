package dev.cove.cli;

import dev.cove.secure.fs.OwnerOnly;
import dev.cove.secure.sign.KeyAlgorithm;
import dev.cove.secure.sign.KeyId;
import dev.cove.secure.sign.PemKeys;
import dev.cove.secure.sign.TrustedKey;
import dev.cove.secure.store.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cove keygen}: a signing key pair, as PEM files that openssl reads too. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create a signing key pair: a private key (PKCS#8 PEM, readable only by you) and its public key.")
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--type", defaultValue = "ed25519", description = "ed25519 (default), ecdsa (P-256) or rsa (3072 bits).")
    String type;

    @Option(names = {"-o", "--out"}, description = "Private key file (default: $COVE_HOME/keys/signing.pem); the public key goes to FILE.pub.")
    Path out;

    @Option(names = "--trust", description = "Also add the public key to this store's trust store.")
    boolean trust;

    @Option(names = "--name", description = "Name for the key in the trust store (with --trust).")
    String name;

    @Option(names = {"-f", "--force"}, description = "Overwrite existing key files.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        ModelStore store = SecureCli.store();
        Path priv = out != null ? out : store.home().resolve("keys").resolve("signing.pem");
        Path pub = priv.resolveSibling(priv.getFileName() + ".pub");
        if (!force && (Files.exists(priv) || Files.exists(pub))) {
            throw new dev.cove.core.CoveException(priv + " already exists: choose another --out, or --force to replace it");
        }
        KeyPair pair = PemKeys.generate(KeyAlgorithm.parseUserChoice(type));
        Path dir = priv.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + priv.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, PemKeys.toPem(pair.getPrivate()), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            OwnerOnly.restrict(tmp);
            Files.move(tmp, priv, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Files.writeString(pub, PemKeys.toPem(pair.getPublic()), StandardCharsets.US_ASCII);
        KeyId id = KeyId.of(pair.getPublic());
        System.err.println("private key: " + priv + " (keep it secret)");
        System.err.println("public key:  " + pub);
        System.err.println("key id:      " + id + " (" + KeyAlgorithm.of(pair.getPublic()).id() + ")");
        if (trust) {
            TrustedKey k = store.trustStore().add(pair.getPublic(), name);
            System.err.println("trusted as:  " + k.name());
        }
        return 0;
    }
}
