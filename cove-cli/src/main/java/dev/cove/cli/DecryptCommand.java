package dev.cove.cli;

import dev.cove.secure.crypt.KeySettings;
import dev.cove.secure.crypt.ModelCipher;
import dev.cove.secure.store.Manifest;
import dev.cove.secure.store.ModelRef;
import dev.cove.secure.store.ModelResolver;
import dev.cove.secure.store.ModelStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cove decrypt MODEL OUT}: write a plaintext copy of an encrypted model (a store name or a
 * file). The copy appears only once every byte has been authenticated. Models are loaded without
 * this: {@code cove run} decrypts into memory.
 */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = "Write a plaintext GGUF copy of an encrypted model (not needed to run it: loading decrypts in memory).")
final class DecryptCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "An encrypted model: a store name or a file.")
    String model;

    @Parameters(index = "1", description = "The plaintext GGUF file to write.")
    Path out;

    @Override
    public Integer call() {
        ModelStore store = SecureCli.store();
        ModelRef ref = new ModelResolver(store).resolve(model);
        if (ref instanceof ModelRef.Stored s && !s.manifest().encrypted()) {
            throw new dev.cove.core.CoveException(s.manifest().name() + " is not encrypted");
        }
        KeySettings keys = SecureCli.keys(store);
        var digest = ModelCipher.decryptFile(ref.file(), out, keys::forDecryption);
        if (ref instanceof ModelRef.Stored s) {
            Manifest m = s.manifest();
            if (!m.digest().equals(digest.sha256Hex())) {
                try {
                    java.nio.file.Files.deleteIfExists(out);
                } catch (java.io.IOException ignored) {
                    // reported below either way
                }
                throw new dev.cove.core.CoveException(out + ": decrypted, but its SHA-256 is not the one recorded for " + m.name());
            }
        }
        System.err.println("wrote " + out + " (sha256 " + digest.sha256Hex() + ")");
        return 0;
    }
}
