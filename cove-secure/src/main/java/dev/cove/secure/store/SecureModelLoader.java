package dev.cove.secure.store;

import dev.cove.core.Model;
import dev.cove.core.gguf.GgufFile;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.crypt.EncryptedHeader;
import dev.cove.secure.crypt.KeySettings;
import dev.cove.secure.crypt.ModelCipher;
import dev.cove.secure.sign.SignatureVerifier;
import dev.cove.secure.sign.TrustDecision;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.secure.sign.UntrustedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one way the CLI, the server and API users load a model with Cove's protections: resolves a
 * store name or a path, decrypts an encrypted model into memory (never to a file), checks its
 * signatures against the trust store, and applies the trust policy before the engine sees it.
 *
 * <p>The digest that signatures are checked against is computed from the very bytes the engine
 * will use (the mapping it runs on, or the decrypted memory), so a file swapped between the check
 * and the load cannot slip through. Hashing happens only when there are signatures to check and
 * the policy is not {@code off}: an unsigned model under {@code warn} loads as fast as without
 * Cove's checks, with a warning.
 *
 * <p>Signatures come from the store's manifest for a named model, from {@code FILE.sig} beside a
 * model given by path, and from every store entry of the same bytes (same SHA-256): a signature
 * belongs to the bytes, wherever they are loaded from. Thread-safe.
 */
public final class SecureModelLoader {
    private final ModelStore store;
    private final KeySettings keys;
    private final TrustPolicy override;
    private final Consumer<String> warnings;
    private final java.util.concurrent.atomic.AtomicBoolean loweringWarned = new java.util.concurrent.atomic.AtomicBoolean();
    private final WarnOnce warnOnce; // null: warn at every load

    /**
     * @param override the policy for this load, or null to use the store's
     * @param warnings receives the message when the policy is {@code warn} and the model is not trusted
     */
    public SecureModelLoader(ModelStore store, KeySettings keys, TrustPolicy override, Consumer<String> warnings) {
        this(store, keys, override, warnings, null);
    }

    private SecureModelLoader(ModelStore store, KeySettings keys, TrustPolicy override, Consumer<String> warnings,
            WarnOnce warnOnce) {
        this.store = store;
        this.keys = keys;
        this.override = override;
        this.warnings = warnings;
        this.warnOnce = warnOnce;
    }

    /**
     * This loader, but a {@code warn}-policy warning about a model is given once per file (and
     * again when the file or the problem changes), remembered in the store's home: for the
     * command line, where the same unsigned file is run again and again.
     */
    public SecureModelLoader warningOncePerFile() {
        return new SecureModelLoader(store, keys, override, warnings, WarnOnce.in(store.home()));
    }

    /**
     * Opens a model to read its metadata, tensors or vocabulary (decrypting it in memory if it is
     * encrypted), without the trust policy: nothing of it is run. For {@code info},
     * {@code tokenize}, {@code quantize --dry-run}. The caller owns the file.
     */
    public GgufFile inspect(String nameOrPath) {
        return openImage(new ModelResolver(store).resolve(nameOrPath), false, 1).file();
    }

    /** A loader for the default store ({@code COVE_HOME}) with keys configured from the environment. */
    public static SecureModelLoader fromEnvironment(TrustPolicy override, KeySettings.PasswordPrompt prompt,
            Consumer<String> warnings) {
        Map<String, String> env = System.getenv();
        ModelStore store = ModelStore.open(CoveHome.resolve(env));
        return new SecureModelLoader(store, KeySettings.fromEnvironment(store.home(), env, prompt), override, warnings);
    }

    public ModelStore store() {
        return store;
    }

    /**
     * The policy loads run under: the override when given, else the store's. An override weaker
     * than the store's policy is refused when the store locks its policy
     * ({@code trust.policy.locked=true}), and otherwise allowed, with a loud warning (once per
     * loader) when it lowers {@code require}.
     *
     * @throws UntrustedModelException when the override would lower a locked policy
     */
    public TrustPolicy policy() {
        StoreConfig config = store.config();
        TrustPolicy configured = config.trustPolicy();
        if (override == null || override.compareTo(configured) >= 0) {
            return override != null ? override : configured;
        }
        if (config.trustPolicyLocked()) {
            throw new UntrustedModelException("the trust policy '" + configured.id() + "' set in " + config.file()
                    + " is locked (trust.policy.locked=true): --trust-policy " + override.id()
                    + " cannot lower it. Sign the model and trust its key, or ask the administrator");
        }
        // Lowering the default warn to off is a user's own choice; lowering require is not.
        if (configured == TrustPolicy.REQUIRE && loweringWarned.compareAndSet(false, true)) {
            warnings.accept("WARNING: --trust-policy " + override.id() + " lowers the trust policy '" + configured.id()
                    + "' set in " + config.file() + ": models are loaded without the signature checks it requires."
                    + " Set trust.policy.locked=true there to forbid this");
        }
        return override;
    }

    /** A model opened and admitted by the policy: the engine's view of it, and the verdict. */
    public record Opened(GgufFile file, ModelRef ref, TrustDecision decision, ModelDigest digest) implements AutoCloseable {
        @Override
        public void close() {
            file.close();
        }
    }

    /** Loads a model for inference on {@code threads} threads, enforcing the trust policy. */
    public Model load(String nameOrPath, int threads) {
        return Model.load(open(nameOrPath, threads).file(), threads);
    }

    /**
     * Opens a model and enforces the trust policy. Throws {@link dev.cove.secure.sign.UntrustedModelException}
     * when the policy refuses it; the caller owns the returned file.
     */
    public Opened open(String nameOrPath, int threads) {
        ModelRef ref = new ModelResolver(store).resolve(nameOrPath);
        TrustPolicy policy = policy();
        List<SignatureVerifier.Source> signatures = policy == TrustPolicy.OFF ? List.of() : new ArrayList<>(signaturesOf(ref));
        StoreSignatures stored = policy == TrustPolicy.OFF ? null : storeSignatures();
        boolean storeMayCover = stored != null && stored.mayCover(ggufSizeHint(ref));
        boolean needDigest = policy != TrustPolicy.OFF && (!signatures.isEmpty() || storeMayCover);
        Image image = openImage(ref, needDigest, threads);
        try {
            if (storeMayCover) {
                signatures.addAll(stored.covering(image.digest(), storedName(ref)));
            }
            List<SignatureVerifier.Check> checks = needDigest
                    ? verifier().verify(signatures, image.digest(), image.file().fileSize(), image.file().segment())
                    : List.of();
            TrustDecision decision = new TrustDecision(policy, ref.displayName(), checks);
            decision.enforce();
            if (decision.problem() != null && (warnOnce == null || warnOnce.firstTime(ref, decision.problem()))) {
                warnings.accept("warning: " + decision.problem() + " (trust policy: warn; loading anyway"
                        + (warnOnce == null ? ")" : "; said once for this file)"));
            }
            return new Opened(image.file(), ref, decision, image.digest());
        } catch (RuntimeException e) {
            image.file().close();
            throw e;
        }
    }

    /** What {@code cove verify} reports: every signature's fate, whatever the policy. */
    public record Verification(ModelRef ref, ModelDigest digest, long size, List<SignatureVerifier.Check> checks) {
        public boolean trusted() {
            return checks.stream().anyMatch(SignatureVerifier.Check::trusted);
        }
    }

    /**
     * Hashes a model (decrypting it in memory if needed) and checks all its signatures plus
     * {@code extra} ones, without applying the policy.
     */
    public Verification verify(String nameOrPath, List<SignatureVerifier.Source> extra, int threads) {
        ModelRef ref = new ModelResolver(store).resolve(nameOrPath);
        List<SignatureVerifier.Source> all = new ArrayList<>(signaturesOf(ref));
        all.addAll(extra);
        Image image = openImage(ref, true, threads);
        try (GgufFile f = image.file()) {
            all.addAll(storeSignatures().covering(image.digest(), storedName(ref)));
            return new Verification(ref, image.digest(), f.fileSize(),
                    verifier().verify(all, image.digest(), f.fileSize(), f.segment()));
        }
    }

    /** Hashes a model's GGUF bytes (decrypting if needed) without loading it for inference. */
    public Image digestOf(String nameOrPath, int threads) {
        return openImage(new ModelResolver(store).resolve(nameOrPath), true, threads);
    }

    /** An opened GGUF image and, when asked for, its SHA-256. */
    public record Image(GgufFile file, ModelDigest digest) {
    }

    private Image openImage(ModelRef ref, boolean needDigest, int threads) {
        boolean encrypted = ref instanceof ModelRef.Stored s ? s.manifest().encrypted() : EncryptedHeader.isEncrypted(ref.file());
        if (encrypted) {
            ModelCipher.Decrypted d = ModelCipher.decrypt(ref.file(), keys::forDecryption, needDigest, Math.max(1, threads));
            try {
                GgufFile file = GgufFile.fromSegment(d.plaintext(), nameForMessages(ref), d.arena());
                return new Image(file, d.digest());
            } catch (RuntimeException e) {
                d.close();
                throw e;
            }
        }
        GgufFile file = GgufFile.open(ref.file());
        try {
            return new Image(file, needDigest ? Sha256.of(file.segment()) : null);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The store's signed entries; a store that cannot be read lends no signatures, and says so. */
    private StoreSignatures storeSignatures() {
        try {
            return StoreSignatures.of(store);
        } catch (StoreException e) {
            warnings.accept("warning: the store's signatures could not be read, only the model's own count: "
                    + e.getMessage());
            return StoreSignatures.of(List.of());
        }
    }

    /** The size of the GGUF inside, when known without decrypting; -1 otherwise. */
    private static long ggufSizeHint(ModelRef ref) {
        return switch (ref) {
            case ModelRef.Stored s -> s.manifest().size();
            case ModelRef.File f -> {
                if (EncryptedHeader.isEncrypted(f.file())) {
                    yield -1;
                }
                try {
                    yield Files.size(f.file());
                } catch (IOException e) {
                    yield -1;
                }
            }
        };
    }

    /** The store entry a reference names (its own signatures are already counted), or null for a file. */
    private static String storedName(ModelRef ref) {
        return ref instanceof ModelRef.Stored s ? s.manifest().name() : null;
    }

    private static String nameForMessages(ModelRef ref) {
        return ref instanceof ModelRef.Stored s ? s.manifest().name() + ".gguf" : ref.file().getFileName().toString();
    }

    private SignatureVerifier verifier() {
        return new SignatureVerifier(store.trustStore());
    }

    /** The signatures that come with a model: the manifest's, or {@code FILE.sig} beside a file. */
    public static List<SignatureVerifier.Source> signaturesOf(ModelRef ref) {
        List<SignatureVerifier.Source> out = new ArrayList<>();
        switch (ref) {
            case ModelRef.Stored s -> {
                for (StoredSignature sig : s.manifest().signatures()) {
                    out.add(new SignatureVerifier.Source(sig.origin(), sig.bytes()));
                }
            }
            case ModelRef.File f -> {
                Path sig = f.file().resolveSibling(f.file().getFileName() + ".sig");
                if (Files.isRegularFile(sig)) {
                    out.add(readSignatureFile(sig));
                }
            }
        }
        return out;
    }

    /** Reads a signature file (a Cove signature or a raw openssl one). */
    public static SignatureVerifier.Source readSignatureFile(Path sig) {
        try {
            if (Files.size(sig) > 64 * 1024) {
                throw new StoreException(sig + ": too large to be a signature");
            }
            return new SignatureVerifier.Source(sig.getFileName().toString(), Files.readAllBytes(sig));
        } catch (IOException e) {
            throw new StoreException(sig + ": cannot read signature: " + e.getMessage(), e);
        }
    }
}
