package dev.cove.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cove.core.Model;
import dev.cove.server.batch.DecodeEngine;
import dev.cove.server.batch.GenerationEvent;
import dev.cove.server.batch.Scheduler;
import dev.cove.server.batch.BatchedDecodeEngine;
import dev.cove.server.batch.SchedulerEvents;
import dev.cove.server.route.RouteDecision;
import dev.cove.server.route.Router;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@code cove serve}: the OpenAI- and Ollama-compatible HTTP server. Each model gets a
 * {@link Scheduler} (continuous batching over a bounded queue); requests are authenticated with
 * bearer API keys when any are configured, and the server refuses to listen beyond loopback
 * without one. Start with {@link #builder}; {@link #close} stops accepting, fails what is queued
 * with 503 and stops the schedulers (the models stay open: their owner closes them).
 */
public final class CoveServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CoveServer.class.getName());
    private static final System.Logger ACCESS = System.getLogger("dev.cove.server.access");

    private final ServerConfig config;
    private final ModelRegistry models = new ModelRegistry();
    private final Function<Model, DecodeEngine> engines;
    private final SchedulerEvents observer;
    private final ModelPuller puller;
    private final PersonalDataFinder redaction; // null: no masking for the chat page
    private final ServerMetrics metrics = new ServerMetrics();
    private final ApiKeys keys;
    private final Router router; // null: every request names its model
    private final Javalin app;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Configures and starts a server. */
    public static final class Builder {
        private final ServerConfig config;
        private final Map<String, Model> models = new LinkedHashMap<>();
        private ModelPuller puller;
        private Function<Model, DecodeEngine> engines = m -> new BatchedDecodeEngine(m.forwardPass());
        private SchedulerEvents observer = SchedulerEvents.NONE;
        private PersonalDataFinder redaction;
        private Router router;

        private Builder(ServerConfig config) {
            this.config = config;
        }

        /** Serves {@code model} as {@code name} (the {@code model} field of requests). */
        public Builder model(String name, Model model) {
            requireValidName(name);
            if (models.putIfAbsent(name, model) != null) {
                throw new IllegalArgumentException("two models are named '" + name + "': name them NAME=PATH");
            }
            return this;
        }

        /** Refuses a name clients could not send in {@code model} (checked before a model is loaded). */
        public static void requireValidName(String name) {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}")) {
                throw new IllegalArgumentException("model names are 1 to 128 letters, digits and ._:/- (got '"
                        + Strings.shorten(name, 40) + "')");
            }
        }

        /** How each model's decoding steps run; the default is {@link BatchedDecodeEngine}. */
        public Builder engine(Function<Model, DecodeEngine> factory) {
            this.engines = factory;
            return this;
        }

        /** Lets Ollama's {@code /api/pull} fetch models into the store and serve them. */
        public Builder puller(ModelPuller puller) {
            this.puller = puller;
            return this;
        }

        /** Lets the chat page mask personal data before it is sent ({@code POST /cove/redact}). */
        public Builder redaction(PersonalDataFinder finder) {
            this.redaction = finder;
            return this;
        }

        /**
         * Routes requests whose {@code model} is the router's name (e.g. {@code auto}) to the
         * model its classifier chooses; every route's model must be one of those served.
         */
        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** Also reports every scheduler event to {@code observer} (an audit log, for instance). */
        public Builder observer(SchedulerEvents observer) {
            this.observer = observer;
            return this;
        }

        /**
         * Binds and starts serving.
         *
         * @throws IllegalArgumentException when no model is given, or the address is not loopback
         *     and no API key is configured
         */
        public CoveServer start() {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("no model to serve");
            }
            config.requireSafeBinding();
            if (router != null) {
                router.requireModels(models.keySet());
            }
            return new CoveServer(config, models, engines, observer, puller, redaction, router);
        }
    }

    public static Builder builder(ServerConfig config) {
        return new Builder(config);
    }

    private CoveServer(ServerConfig config, Map<String, Model> toServe, Function<Model, DecodeEngine> engines,
                       SchedulerEvents observer, ModelPuller puller, PersonalDataFinder redaction, Router router) {
        this.config = config;
        this.router = router;
        this.redaction = redaction;
        this.keys = new ApiKeys(config.apiKeys());
        this.engines = engines;
        this.observer = observer;
        this.puller = puller;
        try {
            for (var e : toServe.entrySet()) {
                serve(e.getKey(), e.getValue());
            }
            this.app = Javalin.create(this::configure);
            app.start();
        } catch (RuntimeException ex) {
            models.all().forEach(m -> m.scheduler().close());
            throw ex;
        }
    }

    /** Starts a scheduler for {@code model} and offers it under {@code name}. */
    synchronized ServedModel serve(String name, Model model) {
        int ctx = config.contextLength() > 0 ? config.contextLength() : Math.min(model.config().contextLength(), 4096);
        Scheduler scheduler = new Scheduler(name, model,
                new Scheduler.Config(config.parallel(), config.queueCapacity(), ctx, config.prefillChunk()),
                engines.apply(model), SchedulerEvents.both(metrics, observer));
        ServedModel served = new ServedModel(name, model, scheduler);
        try {
            models.add(served);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
        metrics.register(served);
        return served;
    }

    /** The puller of {@code /api/pull}, or null when this server cannot pull. */
    ModelPuller puller() {
        return puller;
    }

    private void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.concurrency.useVirtualThreads = true;
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        cfg.http.maxRequestSize = config.maxBodyBytes();
        // A known path with the wrong method is 405 with Allow, not 404: the client learns its mistake.
        cfg.http.prefer405over404 = true;
        cfg.jetty.addConnector((server, http) -> {
            http.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(config.host());
            connector.setPort(config.port());
            connector.setIdleTimeout(config.requestTimeout().toMillis() + 60_000);
            return connector;
        });
        cfg.requestLogger.http(this::logRequest);

        OpenAiRoutes openAi = new OpenAiRoutes(this);
        OllamaRoutes ollama = new OllamaRoutes(this);
        var r = cfg.routes;
        r.before(this::guard);
        WebUi ui = new WebUi();
        r.get("/", ui::page);
        r.get("/ui/{file}", ui::asset);
        r.get("/health", this::health);
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render()));
        r.get("/v1/models", openAi::models);
        r.get("/v1/models/{model}", openAi::model);
        r.post("/v1/chat/completions", openAi::chatCompletions);
        r.post("/v1/completions", openAi::completions);
        r.post("/v1/embeddings", openAi::embeddings);
        r.post("/infill", new InfillRoute(this)::infill);
        r.post("/cove/redact", new RedactRoute(this, redaction)::redact);
        r.get("/api/version", ollama::version);
        r.get("/api/tags", ollama::tags);
        r.get("/api/ps", ollama::ps);
        r.post("/api/show", ollama::show);
        r.post("/api/generate", ollama::generate);
        r.post("/api/chat", ollama::chat);
        r.post("/api/embed", ollama::embed);
        r.post("/api/embeddings", ollama::embeddings);
        r.post("/api/pull", ollama::pull);

        r.exception(ApiException.class, (e, ctx) -> writeError(ctx, e));
        r.exception(EventStream.ClientGoneException.class, (e, ctx) -> {
            ctx.attribute("cove.client_gone", true);
            metrics.clientGone(routeOf(ctx.path()));
        });
        r.exception(HttpResponseException.class, (e, ctx) -> writeError(ctx, fromJavalin(ctx, e)));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.log(Level.ERROR, "internal error serving " + ctx.method() + " " + routeOf(ctx.path()), e);
            writeError(ctx, new ApiException(500, "server_error", null, null,
                    "internal error: " + e.getClass().getSimpleName()));
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                writeError(ctx, unknownRoute(ctx));
            }
        });
    }

    // ------------------------------------------------------------------ public API

    public int port() {
        return app.port();
    }

    /** {@code http://host:port}, for clients. */
    public URI baseUri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port());
    }

    public ServerConfig config() {
        return config;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** The scheduler serving {@code name}, or null. */
    public Scheduler scheduler(String name) {
        ServedModel m = models.get(name);
        return m == null ? null : m.scheduler();
    }

    /** Stops the server; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            app.stop();
        } finally {
            for (ServedModel m : models.all()) {
                m.scheduler().close();
            }
        }
    }

    // ------------------------------------------------------------------ for the routes

    ModelRegistry models() {
        return models;
    }

    /** The router's name (what clients put in {@code model} to be routed), or null without a router. */
    String routerName() {
        return router == null ? null : router.name();
    }

    /**
     * The model a generation request asks for. A model's name is served as it is; the router's
     * name routes on {@code text} (read only then), and the chosen route and the classifier's
     * confidence go in response headers and metrics: never into the answer or the log.
     */
    ServedModel resolve(Context ctx, String requested, java.util.function.Supplier<String> text) {
        if (!isRouterName(requested)) {
            return models.resolve(requested);
        }
        long start = System.nanoTime();
        RouteDecision d = router.route(text.get());
        metrics.routed(d.route(), d.reason().label(), d.confidence(), (System.nanoTime() - start) / 1e9);
        ctx.header("X-Cove-Route", d.route());
        ctx.header("X-Cove-Route-Confidence", String.format(Locale.ROOT, "%.4f", d.confidence()));
        ctx.header("X-Cove-Route-Reason", d.reason().label());
        return models.resolve(d.model());
    }

    /** The model an endpoint that is not routed (embeddings, show, infill) asks for; the router's name is refused. */
    ServedModel resolve(String requested) {
        if (isRouterName(requested)) {
            throw ApiException.invalid("model", "'" + router.name() + "' is the router: it routes chat and completion"
                    + " requests; name a model for this endpoint");
        }
        return models.resolve(requested);
    }

    private boolean isRouterName(String requested) {
        return router != null && requested != null
                && (requested.equals(router.name()) || requested.equals(router.name() + ":latest"));
    }

    /** Records the model a request uses, for the access log. */
    void note(Context ctx, ServedModel m) {
        ctx.attribute("cove.model", m.name());
    }

    void noteUsage(Context ctx, GenerationEvent.Usage usage) {
        ctx.attribute("cove.prompt_tokens", usage.promptTokens());
        ctx.attribute("cove.completion_tokens", usage.generatedTokens());
    }

    static ObjectNode openAiError(ApiException e) {
        ObjectNode error = Json.object().put("message", e.getMessage()).put("type", e.type());
        if (e.param() == null) {
            error.putNull("param");
        } else {
            error.put("param", e.param());
        }
        if (e.code() == null) {
            error.putNull("code");
        } else {
            error.put("code", e.code());
        }
        ObjectNode body = Json.object();
        body.set("error", error);
        return body;
    }

    // ------------------------------------------------------------------ internals

    /** Before every route: the browser-origin check, then the API key. */
    private void guard(Context ctx) {
        String path = ctx.path();
        if (path.equals("/health") || path.equals("/") || path.startsWith("/ui/")) {
            return; // the chat page and its files: the page itself asks for the API key
        }
        if (!keys.required()) {
            // Without keys the server is loopback-only; a web page in a browser must not reach it.
            String origin = ctx.header("Origin");
            if (origin != null && !isLocalOrigin(origin)) {
                throw new ApiException(403, "invalid_request_error", null, "forbidden_origin",
                        "requests from web pages of other origins are refused; start the server with an API key to allow them");
            }
            return;
        }
        String auth = ctx.header("Authorization");
        String key = null;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = auth.substring(7).strip();
        } else if (ctx.header("x-api-key") != null) {
            key = ctx.header("x-api-key").strip();
        }
        if (key == null || key.isEmpty()) {
            throw new ApiException(401, "invalid_request_error", null, "missing_api_key",
                    "You didn't provide an API key. Send it in an Authorization header: 'Authorization: Bearer YOUR_KEY'");
        }
        if (!keys.accepts(key)) {
            throw new ApiException(401, "invalid_request_error", null, "invalid_api_key",
                    "Incorrect API key provided.");
        }
    }

    private void health(Context ctx) {
        ArrayNode list = Json.array();
        for (ServedModel m : models.all()) {
            Scheduler s = m.scheduler();
            list.add(Json.object().put("name", m.name()).put("active", s.active()).put("queued", s.queued())
                    .put("parallel", s.config().parallel()).put("context_length", s.config().contextLength())
                    .put("engine", s.engineName()));
        }
        ObjectNode body = Json.object().put("status", "ok");
        body.set("models", list);
        Json.respond(ctx, 200, body);
    }

    private void writeError(Context ctx, ApiException e) {
        if (ctx.res().isCommitted()) {
            return; // a stream already under way: its handler reported the error in the stream
        }
        if (e.retryAfterSeconds() >= 0) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        ctx.attribute("cove.error", e.code() != null ? e.code() : e.type());
        if (ctx.path().startsWith("/api/")) {
            Json.respond(ctx, e.status(), Json.object().put("error", e.ollamaMessage()));
        } else {
            Json.respond(ctx, e.status(), openAiError(e));
        }
    }

    private ApiException fromJavalin(Context ctx, HttpResponseException e) {
        int status = e.getStatus();
        if (status == 404) {
            return unknownRoute(ctx);
        }
        if (status == 405) {
            return methodNotAllowed(ctx, e);
        }
        if (status == 413) {
            return new ApiException(413, "invalid_request_error", null, "request_too_large",
                    "the request body is larger than this server's limit of " + config.maxBodyBytes() + " bytes");
        }
        return new ApiException(status, status >= 500 ? "server_error" : "invalid_request_error", null, null,
                Strings.shorten(e.getMessage(), 200));
    }

    /** 405 with the {@code Allow} header listing the methods the path does take. */
    private static ApiException methodNotAllowed(Context ctx, HttpResponseException e) {
        String allowed = e.getDetails().values().stream().findFirst().orElse("").toUpperCase(Locale.ROOT);
        ctx.header("Allow", allowed);
        return new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                ctx.method() + " is not allowed on " + routeOf(ctx.path()) + ": use " + allowed);
    }

    private static ApiException unknownRoute(Context ctx) {
        return new ApiException(404, "invalid_request_error", null, "unknown_url",
                "Invalid URL (" + ctx.method() + " " + Strings.shorten(ctx.path(), 100) + ")");
    }

    /** One line per request: method, route, status, duration, model and token counts. Never bodies or query strings. */
    private void logRequest(Context ctx, Float ms) {
        String route = routeOf(ctx.path());
        int status = ctx.statusCode();
        metrics.request(route, ctx.method().name(), status, ms / 1000.0);
        if (!config.accessLog() || !ACCESS.isLoggable(Level.INFO)) {
            return;
        }
        ObjectNode line = Json.object()
                .put("ts", java.time.Instant.now().toString())
                .put("remote", ctx.req().getRemoteAddr())
                .put("method", ctx.method().name())
                .put("route", route)
                .put("status", status)
                .put("ms", Math.round(ms * 10) / 10.0);
        Object model = ctx.attribute("cove.model");
        if (model != null) {
            line.put("model", model.toString());
        }
        Object prompt = ctx.attribute("cove.prompt_tokens");
        if (prompt != null) {
            line.put("prompt_tokens", (Integer) prompt);
            line.put("completion_tokens", (Integer) ctx.attribute("cove.completion_tokens"));
        }
        Object error = ctx.attribute("cove.error");
        if (error != null) {
            line.put("error", error.toString());
        }
        if (ctx.attribute("cove.client_gone") != null) {
            line.put("client_gone", true);
        }
        ACCESS.log(Level.INFO, Json.write(line));
    }

    private static final List<String> ROUTES = List.of("/", "/health", "/metrics", "/v1/models",
            "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/api/version", "/api/tags", "/api/ps",
            "/api/show", "/api/generate", "/api/chat", "/api/embed", "/api/embeddings", "/api/pull", "/infill");

    /** The route a path belongs to, from a fixed set (so metrics labels stay few and hold no user text). */
    static String routeOf(String path) {
        if (ROUTES.contains(path)) {
            return path;
        }
        if (path.startsWith("/v1/models/")) {
            return "/v1/models/{model}";
        }
        return "unmatched";
    }

    private static boolean isLocalOrigin(String origin) {
        try {
            URI uri = URI.create(origin);
            String host = uri.getHost();
            if (host == null) {
                return false;
            }
            host = host.toLowerCase(Locale.ROOT);
            return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
