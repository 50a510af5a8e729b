package dev.cove.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cove.core.chat.ChatMessage;
import dev.cove.core.chat.ToolCall;
import dev.cove.core.chat.ToolCallStream;
import dev.cove.core.chat.ToolCallSyntax;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.server.batch.FinishReason;
import dev.cove.server.batch.GenerationEvent;
import dev.cove.server.batch.JobSpec;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of Ollama's API that IDE plugins and chat front ends use: {@code /api/generate}
 * (with {@code suffix} for fill-in-the-middle), {@code /api/chat}, {@code /api/embed},
 * {@code /api/embeddings}, {@code /api/tags}, {@code /api/show}, {@code /api/ps} and
 * {@code /api/version}. Streaming is Ollama's default: one JSON object per line.
 */
final class OllamaRoutes {
    /** The Ollama API version these endpoints follow (clients check it). */
    static final String OLLAMA_VERSION = "0.9.0";

    private final CoveServer server;

    OllamaRoutes(CoveServer server) {
        this.server = server;
    }

    void version(Context ctx) {
        Json.respond(ctx, 200, Json.object().put("version", OLLAMA_VERSION));
    }

    void tags(Context ctx) {
        ArrayNode models = Json.array();
        for (ServedModel m : server.models().all()) {
            models.add(Json.object().put("name", m.name()).put("model", m.name())
                    .put("modified_at", m.modified().toString()).put("size", m.fileSize())
                    .put("digest", digest(m)).set("details", details(m)));
        }
        Json.respond(ctx, 200, Json.object().set("models", models));
    }

    void ps(Context ctx) {
        ArrayNode models = Json.array();
        for (ServedModel m : server.models().all()) {
            models.add(Json.object().put("name", m.name()).put("model", m.name()).put("size", m.fileSize())
                    .put("digest", digest(m)).put("expires_at", "9999-12-31T23:59:59Z").put("size_vram", 0)
                    .set("details", details(m)));
        }
        Json.respond(ctx, 200, Json.object().set("models", models));
    }

    void show(Context ctx) {
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        String name = f.string("model");
        if (name == null) {
            name = f.string("name");
        }
        ServedModel m = server.resolve(name);
        ObjectNode info = Json.object()
                .put("general.architecture", m.family())
                .put("general.parameter_count", m.parameterCount());
        var c = m.model().config();
        String p = m.family() + ".";
        info.put(p + "context_length", c.contextLength())
                .put(p + "embedding_length", c.embeddingLength())
                .put(p + "block_count", c.blockCount())
                .put(p + "attention.head_count", c.headCount())
                .put(p + "attention.head_count_kv", c.headCountKv())
                .put(p + "feed_forward_length", c.feedForwardLength())
                .put(p + "vocab_size", c.vocabularySize());
        ArrayNode capabilities = Json.array().add("completion");
        if (m.supportsFim()) {
            capabilities.add("insert");
        }
        capabilities.add("embedding");
        ObjectNode body = Json.object()
                .put("license", "")
                .put("modelfile", "# served by cove\nFROM " + m.name() + "\n")
                .put("parameters", "num_ctx " + m.contextLength())
                .put("template", m.chatTemplate() == null ? "{{ .Prompt }}" : m.chatTemplate())
                .put("modified_at", m.modified().toString());
        body.set("details", details(m));
        body.set("model_info", info);
        body.set("capabilities", capabilities);
        Json.respond(ctx, 200, body);
    }

    // ------------------------------------------------------------------ /api/generate

    void generate(Context ctx) {
        long start = System.nanoTime();
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        ServedModel m = server.resolve(ctx, f.string("model"), () -> RoutedText.prompt(f.raw("prompt")));
        server.note(ctx, m);
        rejectUnsupported(f);
        String prompt = f.string("prompt");
        String suffix = f.string("suffix");
        String system = f.string("system");
        boolean raw = f.bool("raw", false);
        boolean stream = f.bool("stream", true);
        Fields options = f.object("options");
        if (prompt == null || (prompt.isEmpty() && suffix == null)) {
            // Ollama's way to load a model: nothing to generate.
            ObjectNode done = Json.object().put("model", m.name()).put("created_at", now()).put("response", "")
                    .put("done", true).put("done_reason", "load");
            Json.respond(ctx, 200, done);
            return;
        }
        int[] tokens;
        List<String> stops = new ArrayList<>(options == null ? List.of() : options.stringOrStrings("stop", 16));
        if (suffix != null) {
            tokens = Prompts.fim(m, prompt, suffix, "suffix");
        } else if (raw || m.chatTemplate() == null) {
            // Without a chat template Ollama's template is {{ .Prompt }}: the text as it is.
            tokens = Prompts.text(m, system == null || raw ? prompt : system + "\n\n" + prompt, "prompt");
        } else {
            List<ChatMessage> messages = new ArrayList<>();
            if (system != null) {
                messages.add(ChatMessage.system(system));
            }
            messages.add(ChatMessage.user(prompt));
            tokens = Prompts.chat(m, messages, "prompt");
            stops.addAll(m.chatFormat().stopStrings());
        }
        tokens = withContext(m, f, tokens);
        SamplingOptions sampling = SamplingParams.ollama(options, m);
        int maxTokens = numPredict(options);
        Generation gen = Generation.submit(m, JobSpec.generate(tokens, sampling, maxTokens, stops,
                server.config().requestTimeout(), StructuredOutput.ollama(f)));
        respond(ctx, gen, stream, start, null, tokens);
    }

    /**
     * {@code context}: the token ids an earlier /api/generate returned, continued by this
     * prompt (without a second BOS), as Ollama's clients use it to carry a conversation.
     */
    private static int[] withContext(ServedModel m, Fields f, int[] prompt) {
        JsonNode context = f.raw("context");
        if (context == null || context.isNull() || context.isArray() && context.isEmpty()) {
            return prompt;
        }
        if (!context.isArray()) {
            throw f.wrongType("context", "an array of token ids", context);
        }
        int vocab = m.model().config().vocabularySize();
        int bos = m.model().tokenizer().vocabulary().bos();
        int skip = prompt.length > 0 && prompt[0] == bos ? 1 : 0;
        int[] out = new int[context.size() + prompt.length - skip];
        for (int i = 0; i < context.size(); i++) {
            JsonNode t = context.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0 || t.intValue() >= vocab) {
                throw ApiException.invalid("context", "'context' must hold token ids of this model (0 to "
                        + (vocab - 1) + "); item " + i + " is " + Fields.describe(t));
            }
            out[i] = t.intValue();
        }
        System.arraycopy(prompt, skip, out, context.size(), prompt.length - skip);
        return Prompts.check(m, out, "context");
    }

    // ------------------------------------------------------------------ /api/chat

    void chat(Context ctx) {
        long start = System.nanoTime();
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        ServedModel m = server.resolve(ctx, f.string("model"), () -> RoutedText.lastUserMessage(f.raw("messages")));
        server.note(ctx, m);
        rejectUnsupported(f);
        boolean stream = f.bool("stream", true);
        Fields options = f.object("options");
        JsonNode raw = f.raw("messages");
        if (raw == null || (raw.isArray() && raw.isEmpty())) {
            ObjectNode done = Json.object().put("model", m.name()).put("created_at", now());
            done.set("message", Json.object().put("role", "assistant").put("content", ""));
            done.put("done", true).put("done_reason", "load");
            Json.respond(ctx, 200, done);
            return;
        }
        if (!raw.isArray()) {
            throw f.wrongType("messages", "an array of messages", raw);
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode node = raw.get(i);
            if (!node.isObject()) {
                throw ApiException.invalid(path, "'" + path + "' must be an object, not " + Fields.describe(node));
            }
            Fields msg = new Fields((ObjectNode) node, path + ".");
            JsonNode images = msg.raw("images");
            if (images != null && (!images.isArray() || !images.isEmpty())) {
                throw ApiException.invalid(path + ".images", "images are not supported: this server takes text only");
            }
            messages.add(switch (msg.requiredString("role")) {
                case "system" -> ChatMessage.system(OpenAiRoutes.content(msg, path, ChatMessage.Role.SYSTEM));
                case "user" -> ChatMessage.user(OpenAiRoutes.content(msg, path, ChatMessage.Role.USER));
                case "assistant" -> ChatMessage.assistant(OpenAiRoutes.content(msg, path, ChatMessage.Role.ASSISTANT),
                        assistantCalls(msg, path));
                case "tool" -> {
                    String name = msg.string("tool_name");
                    yield ChatMessage.toolResult("", name == null ? "" : name,
                            OpenAiRoutes.content(msg, path, ChatMessage.Role.TOOL));
                }
                default -> throw ApiException.invalid(path + ".role", "'" + path
                        + ".role' must be system, user, assistant or tool");
            });
        }
        ToolRequest tools = ToolRequest.ollama(f, m);
        int[] tokens = Prompts.chat(m, messages, tools.offered(), "messages");
        List<String> stops = new ArrayList<>(options == null ? List.of() : options.stringOrStrings("stop", 16));
        stops.addAll(m.chatFormat().stopStrings());
        SamplingOptions sampling = SamplingParams.ollama(options, m);
        Grammar format = StructuredOutput.ollama(f);
        Generation gen = Generation.submit(m, JobSpec.generate(tokens, sampling, numPredict(options), stops,
                server.config().requestTimeout(), format != null ? format : tools.grammar(m)));
        respond(ctx, gen, stream, start, tools, null);
    }

    /** An assistant message's {@code tool_calls} as Ollama writes them: {@code arguments} is an object. */
    private static List<ToolCall> assistantCalls(Fields msg, String path) {
        JsonNode raw = msg.raw("tool_calls");
        if (raw == null || raw.isNull()) {
            return List.of();
        }
        if (!raw.isArray()) {
            throw msg.wrongType("tool_calls", "an array of tool calls", raw);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (int j = 0; j < raw.size(); j++) {
            String callPath = path + ".tool_calls[" + j + "]";
            JsonNode node = raw.get(j);
            if (!node.isObject() || !node.path("function").isObject()) {
                throw ApiException.invalid(callPath, "'" + callPath + "' must be an object with a 'function'");
            }
            Fields fn = new Fields((ObjectNode) node.get("function"), callPath + ".function.");
            JsonNode args = fn.raw("arguments");
            String arguments;
            if (args == null || args.isNull()) {
                arguments = "{}";
            } else if (args.isObject()) {
                arguments = args.toString();
            } else if (args.isTextual()) {
                arguments = args.textValue(); // some clients send OpenAI's JSON text
            } else {
                throw fn.wrongType("arguments", "an object", args);
            }
            String id = node.path("id").isTextual() ? node.get("id").textValue() : "";
            calls.add(new ToolCall(id, fn.requiredString("name"), arguments));
        }
        return calls;
    }

    /** Ollama's {@code message.tool_calls}: the arguments as an object. */
    private static ArrayNode ollamaCalls(List<ToolCall> calls) {
        ArrayNode out = Json.array();
        for (ToolCall c : calls) {
            ObjectNode fn = Json.object().put("name", c.name());
            try {
                fn.set("arguments", Json.MAPPER.readTree(c.arguments()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a parsed call's arguments are JSON", e);
            }
            out.add(Json.object().put("id", c.id()).set("function", fn));
        }
        return out;
    }

    /**
     * The answer, as one object or streamed line by line; {@code tools} null for /api/generate,
     * whose last object carries the {@code context} (prompt and answer tokens) to continue from.
     */
    private void respond(Context ctx, Generation gen, boolean stream, long start, ToolRequest tools, int[] prompt) {
        ServedModel m = gen.model();
        boolean chat = tools != null;
        boolean readCalls = chat && tools.active();
        if (!stream) {
            Generation.Outcome o = gen.collect();
            server.noteUsage(ctx, o.usage());
            ObjectNode body;
            if (readCalls) {
                ToolCallSyntax.Reply reply = tools.syntax().parse(o.text(), tools.offered());
                body = piece(m, true, reply.content());
                addCalls(body, tools.withIds(reply.calls()));
            } else {
                body = piece(m, chat, o.text());
            }
            finish(m, body, o, start, prompt);
            Json.respond(ctx, 200, body);
            return;
        }
        gen.awaitAdmission();
        EventStream out = EventStream.ndjson(ctx);
        ToolCallStream calls = new ToolCallStream(readCalls ? tools.syntax() : ToolCallSyntax.JSON,
                readCalls ? tools.offered() : List.of());
        try {
            Generation.Outcome o = gen.stream(text -> {
                String shown = calls.accept(text);
                if (!shown.isEmpty()) {
                    out.line(Json.write(piece(m, chat, shown).put("done", false)));
                }
            }, null);
            server.noteUsage(ctx, o.usage());
            ToolCallSyntax.Reply end = calls.finish();
            if (!end.content().isEmpty() || end.hasCalls()) {
                ObjectNode rest = piece(m, chat, end.content());
                if (end.hasCalls()) {
                    addCalls(rest, tools.withIds(end.calls()));
                }
                out.line(Json.write(rest.put("done", false)));
            }
            ObjectNode last = piece(m, chat, "");
            finish(m, last, o, start, prompt);
            out.line(Json.write(last));
        } catch (ApiException e) {
            out.line(Json.write(Json.object().put("error", e.ollamaMessage())));
        }
    }

    private static void addCalls(ObjectNode body, List<ToolCall> calls) {
        if (!calls.isEmpty()) {
            ((ObjectNode) body.get("message")).set("tool_calls", ollamaCalls(calls));
        }
    }

    private static ObjectNode piece(ServedModel m, boolean chat, String text) {
        ObjectNode o = Json.object().put("model", m.name()).put("created_at", now());
        if (chat) {
            o.set("message", Json.object().put("role", "assistant").put("content", text));
        } else {
            o.put("response", text);
        }
        return o;
    }

    private static void finish(ServedModel m, ObjectNode body, Generation.Outcome o, long start, int[] prompt) {
        GenerationEvent.Usage u = o.usage();
        body.put("done", true)
                .put("done_reason", o.reason() == FinishReason.STOP ? "stop" : "length")
                .put("total_duration", System.nanoTime() - start)
                .put("load_duration", 0)
                .put("prompt_eval_count", u.promptTokens())
                .put("prompt_eval_duration", u.promptNanos())
                .put("eval_count", u.generatedTokens())
                .put("eval_duration", u.generationNanos());
        if (prompt != null) {
            ArrayNode context = body.putArray("context");
            for (int t : prompt) {
                context.add(t);
            }
            var vocabulary = m.model().tokenizer().vocabulary();
            for (int t : o.tokens()) {
                if (!vocabulary.isEndOfGeneration(t)) {
                    context.add(t);
                }
            }
        }
    }

    // ------------------------------------------------------------------ /api/pull

    /**
     * Ollama's {@code /api/pull}: the model ({@code hf://ORG/REPO/FILE.gguf} or an alias) goes
     * into the store through the server's {@link ModelPuller} (verified, under the trust policy)
     * and is served under its store name from then on. Progress streams as Ollama's NDJSON
     * status lines, ending with {@code {"status": "success"}}.
     */
    void pull(Context ctx) {
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        String spec = f.string("model");
        if (spec == null) {
            spec = f.string("name");
        }
        if (spec == null || spec.isBlank()) {
            throw ApiException.invalid("model", "'model' is required: hf://ORG/REPO/FILE.gguf or an alias");
        }
        f.bool("insecure");
        boolean stream = f.bool("stream", true);
        ModelPuller puller = server.puller();
        if (puller == null) {
            throw ApiException.notImplemented("pull_not_available", "this server cannot pull models: it was started"
                    + " without a model store (start it with the cove command, or run 'cove pull' and restart)");
        }
        String wanted = spec;
        if (server.models().get(wanted) != null) {
            respondPulled(ctx, stream, null);
            return;
        }
        if (!stream) {
            ModelPuller.Pulled p = pullOrFail(puller, wanted, ModelPuller.Progress.NONE);
            serveOnce(p);
            respondPulled(ctx, false, null);
            return;
        }
        EventStream out = EventStream.ndjson(ctx);
        out.line(Json.write(Json.object().put("status", "pulling manifest")));
        try {
            ModelPuller.Pulled p = pullOrFail(puller, wanted, new ModelPuller.Progress() {
                @Override
                public void downloading(String what, long completed, long total) {
                    ObjectNode line = Json.object().put("status", "pulling " + what).put("completed", completed);
                    if (total >= 0) {
                        line.put("total", total);
                    }
                    out.line(Json.write(line));
                }

                @Override
                public void status(String status) {
                    out.line(Json.write(Json.object().put("status", status)));
                }
            });
            serveOnce(p);
            respondPulled(ctx, true, out);
        } catch (ApiException e) {
            out.line(Json.write(Json.object().put("error", e.ollamaMessage())));
        }
    }

    private static ModelPuller.Pulled pullOrFail(ModelPuller puller, String spec, ModelPuller.Progress progress) {
        try {
            return puller.pull(spec, progress, new java.util.concurrent.atomic.AtomicBoolean());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("model", e.getMessage());
        } catch (EventStream.ClientGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApiException(502, "server_error", "model", "pull_failed", "pull failed: " + e.getMessage());
        }
    }

    /** Serves a pulled model, unless a pull of the same model finished first. */
    private void serveOnce(ModelPuller.Pulled p) {
        synchronized (server) {
            if (server.models().get(p.name()) == null) {
                server.serve(p.name(), p.model());
                return;
            }
        }
        p.model().close(); // already served: this load is not needed
    }

    private static void respondPulled(Context ctx, boolean stream, EventStream out) {
        if (out != null) {
            out.line(Json.write(Json.object().put("status", "success")));
        } else if (stream) {
            EventStream s = EventStream.ndjson(ctx);
            s.line(Json.write(Json.object().put("status", "success")));
        } else {
            Json.respond(ctx, 200, Json.object().put("status", "success"));
        }
    }

    // ------------------------------------------------------------------ embeddings

    void embed(Context ctx) {
        long start = System.nanoTime();
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        ServedModel m = server.resolve(f.string("model"));
        server.note(ctx, m);
        List<int[]> inputs = OpenAiRoutes.embeddingInputs(f, m, "input");
        Generation.Outcome o = embedAll(m, inputs);
        server.noteUsage(ctx, o.usage());
        ArrayNode all = Json.array();
        for (float[] v : o.embeddings()) {
            ArrayNode values = all.addArray();
            for (float x : v) {
                values.add(x);
            }
        }
        ObjectNode body = Json.object().put("model", m.name());
        body.set("embeddings", all);
        body.put("total_duration", System.nanoTime() - start).put("load_duration", 0)
                .put("prompt_eval_count", o.usage().promptTokens());
        Json.respond(ctx, 200, body);
    }

    /** The older single-input endpoint: {@code {"model", "prompt"}} to {@code {"embedding": [...]}}. */
    void embeddings(Context ctx) {
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        ServedModel m = server.resolve(f.string("model"));
        server.note(ctx, m);
        String prompt = f.requiredString("prompt");
        Generation.Outcome o = embedAll(m, List.of(Prompts.text(m, prompt, "prompt")));
        server.noteUsage(ctx, o.usage());
        ArrayNode values = Json.array();
        for (float x : o.embeddings()[0]) {
            values.add(x);
        }
        Json.respond(ctx, 200, Json.object().set("embedding", values));
    }

    private Generation.Outcome embedAll(ServedModel m, List<int[]> inputs) {
        return Generation.submit(m, JobSpec.embed(inputs, server.config().requestTimeout())).collect();
    }

    // ------------------------------------------------------------------ shared

    private static void rejectUnsupported(Fields f) {
        JsonNode images = f.raw("images");
        if (images != null && (!images.isArray() || !images.isEmpty())) {
            throw ApiException.invalid("images", "images are not supported: this server takes text only");
        }
    }

    /** {@code options.num_predict}: -1 (the default) until the context is full, -2 the same here. */
    private static int numPredict(Fields options) {
        if (options == null) {
            return -1;
        }
        Long n = options.integer("num_predict", -2, Integer.MAX_VALUE);
        return n == null || n < 0 ? -1 : n.intValue();
    }

    private static ObjectNode details(ServedModel m) {
        ObjectNode d = Json.object().put("parent_model", "").put("format", "gguf").put("family", m.family());
        d.set("families", Json.array().add(m.family()));
        d.put("parameter_size", m.parameterSize()).put("quantization_level", m.quantization());
        return d;
    }

    /** An identifier of the served file (name, size and time), shaped like Ollama's digests. */
    private static String digest(ServedModel m) {
        String id = m.name() + "\n" + m.fileSize() + "\n" + m.modified();
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String now() {
        return Instant.now().toString();
    }
}
