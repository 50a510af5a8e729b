package dev.cove.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cove.core.sample.SamplingException;
import dev.cove.core.sample.SamplingOptions;
import java.util.HashMap;
import java.util.Map;

/** Sampling options from request fields, OpenAI's names and Ollama's, validated. */
final class SamplingParams {
    private SamplingParams() {
    }

    /**
     * OpenAI's fields ({@code temperature}, {@code top_p}, {@code presence_penalty},
     * {@code frequency_penalty}, {@code seed}, {@code logit_bias}) and the llama.cpp extensions
     * clients also send ({@code top_k}, {@code min_p}, {@code repeat_penalty}).
     */
    static SamplingOptions openAi(Fields f, ServedModel m) {
        SamplingOptions s = common(f, m, 2);
        Double presence = f.number("presence_penalty", -2, 2);
        if (presence != null) {
            s = s.presencePenalty(presence.floatValue());
        }
        Double frequency = f.number("frequency_penalty", -2, 2);
        if (frequency != null) {
            s = s.frequencyPenalty(frequency.floatValue());
        }
        JsonNode bias = f.raw("logit_bias");
        if (bias != null) {
            if (!bias.isObject()) {
                throw f.wrongType("logit_bias", "an object of token ids to numbers", bias);
            }
            int vocab = m.model().config().vocabularySize();
            Map<Integer, Float> map = new HashMap<>();
            for (Map.Entry<String, JsonNode> e : bias.properties()) {
                int token;
                try {
                    token = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw ApiException.invalid("logit_bias", "logit_bias keys must be token ids");
                }
                if (token < 0 || token >= vocab) {
                    throw ApiException.invalid("logit_bias", "logit_bias names token " + token
                            + ", outside the vocabulary (0 to " + (vocab - 1) + ")");
                }
                JsonNode v = e.getValue();
                if (!v.isNumber() || !(v.doubleValue() >= -100 && v.doubleValue() <= 100)) {
                    throw ApiException.invalid("logit_bias", "logit_bias values must be numbers from -100 to 100");
                }
                // -100 bans the token, as OpenAI documents.
                map.put(token, v.doubleValue() <= -100 ? Float.NEGATIVE_INFINITY : v.floatValue());
            }
            s = wrap(s, map);
        }
        return s;
    }

    /** Ollama's {@code options}: temperature, top_k, top_p, min_p, repeat_penalty, repeat_last_n, penalties, seed. */
    static SamplingOptions ollama(Fields options, ServedModel m) {
        if (options == null) {
            return SamplingOptions.defaults();
        }
        SamplingOptions s = common(options, m, 100);
        Long lastN = options.integer("repeat_last_n", -1, Integer.MAX_VALUE);
        if (lastN != null) {
            s = s.repeatLastN(lastN == -1 ? m.contextLength() : lastN.intValue());
        }
        Double presence = options.number("presence_penalty", -100, 100);
        if (presence != null) {
            s = s.presencePenalty(presence.floatValue());
        }
        Double frequency = options.number("frequency_penalty", -100, 100);
        if (frequency != null) {
            s = s.frequencyPenalty(frequency.floatValue());
        }
        return s;
    }

    private static SamplingOptions common(Fields f, ServedModel m, double maxTemperature) {
        SamplingOptions s = SamplingOptions.defaults();
        Double temperature = f.number("temperature", 0, maxTemperature);
        if (temperature != null) {
            s = s.temperature(temperature.floatValue());
        }
        Double topP = f.number("top_p", 0, 1);
        if (topP != null) {
            s = s.topP(topP.floatValue());
        }
        Long topK = f.integer("top_k", 0, Integer.MAX_VALUE);
        if (topK != null) {
            s = s.topK(topK.intValue());
        }
        Double minP = f.number("min_p", 0, 1);
        if (minP != null) {
            s = s.minP(minP.floatValue());
        }
        Double repeat = f.number("repeat_penalty", 0, 100);
        if (repeat != null) {
            if (repeat <= 0) {
                throw ApiException.invalid(f.path("repeat_penalty"), "'" + f.path("repeat_penalty")
                        + "' must be above 0 (1 is off)");
            }
            s = s.repeatPenalty(repeat.floatValue());
        }
        Long seed = f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (seed != null) {
            s = s.seed(seed);
        }
        return s;
    }

    private static SamplingOptions wrap(SamplingOptions s, Map<Integer, Float> bias) {
        try {
            return s.logitBias(bias);
        } catch (SamplingException e) {
            throw ApiException.invalid("logit_bias", e.getMessage());
        }
    }
}
