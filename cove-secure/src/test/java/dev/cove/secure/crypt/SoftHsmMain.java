package dev.cove.secure.crypt;

import dev.cove.secure.ModelDigest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Run in a child JVM by {@link SoftHsmTest}, because SoftHSM2 reads its configuration from the
 * process environment ({@code SOFTHSM2_CONF}), which a running JVM cannot change.
 *
 * <pre>
 * SoftHsmMain encrypt MODEL OUT        encrypt under the token's key (created if missing)
 * SoftHsmMain decrypt ENCRYPTED DIGEST decrypt into memory and compare the digest
 * SoftHsmMain wrongkey ENCRYPTED       decrypt with another key on the token: must be refused
 * SoftHsmMain wrongpin ENCRYPTED       log in with a wrong PIN: must be refused
 * </pre>
 * Prints one line starting with OK or FAIL; the exit status is 0 only for OK.
 */
public final class SoftHsmMain {
    private SoftHsmMain() {
    }

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("FAIL " + t);
            System.exit(1);
        }
    }

    private static String run(String[] args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        Path home = Path.of(System.getProperty("java.io.tmpdir"));
        switch (args[0]) {
            case "encrypt" -> {
                KeyEncryptionKey kek = KeySettings.fromEnvironment(home, env, null).forEncryption("pkcs11");
                ModelCipher.Result r = ModelCipher.encryptFile(Path.of(args[1]), Path.of(args[2]), kek);
                return "OK " + kek.reference() + " " + r.plaintextDigest().sha256Hex();
            }
            case "decrypt" -> {
                KeySettings keys = KeySettings.fromEnvironment(home, env, null);
                try (ModelCipher.Decrypted d = ModelCipher.decrypt(Path.of(args[1]), keys::forDecryption, true, 2)) {
                    if (!d.digest().equals(new ModelDigest(args[2]))) {
                        throw new AssertionError("digest mismatch");
                    }
                    return "OK decrypted " + d.plaintext().byteSize() + " bytes";
                }
            }
            case "wrongkey" -> {
                KeyEncryptionKey other = KeySettings.fromEnvironment(home, env, null).forEncryption("pkcs11:another-key");
                try {
                    ModelCipher.decrypt(Path.of(args[1]), ref -> other, true, 2).close();
                    throw new AssertionError("decrypted with the wrong key");
                } catch (CryptException e) {
                    return "OK refused: " + e.getMessage();
                }
            }
            case "wrongpin" -> {
                env.put("COVE_PKCS11_PIN", "0000");
                KeySettings keys = KeySettings.fromEnvironment(home, env, null);
                try {
                    ModelCipher.decrypt(Path.of(args[1]), keys::forDecryption, true, 2).close();
                    throw new AssertionError("decrypted with a wrong PIN");
                } catch (CryptException e) {
                    return "OK refused: " + e.getMessage();
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
