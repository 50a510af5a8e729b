package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.secure.InferenceRecorder;
import dev.cove.secure.redact.Redactor;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.server.ApiKeys;
import dev.cove.server.CoveServer;
import dev.cove.server.PersonalDataFinder;
import dev.cove.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove serve MODEL...}: the OpenAI- and Ollama-compatible HTTP server, until interrupted.
 * Binds to loopback unless told otherwise, and refuses any other address without API keys.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve models over HTTP: the OpenAI API under /v1 (chat, completions with fill-in-the-middle,"
                + " embeddings, models), the Ollama API under /api, /infill for code completion, /health and Prometheus /metrics.",
                "Several clients are served at once with continuous batching; stop with Ctrl-C."})
final class ServeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "MODEL",
            description = "Models to serve (store names or GGUF files), each as MODEL or NAME=MODEL; NAME is what clients put in 'model'"
                    + " (default: the file name without .gguf).")
    List<String> models;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Any other than loopback needs --api-key-file.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File of accepted API keys, one per line; clients send 'Authorization: Bearer KEY'.")
    Path apiKeyFile;

    @Option(names = "--trust-policy", paramLabel = "off|warn|require",
            description = "Signature policy for the served models (default: the store's).")
    String trustPolicy;

    @Option(names = "--audit", description = "Append an audit record of every completed request (counts and times,"
            + " never text) to $COVE_HOME/audit; also COVE_AUDIT=on.")
    boolean audit;

    @Option(names = {"-np", "--parallel"}, defaultValue = "4",
            description = "Sequences generated at once per model, each with its own KV cache (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = {"-c", "--ctx", "--ctx-size"}, defaultValue = "0",
            description = "Context length of each sequence (default: the model's, at most 4096).")
    int contextLength;

    @Option(names = {"-t", "--threads"}, description = "Threads for inference (default: available processors).")
    Integer threads;

    @Option(names = "--queue", defaultValue = "64",
            description = "Requests that may wait for a free sequence before new ones get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "Time limit of one request, waiting included (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--max-body", defaultValue = "4194304", paramLabel = "BYTES",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--prefill-chunk", defaultValue = "128", paramLabel = "TOKENS",
            description = "Prompt tokens evaluated per step, so long prompts do not stall streams (default: ${DEFAULT-VALUE}).")
    int prefillChunk;

    @picocli.CommandLine.Mixin
    Notices.QuietOption quiet = new Notices.QuietOption();

    @picocli.CommandLine.Mixin
    KvCacheOption kvCache = new KvCacheOption();

    @Option(names = "--router", paramLabel = "ROUTES.yaml",
            description = "Route requests whose model is the router's name (default 'auto') to the served model its"
                    + " classifier chooses; train it first with `cove route train ROUTES.yaml`.")
    Path routes;

    @Option(names = "--no-access-log", description = "Do not log one line per request.")
    boolean noAccessLog;

    /** Counted down to stop the server (tests); otherwise it runs until the JVM is interrupted. */
    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        int t = threads != null ? threads : dev.cove.core.kernel.WorkerPool.physicalCores();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second");
        }
        List<String> keys = apiKeyFile == null ? List.of() : ApiKeys.readFile(apiKeyFile);
        ServerConfig config = ServerConfig.defaults().host(host).port(port).apiKeys(keys).parallel(parallel)
                .contextLength(contextLength).queueCapacity(queue).maxBodyBytes(maxBody)
                .requestTimeout(Duration.ofSeconds(timeoutSeconds)).prefillChunk(prefillChunk)
                .accessLog(!noAccessLog);

        // Everything the command line can get wrong is checked before the first (slow) model load.
        config.requireSafeBinding();
        if (trustPolicy != null) {
            TrustPolicy.parse(trustPolicy);
        }
        kvCache.type();
        java.util.Map<String, String> specs = modelsByName();
        dev.cove.server.route.Router router = null;
        if (routes != null) {
            router = dev.cove.server.route.Router.load(routes);
            router.requireModels(specs.keySet());
        }
        InferenceRecorder recorder = CliAudit.enabled(audit) ? CliAudit.openRecorder() : null;

        List<Model> loaded = new ArrayList<>();
        try {
            CoveServer.Builder builder = CoveServer.builder(config);
            List<String> names = new ArrayList<>();
            java.util.Map<String, dev.cove.secure.ModelDigest> digests = new java.util.HashMap<>();
            for (var spec : specs.entrySet()) {
                String name = spec.getKey();
                String nameOrPath = spec.getValue();
                // Store names and paths both work; the trust policy is enforced on every model.
                Model model = kvCache.applyTo(SecureCli.load(nameOrPath, t, trustPolicy));
                loaded.add(model);
                if (contextLength > 0) {
                    ModelOptions.warnBeyondTraining(contextLength, model, "-c " + contextLength);
                }
                builder.model(name, model);
                names.add(name);
                if (recorder != null) {
                    digests.put(name, CliAudit.digest(nameOrPath));
                }
            }
            if (router != null) {
                builder.router(router);
            }
            builder.puller(new StorePuller(t, trustPolicy));
            Redactor redactor = Redactor.standard();
            builder.redaction(text -> redactor.find(text).stream()
                    .map(s -> new PersonalDataFinder.Span(s.start(), s.end(), s.label().name())).toList());
            if (recorder != null) {
                builder.observer(new ServerAudit(recorder, digests));
            }
            try (CoveServer server = builder.start()) {
                System.err.println("cove: serving " + String.join(", ", names) + " on " + server.baseUri()
                        + " (OpenAI API under /v1, Ollama API under /api; " + parallel + " sequences per model"
                        + (keys.isEmpty() ? "" : ", " + keys.size() + " API key(s)")
                        + (router == null ? "" : "; model '" + router.name() + "' routes between "
                                + router.config().routes().size() + " routes") + ")");
                Thread hook = new Thread(() -> {
                    stop.countDown();
                    try {
                        closed.await(15, TimeUnit.SECONDS); // let the server fail what is queued and close
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "cove-serve-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    stop.await();
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running: it waits for us
                    }
                }
                System.err.println("cove: stopping");
            }
            return 0;
        } finally {
            for (Model m : loaded) {
                m.close();
            }
            closed.countDown();
        }
    }

    /** The models to serve, NAME to store name or path, each name valid and used once. */
    private java.util.Map<String, String> modelsByName() {
        java.util.Map<String, String> byName = new java.util.LinkedHashMap<>();
        for (String spec : models) {
            int eq = spec.indexOf('=');
            String nameOrPath = eq > 0 ? spec.substring(eq + 1) : spec;
            if (nameOrPath.isBlank()) {
                throw new IllegalArgumentException("'" + spec + "' names no model: give NAME=MODEL");
            }
            String name = eq > 0 ? spec.substring(0, eq) : defaultName(Path.of(nameOrPath));
            CoveServer.Builder.requireValidName(name);
            if (byName.putIfAbsent(name, nameOrPath) != null) {
                throw new IllegalArgumentException("two models are named '" + name + "': name them NAME=PATH");
            }
        }
        return byName;
    }

    private static String defaultName(Path path) {
        String file = path.getFileName().toString();
        return file.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }
}
