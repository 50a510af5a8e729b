package dev.cove.spark;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.kernel.WorkerPool;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.crypt.KeySettings;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.secure.store.CoveHome;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.SecureModelLoader;
import dev.cove.secure.store.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this executor JVM: each loaded once (memory-mapped, through the trust policy)
 * and shared by every task that runs here, for the life of the JVM. Keyed by where the model is
 * and the digest it must have, so a job that names another file or another digest gets its own.
 *
 * <p>A load that fails (no such file, a wrong digest, a signature the policy refuses) is not
 * remembered: every task that needs the model tries again and fails with the same reason, so no
 * task on any executor runs an unchecked model. Thread-safe.
 */
final class ExecutorModels {
    /** One loaded model and the digest it was checked against (null: not hashed). */
    record Loaded(Model model, ModelDigest digest) {
    }

    private static final Map<String, Loaded> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    static Loaded get(CoveSparkOptions options) {
        Path path = locate(options);
        String key = path.toAbsolutePath() + "#" + (options.sha256() == null ? "" : options.sha256()) + "#"
                + options.trustPolicy() + "#" + options.coveHome();
        return MODELS.computeIfAbsent(key, k -> load(path, options));
    }

    /** Where the model is on this executor: the path, or Spark's copy of a distributed file. */
    static Path locate(CoveSparkOptions options) {
        Path path = options.distributed() ? Path.of(org.apache.spark.SparkFiles.get(options.model()))
                : Path.of(options.model());
        if (!Files.isRegularFile(path)) {
            throw new CoveException("executor " + host() + ": the model " + path + " is not there"
                    + (options.distributed() ? " (distributed with SparkContext.addFile, but it has not arrived)"
                            : ": put it on storage every executor reads, or distribute it with CoveSpark.distribute"));
        }
        return path;
    }

    private static Loaded load(Path path, CoveSparkOptions options) {
        ModelDigest digest = null;
        if (options.sha256() != null || options.audit()) { // audit records name the model by its digest
            digest = Sha256.of(path);
            if (options.sha256() != null && !digest.sha256Hex().equals(options.sha256())) {
                throw new CoveException("executor " + host() + ": the model " + path + " has SHA-256 " + digest.sha256Hex()
                        + ", not the " + options.sha256() + " the job expects: the copy is damaged or another file");
            }
        }
        Map<String, String> env = System.getenv();
        Path home = options.coveHome() != null ? Path.of(options.coveHome()) : CoveHome.resolve(env);
        ModelStore store = ModelStore.open(home);
        TrustPolicy policy = options.trustPolicy() == null ? null : TrustPolicy.parse(options.trustPolicy());
        SecureModelLoader loader = new SecureModelLoader(store, KeySettings.fromEnvironment(home, env, null), policy,
                warning -> System.getLogger(ExecutorModels.class.getName()).log(System.Logger.Level.WARNING, warning));
        int threads = options.threads() > 0 ? options.threads() : WorkerPool.physicalCores();
        try {
            return new Loaded(loader.load(path.toString(), threads), digest);
        } catch (CoveException e) {
            throw new CoveException("executor " + host() + ": " + e.getMessage(), e);
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "(unknown host)";
        }
    }
}
