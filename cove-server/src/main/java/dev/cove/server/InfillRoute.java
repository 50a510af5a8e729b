package dev.cove.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.server.batch.JobSpec;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code POST /infill}: code completion as llama.cpp's server offers it (and editor plugins such
 * as llama.vscode call it): {@code input_prefix} and {@code input_suffix} in, the middle out as
 * {@code content}; streamed as SSE events of {@code {"content", "stop"}}. {@code model} may be
 * left out when the server has one model.
 */
final class InfillRoute {
    private final CoveServer server;

    InfillRoute(CoveServer server) {
        this.server = server;
    }

    void infill(Context ctx) {
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        String name = f.string("model");
        ServedModel m = name == null && server.models().all().size() == 1
                ? server.models().all().iterator().next() : server.resolve(name);
        server.note(ctx, m);
        String prefix = f.string("input_prefix");
        String suffix = f.string("input_suffix");
        String extra = f.string("prompt"); // text the middle must start with
        if (prefix == null && suffix == null) {
            throw ApiException.invalid("input_prefix", "give input_prefix and/or input_suffix");
        }
        int[] tokens = Prompts.fim(m, prefix == null ? "" : prefix, suffix == null ? "" : suffix, "input_prefix");
        if (extra != null && !extra.isEmpty()) {
            int[] more = m.model().tokenizer().encode(extra, false, false);
            int[] joined = java.util.Arrays.copyOf(tokens, tokens.length + more.length);
            System.arraycopy(more, 0, joined, tokens.length, more.length);
            tokens = Prompts.check(m, joined, "prompt");
        }
        SamplingOptions sampling = SamplingParams.ollama(f, m);
        Long n = f.integer("n_predict", -1, Integer.MAX_VALUE);
        if (n == null) {
            n = f.integer("max_tokens", -1, Integer.MAX_VALUE);
        }
        List<String> stops = f.stringOrStrings("stop", 16);
        boolean stream = f.bool("stream", false);
        Generation gen = Generation.submit(m, JobSpec.generate(tokens, sampling, n == null ? -1 : n.intValue(), stops,
                server.config().requestTimeout()));
        if (!stream) {
            Generation.Outcome o = gen.collect();
            server.noteUsage(ctx, o.usage());
            Json.respond(ctx, 200, last(m, o, o.text()));
            return;
        }
        gen.awaitAdmission();
        EventStream out = EventStream.sse(ctx);
        try {
            Generation.Outcome o = gen.stream(
                    piece -> out.data(Json.write(Json.object().put("content", piece).put("stop", false))), out::comment);
            server.noteUsage(ctx, o.usage());
            out.data(Json.write(last(m, o, "")));
        } catch (ApiException e) {
            out.data(Json.write(CoveServer.openAiError(e)));
        }
    }

    private static ObjectNode last(ServedModel m, Generation.Outcome o, String content) {
        String stopType = switch (o.reason()) {
            case STOP -> "eos";
            case LENGTH, TIMEOUT -> "limit";
            default -> "none";
        };
        return Json.object().put("content", content).put("stop", true).put("model", m.name())
                .put("stop_type", stopType)
                .put("tokens_predicted", o.usage().generatedTokens())
                .put("tokens_evaluated", o.usage().promptTokens())
                .put("tokens_cached", o.usage().reusedTokens());
    }
}
