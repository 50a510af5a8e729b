package dev.cove.cli;

import dev.cove.secure.crypt.KeyEncryptionKey;
import dev.cove.secure.crypt.ModelCipher;
import dev.cove.secure.store.Manifest;
import dev.cove.secure.store.ModelRef;
import dev.cove.secure.store.ModelResolver;
import dev.cove.secure.store.ModelStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove encrypt MODEL [OUT]}: a stored model is re-stored encrypted (its plaintext blob is
 * removed); a file is encrypted to OUT (default FILE.enc), leaving the original for you to delete.
 */
@Command(name = "encrypt", mixinStandardHelpOptions = true,
        description = "Encrypt a model at rest with AES-256-GCM (Tink streaming AEAD); the key is wrapped by a PKCS#12 or PKCS#11 key.")
final class EncryptCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "A store name (encrypted in the store) or a GGUF file.")
    String model;

    @Parameters(index = "1", arity = "0..1", description = "Output file for a GGUF file (default: MODEL.enc).")
    Path out;

    @Option(names = "--key", paramLabel = "STORE[:ALIAS]",
            description = "Key-encryption key: pkcs12 (default; $COVE_KEYSTORE, passphrase $COVE_KEYSTORE_PASSWORD) or pkcs11 (COVE_PKCS11_*).")
    String key;

    @Override
    public Integer call() {
        ModelStore store = SecureCli.store();
        ModelRef ref = new ModelResolver(store).resolve(model);
        KeyEncryptionKey kek = SecureCli.keys(store).forEncryption(key);
        if (ref instanceof ModelRef.Stored s) {
            Manifest m = s.manifest();
            if (m.encrypted()) {
                throw new dev.cove.core.CoveException(m.name() + " is already encrypted (with " + m.encryption() + ")");
            }
            Manifest e = store.importFile(s.file(), m.name(), new ModelStore.ImportOptions(m.source(), kek, true, m.signatures()));
            System.err.println("encrypted " + e.name() + " in the store with " + e.encryption());
            return 0;
        }
        Path target = out != null ? out : ref.file().resolveSibling(ref.file().getFileName() + ".enc");
        ModelCipher.Result r = ModelCipher.encryptFile(ref.file(), target, kek);
        System.err.println("wrote " + target + " (model sha256 " + r.plaintextDigest().sha256Hex() + ", key " + kek.reference()
                + "); the plaintext " + ref.file() + " is unchanged: delete it when you no longer need it");
        return 0;
    }
}
