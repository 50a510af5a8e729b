package dev.cove.secure.audit;

import dev.cove.secure.keys.KeyKind;
import dev.cove.secure.keys.KeystoreException;
import dev.cove.secure.keys.Pkcs12KeyStore;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * The two keys of an audit log: one encrypts records, the other authenticates the checkpoint.
 * Separate keys so that neither is used for two purposes.
 */
public record AuditKeys(SecretKey recordKey, SecretKey checkpointKey) {
    public static final String RECORD_KEY_ALIAS = "cove-audit-record";
    public static final String CHECKPOINT_KEY_ALIAS = "cove-audit-checkpoint";

    public AuditKeys {
        Objects.requireNonNull(recordKey, "recordKey");
        Objects.requireNonNull(checkpointKey, "checkpointKey");
    }

    /** The audit keys from {@code keystore}, created there on first use. */
    public static AuditKeys from(Pkcs12KeyStore keystore) {
        return new AuditKeys(
                keystore.secretKey(RECORD_KEY_ALIAS, KeyKind.AES_256),
                keystore.secretKey(CHECKPOINT_KEY_ALIAS, KeyKind.HMAC_SHA256));
    }

    /**
     * The audit keys already in {@code keystore}, for reading and verifying: never creates keys,
     * because new keys could only ever fail to open the existing log.
     */
    public static AuditKeys existing(Pkcs12KeyStore keystore) {
        return new AuditKeys(
                keystore.findSecretKey(RECORD_KEY_ALIAS).orElseThrow(() -> missing(keystore, RECORD_KEY_ALIAS)),
                keystore.findSecretKey(CHECKPOINT_KEY_ALIAS).orElseThrow(() -> missing(keystore, CHECKPOINT_KEY_ALIAS)));
    }

    private static KeystoreException missing(Pkcs12KeyStore keystore, String alias) {
        return new KeystoreException(keystore.file() + ": has no audit key '" + alias
                + "' (is this the keystore the audit log was written with?)");
    }

    @Override
    public String toString() {
        return "AuditKeys[recordKey=(hidden), checkpointKey=(hidden)]";
    }
}
