package dev.cove.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cove.core.sample.TokenLogprobs;
import dev.cove.core.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OpenAI's {@code logprobs}: what a request asks for, and the two shapes of the answer — chat's
 * {@code {"content": [{token, logprob, bytes, top_logprobs}]}} and the legacy completions'
 * {@code {tokens, token_logprobs, top_logprobs, text_offset}}. The end-of-generation token is not
 * listed (its text is not in the answer).
 */
final class Logprobs {
    /** The most alternatives the completions endpoint allows, as OpenAI's. */
    private static final int MAX_COMPLETION_TOP = 5;

    private Logprobs() {
    }

    /** Chat's {@code logprobs} (boolean) and {@code top_logprobs}: the alternatives wanted, or -1 for none. */
    static int chatRequest(Fields f) {
        Boolean wanted = f.bool("logprobs");
        Long top = f.integer("top_logprobs", 0, TokenLogprobs.MAX_TOP);
        if (top != null && !Boolean.TRUE.equals(wanted)) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs \"logprobs\": true");
        }
        return Boolean.TRUE.equals(wanted) ? (top == null ? 0 : top.intValue()) : -1;
    }

    /** Completions' {@code logprobs}: an integer of alternatives (0 to 5), or -1 for none. */
    static int completionRequest(Fields f) {
        JsonNode raw = f.raw("logprobs");
        if (raw == null || raw.isNull() || raw.isBoolean() && !raw.booleanValue()) {
            return -1;
        }
        Long top = f.integer("logprobs", 0, MAX_COMPLETION_TOP);
        return top.intValue();
    }

    static ObjectNode chat(List<TokenLogprobs> tokens, Tokenizer tokenizer) {
        ArrayNode content = Json.array();
        for (TokenLogprobs t : tokens) {
            if (tokenizer.vocabulary().isEndOfGeneration(t.token())) {
                continue;
            }
            ObjectNode entry = entry(t.token(), t.logprob(), tokenizer);
            ArrayNode top = entry.putArray("top_logprobs");
            for (int k = 0; k < t.topTokens().length; k++) {
                top.add(entry(t.topTokens()[k], t.topLogprobs()[k], tokenizer));
            }
            content.add(entry);
        }
        ObjectNode out = Json.object();
        out.set("content", content);
        out.putNull("refusal");
        return out;
    }

    /** The legacy shape; {@code offset} is where the first token's text starts in the choice's text. */
    static ObjectNode completion(List<TokenLogprobs> tokens, Tokenizer tokenizer, int offset) {
        ArrayNode texts = Json.array();
        ArrayNode values = Json.array();
        ArrayNode tops = Json.array();
        ArrayNode offsets = Json.array();
        int at = offset;
        for (TokenLogprobs t : tokens) {
            if (tokenizer.vocabulary().isEndOfGeneration(t.token())) {
                continue;
            }
            String text = text(t.token(), tokenizer);
            texts.add(text);
            values.add(t.logprob());
            ObjectNode top = Json.object();
            for (int k = 0; k < t.topTokens().length; k++) {
                top.put(text(t.topTokens()[k], tokenizer), t.topLogprobs()[k]);
            }
            tops.add(top);
            offsets.add(at);
            at += text.length();
        }
        ObjectNode out = Json.object();
        out.set("tokens", texts);
        out.set("token_logprobs", values);
        out.set("top_logprobs", tops);
        out.set("text_offset", offsets);
        return out;
    }

    private static ObjectNode entry(int token, float logprob, Tokenizer tokenizer) {
        byte[] bytes = tokenizer.tokenBytes(token);
        ObjectNode e = Json.object().put("token", new String(bytes, StandardCharsets.UTF_8)).put("logprob", logprob);
        ArrayNode b = e.putArray("bytes");
        for (byte x : bytes) {
            b.add(x & 0xff);
        }
        return e;
    }

    private static String text(int token, Tokenizer tokenizer) {
        return new String(tokenizer.tokenBytes(token), StandardCharsets.UTF_8);
    }
}
