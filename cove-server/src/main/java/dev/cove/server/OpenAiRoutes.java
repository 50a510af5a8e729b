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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenAI's API: {@code /v1/chat/completions}, {@code /v1/completions} (with {@code suffix} for
 * fill-in-the-middle), {@code /v1/embeddings} and {@code /v1/models}, streaming as Server-Sent
 * Events in OpenAI's chunk format ending with {@code data: [DONE]}.
 */
final class OpenAiRoutes {
    private static final int MAX_STOP_STRINGS = 16;
    private static final int MAX_EMBEDDING_INPUTS = 2048;
    /** Choices per request ({@code n}): each takes a sequence of the scheduler. */
    private static final int MAX_CHOICES = 16;

    private final CoveServer server;

    OpenAiRoutes(CoveServer server) {
        this.server = server;
    }

    // ------------------------------------------------------------------ /v1/models

    void models(Context ctx) {
        ArrayNode data = Json.array();
        for (ServedModel m : server.models().all()) {
            data.add(modelObject(m));
        }
        if (server.routerName() != null) {
            data.add(routerObject(server.routerName()));
        }
        ObjectNode body = Json.object().put("object", "list");
        body.set("data", data);
        Json.respond(ctx, 200, body);
    }

    void model(Context ctx) {
        if (ctx.pathParam("model").equals(server.routerName())) {
            Json.respond(ctx, 200, routerObject(server.routerName()));
            return;
        }
        ServedModel m = server.models().get(ctx.pathParam("model"));
        if (m == null) {
            throw ApiException.modelNotFound(ctx.pathParam("model"));
        }
        Json.respond(ctx, 200, modelObject(m));
    }

    private static ObjectNode modelObject(ServedModel m) {
        return Json.object().put("id", m.name()).put("object", "model").put("created", m.modified().getEpochSecond())
                .put("owned_by", "cove");
    }

    /** The router, listed as a model clients can choose ({@code created} 0: it is no file). */
    private static ObjectNode routerObject(String name) {
        return Json.object().put("id", name).put("object", "model").put("created", 0).put("owned_by", "cove-router");
    }

    // ------------------------------------------------------------------ /v1/chat/completions

    void chatCompletions(Context ctx) {
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        ServedModel m = server.resolve(ctx, f.string("model"), () -> RoutedText.lastUserMessage(f.raw("messages")));
        server.note(ctx, m);
        List<ChatMessage> messages = messages(f);
        ToolRequest tools = ToolRequest.openAi(f, m);
        SamplingOptions sampling = SamplingParams.openAi(f, m);
        int maxTokens = maxTokens(f, 1);
        List<String> stops = new ArrayList<>(f.stringOrStrings("stop", MAX_STOP_STRINGS));
        stops.addAll(m.chatFormat().stopStrings());
        boolean stream = f.bool("stream", false);
        boolean includeUsage = streamIncludeUsage(f);
        int[] prompt = Prompts.chat(m, messages, tools.offered(), "messages");
        Grammar format = StructuredOutput.openAi(f);
        if (tools.forcesCall() && format != null) {
            throw ApiException.invalid("tool_choice", "tool_choice '" + (f.raw("tool_choice").isTextual() ? "required"
                    : "function") + "' cannot be combined with response_format, grammar or json_schema");
        }
        // A response format holds the whole answer; only without one are "auto" calls held to their schemas.
        Grammar grammar = format != null ? format : tools.grammar(m);

        int n = choices(f);
        int logprobs = Logprobs.chatRequest(f);
        List<Generation> gens = submitAll(m, n, sampling, spec -> JobSpec.generate(prompt, spec, maxTokens, stops,
                server.config().requestTimeout(), grammar).withLogprobs(logprobs));
        String id = "chatcmpl-" + randomId();
        long created = System.currentTimeMillis() / 1000;
        if (!stream) {
            ArrayNode choices = Json.array();
            GenerationEvent.Usage total = null;
            try {
                for (int i = 0; i < n; i++) {
                    Generation.Outcome o = gens.get(i).collect();
                    total = add(total, o.usage());
                    choices.add(chatChoice(i, o, tools, logprobs >= 0 ? Logprobs.chat(o.logprobs(), tokenizer(m)) : null));
                }
            } catch (RuntimeException e) {
                gens.forEach(Generation::cancel); // the other choices are of no use now
                throw e;
            }
            server.noteUsage(ctx, total);
            ObjectNode body = head(id, "chat.completion", created, m);
            body.set("choices", choices);
            body.set("usage", usage(total));
            Json.respond(ctx, 200, body);
            return;
        }
        gens.get(0).awaitAdmission();
        EventStream out = EventStream.sse(ctx);
        try {
            GenerationEvent.Usage total = null;
            // Choices stream one after the other (each chunk says its index); they are generated
            // side by side in the scheduler meanwhile.
            for (int i = 0; i < n; i++) {
                total = add(total, streamChatChoice(out, i, gens.get(i), tools, id, created, m, includeUsage,
                        logprobs >= 0));
            }
            server.noteUsage(ctx, total);
            if (includeUsage) {
                ObjectNode last = head(id, "chat.completion.chunk", created, m);
                last.set("choices", Json.array());
                last.set("usage", usage(total));
                out.data(Json.write(last));
            }
            out.data("[DONE]");
        } catch (ApiException e) {
            gens.forEach(Generation::cancel);
            out.data(Json.write(CoveServer.openAiError(e)));
        } catch (RuntimeException e) {
            gens.forEach(Generation::cancel); // the client is gone: free every choice's sequence
            throw e;
        }
    }

    private static ObjectNode chatChoice(int index, Generation.Outcome o, ToolRequest tools, ObjectNode logprobs) {
        ToolCallSyntax.Reply reply = tools.active() ? tools.syntax().parse(o.text(), tools.offered())
                : new ToolCallSyntax.Reply(o.text(), List.of());
        List<ToolCall> calls = tools.withIds(reply.calls());
        ObjectNode message = Json.object().put("role", "assistant");
        if (calls.isEmpty() || !reply.content().isEmpty()) {
            message.put("content", reply.content());
        } else {
            message.putNull("content");
        }
        message.putNull("refusal");
        if (!calls.isEmpty()) {
            message.set("tool_calls", ToolRequest.openAiCalls(calls));
        }
        ObjectNode choice = Json.object().put("index", index);
        choice.set("message", message);
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", logprobs);
        }
        choice.put("finish_reason", calls.isEmpty() ? finishReason(o.reason()) : "tool_calls");
        return choice;
    }

    private GenerationEvent.Usage streamChatChoice(EventStream out, int index, Generation gen, ToolRequest tools,
            String id, long created, ServedModel m, boolean includeUsage, boolean withLogprobs) {
        ToolCallStream calls = new ToolCallStream(tools.syntax(), tools.active() ? tools.offered() : List.of());
        out.data(Json.write(chatChunk(id, created, m, index, Json.object().put("role", "assistant").put("content", ""),
                null, includeUsage)));
        Generation.Outcome o = gen.stream(piece -> {
            String text = calls.accept(piece);
            if (!text.isEmpty()) {
                ObjectNode chunk = chatChunk(id, created, m, index, Json.object().put("content", text), null, includeUsage);
                attachLogprobs(chunk, gen, m, withLogprobs);
                out.data(Json.write(chunk));
            }
        }, out::comment);
        ToolCallSyntax.Reply end = calls.finish();
        if (!end.content().isEmpty() || withLogprobs) {
            // held text, and the log-probabilities of tokens whose text was held or withheld
            ObjectNode chunk = chatChunk(id, created, m, index, Json.object().put("content", end.content()), null,
                    includeUsage);
            attachLogprobs(chunk, gen, m, withLogprobs);
            out.data(Json.write(chunk));
        }
        List<ToolCall> made = tools.withIds(end.calls());
        for (int i = 0; i < made.size(); i++) {
            // As OpenAI streams a call: its id and name first, then the arguments.
            ToolCall call = made.get(i);
            ObjectNode head = Json.object().put("index", i).put("id", call.id()).put("type", "function");
            head.set("function", Json.object().put("name", call.name()).put("arguments", ""));
            out.data(Json.write(chatChunk(id, created, m, index, toolDelta(head), null, includeUsage)));
            ObjectNode rest = Json.object().put("index", i);
            rest.set("function", Json.object().put("arguments", call.arguments()));
            out.data(Json.write(chatChunk(id, created, m, index, toolDelta(rest), null, includeUsage)));
        }
        out.data(Json.write(chatChunk(id, created, m, index, Json.object(),
                made.isEmpty() ? finishReason(o.reason()) : "tool_calls", includeUsage)));
        return o.usage();
    }

    /** The log-probabilities of the tokens behind a chunk's text, on the chunk's choice. */
    private static void attachLogprobs(ObjectNode chunk, Generation gen, ServedModel m, boolean wanted) {
        if (wanted) {
            ((ObjectNode) chunk.get("choices").get(0)).set("logprobs", Logprobs.chat(gen.drainLogprobs(), tokenizer(m)));
        }
    }

    private static dev.cove.core.tokenizer.Tokenizer tokenizer(ServedModel m) {
        return m.model().tokenizer();
    }

    private static ObjectNode toolDelta(ObjectNode call) {
        ObjectNode delta = Json.object();
        delta.set("tool_calls", Json.array().add(call));
        return delta;
    }

    private ObjectNode chatChunk(String id, long created, ServedModel m, int index, ObjectNode delta, String finish,
            boolean includeUsage) {
        ObjectNode choice = Json.object().put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        ObjectNode chunk = head(id, "chat.completion.chunk", created, m);
        chunk.set("choices", Json.array().add(choice));
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static List<ChatMessage> messages(Fields f) {
        JsonNode raw = f.raw("messages");
        if (raw == null) {
            throw ApiException.invalid("messages", "'messages' is required");
        }
        if (!raw.isArray()) {
            throw f.wrongType("messages", "an array of messages", raw);
        }
        if (raw.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must hold at least one message");
        }
        List<ChatMessage> out = new ArrayList<>(raw.size());
        Map<String, String> callNames = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode node = raw.get(i);
            if (!node.isObject()) {
                throw ApiException.invalid(path, "'" + path + "' must be an object, not " + Fields.describe(node));
            }
            Fields msg = new Fields((ObjectNode) node, path + ".");
            String role = msg.requiredString("role");
            ChatMessage m = switch (role) {
                case "system", "developer" -> new ChatMessage(ChatMessage.Role.SYSTEM,
                        content(msg, path, ChatMessage.Role.SYSTEM));
                case "user" -> new ChatMessage(ChatMessage.Role.USER, content(msg, path, ChatMessage.Role.USER));
                case "assistant" -> {
                    List<ToolCall> calls = assistantCalls(msg, path);
                    calls.forEach(c -> callNames.put(c.id(), c.name()));
                    yield ChatMessage.assistant(content(msg, path, ChatMessage.Role.ASSISTANT), calls);
                }
                case "tool" -> {
                    String callId = msg.requiredString("tool_call_id");
                    yield ChatMessage.toolResult(callId, callNames.getOrDefault(callId, ""),
                            content(msg, path, ChatMessage.Role.TOOL));
                }
                case "function" -> ChatMessage.toolResult("", msg.requiredString("name"),
                        content(msg, path, ChatMessage.Role.TOOL));
                default -> throw ApiException.invalid(path + ".role", "'" + path + ".role' must be system, developer,"
                        + " user, assistant or tool");
            };
            out.add(m);
        }
        return out;
    }

    /** An assistant message's {@code tool_calls}: {@code function.arguments} is JSON text, as OpenAI sends it. */
    private static List<ToolCall> assistantCalls(Fields msg, String path) {
        JsonNode raw = msg.raw("tool_calls");
        if (raw == null || raw.isNull()) {
            return List.of();
        }
        if (!raw.isArray()) {
            throw msg.wrongType("tool_calls", "an array of tool calls", raw);
        }
        List<ToolCall> calls = new ArrayList<>(raw.size());
        for (int j = 0; j < raw.size(); j++) {
            String callPath = path + ".tool_calls[" + j + "]";
            JsonNode node = raw.get(j);
            if (!node.isObject()) {
                throw ApiException.invalid(callPath, "'" + callPath + "' must be an object, not " + Fields.describe(node));
            }
            Fields call = new Fields((ObjectNode) node, callPath + ".");
            Fields fn = call.object("function");
            if (fn == null) {
                throw ApiException.invalid(callPath + ".function", "'" + callPath + ".function' is required");
            }
            String id = call.string("id");
            String arguments = fn.string("arguments");
            String argumentsText = arguments == null || arguments.isBlank() ? "{}" : arguments;
            try {
                dev.cove.core.json.Json.parse(argumentsText, callPath + ".function.arguments");
            } catch (dev.cove.core.json.JsonException e) {
                throw ApiException.invalid(callPath + ".function.arguments", "'" + callPath
                        + ".function.arguments' must be JSON text: " + e.getMessage());
            }
            calls.add(new ToolCall(id == null ? "" : id, fn.requiredString("name"), argumentsText));
        }
        return calls;
    }

    /** A message's content: a string, or an array of text parts (joined). */
    static String content(Fields msg, String path, ChatMessage.Role role) {
        JsonNode c = msg.raw("content");
        if (c == null || c.isNull() && role == ChatMessage.Role.ASSISTANT) {
            if (role == ChatMessage.Role.ASSISTANT) {
                return "";
            }
            throw ApiException.invalid(path + ".content", "'" + path + ".content' is required");
        }
        if (c.isTextual()) {
            return c.textValue();
        }
        if (!c.isArray()) {
            throw msg.wrongType("content", "a string or an array of content parts", c);
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < c.size(); j++) {
            JsonNode part = c.get(j);
            String partPath = path + ".content[" + j + "]";
            if (!part.isObject()) {
                throw ApiException.invalid(partPath, "'" + partPath + "' must be an object, not " + Fields.describe(part));
            }
            Fields p = new Fields((ObjectNode) part, partPath + ".");
            String type = p.requiredString("type");
            if (!type.equals("text")) {
                throw ApiException.invalid(partPath + ".type", "unsupported_value",
                        "content parts of type '" + Strings.shorten(type, 40) + "' are not supported: this server takes text only");
            }
            text.append(p.requiredString("text"));
        }
        return text.toString();
    }

    // ------------------------------------------------------------------ /v1/completions

    void completions(Context ctx) {
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        ServedModel m = server.resolve(ctx, f.string("model"), () -> RoutedText.prompt(f.raw("prompt")));
        server.note(ctx, m);
        Long bestOf = f.integer("best_of", 1, MAX_CHOICES);
        if (bestOf != null && bestOf != choices(f)) {
            throw ApiException.invalid("best_of", "unsupported_value", "best_of must equal n here: this server returns"
                    + " every choice it generates");
        }
        SamplingOptions sampling = SamplingParams.openAi(f, m);
        int maxTokens = maxTokens(f, 0);
        List<String> stops = f.stringOrStrings("stop", MAX_STOP_STRINGS);
        boolean stream = f.bool("stream", false);
        boolean includeUsage = streamIncludeUsage(f);
        boolean echo = f.bool("echo", false);

        String suffix = f.string("suffix");
        int[] prompt;
        String promptText;
        JsonNode p = f.raw("prompt");
        if (p == null) {
            throw ApiException.invalid("prompt", "'prompt' is required");
        }
        if (p.isArray() && p.size() == 1 && (p.get(0).isTextual() || p.get(0).isArray())) {
            p = p.get(0); // a batch of one
        }
        if (p.isTextual()) {
            promptText = p.textValue();
            if (suffix != null) {
                if (echo) {
                    throw ApiException.invalid("echo", "echo cannot be combined with suffix");
                }
                prompt = Prompts.fim(m, promptText, suffix, "suffix");
            } else {
                prompt = Prompts.text(m, promptText, "prompt");
            }
        } else if (p.isArray() && !p.isEmpty() && allIntegers(p)) {
            if (suffix != null) {
                throw ApiException.invalid("suffix", "suffix needs a text prompt, not token ids");
            }
            prompt = Prompts.tokens(m, toInts(p), "prompt");
            promptText = m.model().tokenizer().decode(prompt);
        } else if (p.isArray()) {
            throw ApiException.invalid("prompt", "'prompt' holds several prompts: this server completes one per request");
        } else {
            throw f.wrongType("prompt", "a string or an array of token ids", p);
        }

        int n = choices(f);
        int[] input = prompt;
        Grammar grammar = StructuredOutput.openAi(f);
        int logprobs = Logprobs.completionRequest(f);
        List<Generation> gens = submitAll(m, n, sampling, spec -> JobSpec.generate(input, spec, maxTokens, stops,
                server.config().requestTimeout(), grammar).withLogprobs(logprobs));
        String id = "cmpl-" + randomId();
        long created = System.currentTimeMillis() / 1000;
        String echoed = echo ? promptText : "";
        if (!stream) {
            ArrayNode choices = Json.array();
            GenerationEvent.Usage total = null;
            try {
                for (int i = 0; i < n; i++) {
                    Generation.Outcome o = gens.get(i).collect();
                    total = add(total, o.usage());
                    ObjectNode choice = completionChoice(i, echoed + o.text(), finishReason(o.reason()));
                    if (logprobs >= 0) {
                        choice.set("logprobs", Logprobs.completion(o.logprobs(), tokenizer(m), echoed.length()));
                    }
                    choices.add(choice);
                }
            } catch (RuntimeException e) {
                gens.forEach(Generation::cancel);
                throw e;
            }
            server.noteUsage(ctx, total);
            ObjectNode body = head(id, "text_completion", created, m);
            body.set("choices", choices);
            body.set("usage", usage(total));
            Json.respond(ctx, 200, body);
            return;
        }
        gens.get(0).awaitAdmission();
        EventStream out = EventStream.sse(ctx);
        try {
            GenerationEvent.Usage total = null;
            for (int i = 0; i < n; i++) {
                int index = i;
                if (!echoed.isEmpty()) {
                    out.data(Json.write(completionChunk(id, created, m, index, echoed, null, includeUsage)));
                }
                Generation gen = gens.get(i);
                int[] offset = {echoed.length()};
                Generation.Outcome o = gen.stream(piece -> {
                    ObjectNode chunk = completionChunk(id, created, m, index, piece, null, includeUsage);
                    if (logprobs >= 0) {
                        ObjectNode lp = Logprobs.completion(gen.drainLogprobs(), tokenizer(m), offset[0]);
                        ((ObjectNode) chunk.get("choices").get(0)).set("logprobs", lp);
                    }
                    offset[0] += piece.length();
                    out.data(Json.write(chunk));
                }, out::comment);
                total = add(total, o.usage());
                out.data(Json.write(completionChunk(id, created, m, index, "", finishReason(o.reason()), includeUsage)));
            }
            server.noteUsage(ctx, total);
            if (includeUsage) {
                ObjectNode last = head(id, "text_completion", created, m);
                last.set("choices", Json.array());
                last.set("usage", usage(total));
                out.data(Json.write(last));
            }
            out.data("[DONE]");
        } catch (ApiException e) {
            gens.forEach(Generation::cancel);
            out.data(Json.write(CoveServer.openAiError(e)));
        } catch (RuntimeException e) {
            gens.forEach(Generation::cancel); // the client is gone: free every choice's sequence
            throw e;
        }
    }

    private ObjectNode completionChunk(String id, long created, ServedModel m, int index, String text, String finish,
            boolean includeUsage) {
        ObjectNode chunk = head(id, "text_completion", created, m);
        chunk.set("choices", Json.array().add(completionChoice(index, text, finish)));
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode completionChoice(int index, String text, String finish) {
        ObjectNode choice = Json.object().put("text", text).put("index", index);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return choice;
    }

    // ------------------------------------------------------------------ /v1/embeddings

    void embeddings(Context ctx) {
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        ServedModel m = server.resolve(f.string("model"));
        server.note(ctx, m);
        String format = f.string("encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("encoding_format", "'encoding_format' must be float or base64");
        }
        Long dimensions = f.integer("dimensions", 1, Integer.MAX_VALUE);
        int width = m.model().config().embeddingLength();
        if (dimensions != null && dimensions != width) {
            throw ApiException.invalid("dimensions", "this model's embeddings have " + width
                    + " dimensions and cannot be shortened");
        }
        List<int[]> inputs = embeddingInputs(f, m, "input");
        Generation gen = Generation.submit(m, JobSpec.embed(inputs, server.config().requestTimeout()));
        Generation.Outcome o = gen.collect();
        server.noteUsage(ctx, o.usage());
        ArrayNode data = Json.array();
        for (int i = 0; i < o.embeddings().length; i++) {
            ObjectNode item = Json.object().put("object", "embedding").put("index", i);
            float[] v = o.embeddings()[i];
            if ("base64".equals(format)) {
                ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(v);
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float x : v) {
                    values.add(x);
                }
            }
            data.add(item);
        }
        ObjectNode body = Json.object().put("object", "list");
        body.set("data", data);
        body.put("model", m.name());
        body.set("usage", Json.object().put("prompt_tokens", o.usage().promptTokens())
                .put("total_tokens", o.usage().promptTokens()));
        Json.respond(ctx, 200, body);
    }

    /** A string, an array of strings, an array of token ids, or an array of arrays of token ids. */
    static List<int[]> embeddingInputs(Fields f, ServedModel m, String name) {
        JsonNode in = f.raw(name);
        if (in == null) {
            throw ApiException.invalid(name, "'" + name + "' is required");
        }
        List<int[]> out = new ArrayList<>();
        if (in.isTextual()) {
            out.add(Prompts.text(m, in.textValue(), name));
            return out;
        }
        if (!in.isArray() || in.isEmpty()) {
            throw ApiException.invalid(name, "'" + name + "' must be a string or a non-empty array of strings or token ids");
        }
        if (in.size() > MAX_EMBEDDING_INPUTS) {
            throw ApiException.invalid(name, "'" + name + "' has " + in.size() + " items; at most "
                    + MAX_EMBEDDING_INPUTS + " are allowed");
        }
        if (allIntegers(in)) {
            out.add(Prompts.tokens(m, toInts(in), name));
            return out;
        }
        for (int i = 0; i < in.size(); i++) {
            JsonNode item = in.get(i);
            String path = name + "[" + i + "]";
            if (item.isTextual()) {
                out.add(Prompts.text(m, item.textValue(), path));
            } else if (item.isArray() && !item.isEmpty() && allIntegers(item)) {
                out.add(Prompts.tokens(m, toInts(item), path));
            } else {
                throw ApiException.invalid(path, "'" + path + "' must be a string or an array of token ids, not "
                        + Fields.describe(item));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ shared

    /** {@code n}: how many choices to generate for the prompt. */
    private static int choices(Fields f) {
        Long n = f.integer("n", 1, MAX_CHOICES);
        return n == null ? 1 : n.intValue();
    }

    /**
     * Submits {@code n} generations of one prompt. With a seed, choice {@code i} draws with
     * {@code seed + i}, so that the choices differ and the response is reproducible.
     */
    private static List<Generation> submitAll(ServedModel m, int n, SamplingOptions sampling,
            java.util.function.Function<SamplingOptions, JobSpec> spec) {
        List<Generation> gens = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                SamplingOptions s = sampling.seed().isPresent() && i > 0 ? sampling.seed(sampling.seed().getAsLong() + i)
                        : sampling;
                gens.add(Generation.submit(m, spec.apply(s)));
            }
        } catch (ApiException e) {
            gens.forEach(Generation::cancel);
            throw e;
        }
        return gens;
    }

    private static GenerationEvent.Usage add(GenerationEvent.Usage total, GenerationEvent.Usage u) {
        if (total == null) {
            return u;
        }
        // The prompt is counted once, as OpenAI does for n > 1.
        return new GenerationEvent.Usage(total.promptTokens(), total.reusedTokens(),
                total.generatedTokens() + u.generatedTokens(), total.queueNanos(), total.promptNanos(),
                Math.max(total.generationNanos(), u.generationNanos()));
    }

    /** {@code max_completion_tokens} or {@code max_tokens}; -1 (until the context is full) when neither. */
    private static int maxTokens(Fields f, int min) {
        Long n = f.integer("max_completion_tokens", min, Integer.MAX_VALUE);
        if (n == null) {
            n = f.integer("max_tokens", min, Integer.MAX_VALUE);
        }
        return n == null ? -1 : n.intValue();
    }

    private static boolean streamIncludeUsage(Fields f) {
        Fields options = f.object("stream_options");
        return options != null && options.bool("include_usage", false);
    }

    private static ObjectNode head(String id, String object, long created, ServedModel m) {
        return Json.object().put("id", id).put("object", object).put("created", created).put("model", m.name())
                .put("system_fingerprint", "cove");
    }

    private static ObjectNode usage(GenerationEvent.Usage u) {
        ObjectNode usage = Json.object().put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.generatedTokens())
                .put("total_tokens", u.promptTokens() + u.generatedTokens());
        usage.set("prompt_tokens_details", Json.object().put("cached_tokens", u.reusedTokens()));
        return usage;
    }

    static String finishReason(FinishReason r) {
        return r == FinishReason.STOP ? "stop" : "length";
    }

    private static boolean allIntegers(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                return false;
            }
        }
        return true;
    }

    private static int[] toInts(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    static String randomId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
