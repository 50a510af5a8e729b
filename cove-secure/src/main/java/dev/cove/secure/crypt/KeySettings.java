package dev.cove.secure.crypt;

import dev.cove.secure.keys.Pkcs12KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where key-encryption keys live and how they are unlocked, resolved from the environment:
 *
 * <ul>
 * <li>{@code COVE_KEYSTORE}: the PKCS#12 keystore (default {@code $COVE_HOME/keys/cove.p12}, the
 *     keystore the audit log uses too), unlocked with {@code COVE_KEYSTORE_PASSWORD} or, when that
 *     is unset, by asking the user.</li>
 * <li>{@code COVE_PKCS11_LIBRARY} (default SoftHSM2's library when installed),
 *     {@code COVE_PKCS11_SLOT} (slot id) or {@code COVE_PKCS11_SLOT_INDEX} (default 0), and
 *     {@code COVE_PKCS11_PIN} or, when unset, by asking the user.</li>
 * </ul>
 *
 * An encrypted file records only which kind of store and which alias; a model is therefore
 * unreadable on a machine without that key, whatever the file says.
 */
public final class KeySettings {
    public static final String DEFAULT_ALIAS = "cove-model-kek";
    private static final Path[] SOFTHSM_LIBRARIES = {
        Path.of("/usr/lib/softhsm/libsofthsm2.so"),
        Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
        Path.of("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
        Path.of("/usr/local/lib/softhsm/libsofthsm2.so"),
    };

    private final Path keystore;
    private final Supplier<char[]> keystorePassword;
    private final Pkcs11Kek.Token token;
    private final Supplier<char[]> pin;
    private volatile Pkcs12KeyStore openedKeystore;

    public KeySettings(Path keystore, Supplier<char[]> keystorePassword, Pkcs11Kek.Token token, Supplier<char[]> pin) {
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
        this.token = token;
        this.pin = pin;
    }

    /**
     * Settings from environment variables; {@code ask} is called with a prompt when a passphrase
     * or PIN is needed and not in the environment (null: fail with a message instead).
     */
    public static KeySettings fromEnvironment(Path coveHome, Map<String, String> env, PasswordPrompt ask) {
        Path ks = env.containsKey("COVE_KEYSTORE") ? Path.of(env.get("COVE_KEYSTORE")) : coveHome.resolve("keys").resolve("cove.p12");
        Supplier<char[]> password = secret(env, "COVE_KEYSTORE_PASSWORD", ask, "Passphrase for keystore " + ks + ": ");
        Path lib = null;
        if (env.containsKey("COVE_PKCS11_LIBRARY")) {
            lib = Path.of(env.get("COVE_PKCS11_LIBRARY"));
        } else {
            for (Path p : SOFTHSM_LIBRARIES) {
                if (Files.isRegularFile(p)) {
                    lib = p;
                    break;
                }
            }
        }
        Pkcs11Kek.Token token = null;
        if (lib != null) {
            try {
                Long slot = env.containsKey("COVE_PKCS11_SLOT") ? Long.valueOf(env.get("COVE_PKCS11_SLOT").strip()) : null;
                int index = env.containsKey("COVE_PKCS11_SLOT_INDEX") ? Integer.parseInt(env.get("COVE_PKCS11_SLOT_INDEX").strip()) : 0;
                token = new Pkcs11Kek.Token(lib, slot, index);
            } catch (NumberFormatException e) {
                throw new CryptException("COVE_PKCS11_SLOT and COVE_PKCS11_SLOT_INDEX must be numbers");
            }
        }
        return new KeySettings(ks, password, token, secret(env, "COVE_PKCS11_PIN", ask, "PIN for the PKCS#11 token: "));
    }

    /** Asks the user for a secret; returns null when no one can answer. */
    @FunctionalInterface
    public interface PasswordPrompt {
        char[] ask(String prompt);
    }

    private static Supplier<char[]> secret(Map<String, String> env, String variable, PasswordPrompt ask, String prompt) {
        return () -> {
            String v = env.get(variable);
            if (v != null) {
                return v.toCharArray();
            }
            char[] answer = ask == null ? null : ask.ask(prompt);
            if (answer == null) {
                throw new CryptException("a secret is needed and none was given: set " + variable);
            }
            return answer;
        };
    }

    public Path keystore() {
        return keystore;
    }

    /**
     * The key to encrypt with, from a user's choice: {@code pkcs12} or {@code pkcs11}, optionally
     * followed by {@code :ALIAS}; generated in its store when missing.
     */
    public KeyEncryptionKey forEncryption(String choice) {
        return resolve(choice == null ? Pkcs12Kek.KIND : choice, true);
    }

    /** The key an encrypted file names (its {@link KeyEncryptionKey#reference()}); never created. */
    public KeyEncryptionKey forDecryption(String reference) {
        return resolve(reference, false);
    }

    private KeyEncryptionKey resolve(String spec, boolean create) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String alias = colon < 0 ? DEFAULT_ALIAS : spec.substring(colon + 1);
        if (!alias.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new CryptException("key alias '" + alias + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return switch (kind) {
            case Pkcs12Kek.KIND -> create ? Pkcs12Kek.getOrCreate(pkcs12(), alias) : Pkcs12Kek.existing(pkcs12(), alias);
            case Pkcs11Kek.KIND -> {
                if (token == null) {
                    throw new CryptException("no PKCS#11 library found: install SoftHSM2 or set COVE_PKCS11_LIBRARY");
                }
                yield create ? Pkcs11Kek.getOrCreate(token, pin.get(), alias) : Pkcs11Kek.existing(token, pin.get(), alias);
            }
            default -> throw new CryptException("unknown key store '" + kind + "': use pkcs12 or pkcs11 (optionally :ALIAS)");
        };
    }

    private Pkcs12KeyStore pkcs12() {
        Pkcs12KeyStore ks = openedKeystore;
        if (ks == null) {
            synchronized (this) {
                ks = openedKeystore;
                if (ks == null) {
                    char[] pw = keystorePassword.get();
                    try {
                        ks = Pkcs12KeyStore.open(keystore, pw);
                    } finally {
                        java.util.Arrays.fill(pw, '\0');
                    }
                    openedKeystore = ks;
                }
            }
        }
        return ks;
    }
}
