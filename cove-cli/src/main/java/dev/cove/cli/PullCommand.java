package dev.cove.cli;

import dev.cove.secure.crypt.KeyEncryptionKey;
import dev.cove.secure.pull.HubClient;
import dev.cove.secure.pull.HubRef;
import dev.cove.secure.pull.HubSettings;
import dev.cove.secure.pull.Puller;
import dev.cove.secure.store.Manifest;
import dev.cove.secure.store.ModelStore;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove pull hf://ORG/REPO/FILE.gguf[@REV]}: download a model into the store, resumably,
 * verified against the hub's SHA-256. Ctrl-C stops it cleanly: the partial download stays in the
 * store's tmp directory and the same command resumes it.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a GGUF model from a Hugging Face-style hub into the store (HF_ENDPOINT, HF_TOKEN).",
        footer = {"", "Aliases: stories260k, stories15m, tinyllama, qwen2.5-0.5b.",
            "An interrupted download resumes when the same command runs again. COVE_OFFLINE=1 refuses all network access."})
final class PullCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "hf://ORG/REPO/FILE.gguf[@REVISION], or an alias.")
    String spec;

    @Option(names = "--name", description = "Name in the store (default: the alias, or the file name without .gguf).")
    String name;

    @Option(names = "--encrypted", description = "Store it encrypted at rest (AES-256-GCM).")
    boolean encrypted;

    @Option(names = "--key", paramLabel = "STORE[:ALIAS]", description = "Key-encryption key for --encrypted: pkcs12 (default) or pkcs11.")
    String key;

    @Option(names = "--sha256", paramLabel = "HEX", description = "The SHA-256 you expect (needed when the hub announces none).")
    String sha256;

    @Option(names = "--offline", description = "Refuse all network access (as COVE_OFFLINE=1).")
    boolean offline;

    @Option(names = {"-f", "--force"}, description = "Replace a stored model of the same name.")
    boolean force;

    @picocli.CommandLine.Mixin
    Notices.QuietOption quiet = new Notices.QuietOption();

    @Override
    public Integer call() {
        HubRef.parse(spec); // a bad address fails before anything else
        ModelStore store = SecureCli.store();
        HubSettings settings = HubSettings.fromEnvironment(SecureCli.env(), offline);
        KeyEncryptionKey kek = encrypted || key != null ? SecureCli.keys(store).forEncryption(key) : null;
        Puller puller = new Puller(store, new HubClient(settings));
        AtomicBoolean cancel = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel.set(true);
            try {
                // Let the download close its partial file so the next run can resume it.
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cove-pull-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Puller.Outcome o = puller.pull(new Puller.Request(spec, name, kek, sha256, force), new ProgressBar(), cancel);
            Manifest m = o.manifest();
            if (o.alreadyPresent()) {
                Notices.notice(m.name() + " is already in the store (sha256 " + m.digest() + ")");
            } else {
                Notices.notice("stored " + m.name() + " (" + InfoCommand.bytes(m.size()) + ", sha256 " + m.digest()
                        + (m.encrypted() ? ", encrypted with " + m.encryption() : "")
                        + (o.downloaded() ? "" : ", same content was already stored") + ")");
            }
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us; nothing to remove.
            }
        }
    }
}
