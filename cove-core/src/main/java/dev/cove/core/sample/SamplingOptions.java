package dev.cove.core.sample;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How to pick each next token: an immutable, validated value. Start from {@link #defaults()}
 * (llama.cpp's defaults) and change what you need with the wither methods, each of which returns
 * a new instance:
 *
 * <pre>{@code
 * SamplingOptions o = SamplingOptions.defaults().temperature(0.7f).topK(50).seed(42);
 * }</pre>
 *
 * <table>
 *   <caption>Options, their defaults and what turns them off</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>temperature</td><td>0.8</td><td>divides the logits before the softmax; {@code <= 0}
 *       is greedy (argmax after bias and penalties, every other filter ignored)</td></tr>
 *   <tr><td>topK</td><td>40</td><td>keep the k most likely tokens; {@code <= 0} keeps all</td></tr>
 *   <tr><td>topP</td><td>0.95</td><td>keep the smallest set of most likely tokens whose
 *       probability adds up to at least p; 1 keeps all</td></tr>
 *   <tr><td>minP</td><td>0.05</td><td>drop tokens less likely than {@code minP} times the most
 *       likely one; 0 keeps all</td></tr>
 *   <tr><td>repeatPenalty</td><td>1.0</td><td>logits of tokens seen in the window are divided by
 *       it when positive, multiplied by it when negative; 1 is off</td></tr>
 *   <tr><td>repeatLastN</td><td>64</td><td>the window: how many of the last accepted tokens the
 *       three penalties look at; 0 turns all penalties off</td></tr>
 *   <tr><td>frequencyPenalty</td><td>0</td><td>subtracted once per occurrence in the window</td></tr>
 *   <tr><td>presencePenalty</td><td>0</td><td>subtracted once if the token occurs in the window</td></tr>
 *   <tr><td>seed</td><td>absent</td><td>seed of the random draw; absent picks a random one
 *       (which {@link Sampler#seed()} reports)</td></tr>
 *   <tr><td>logitBias</td><td>empty</td><td>token id to a value added to its logit;
 *       {@code Float.NEGATIVE_INFINITY} bans the token</td></tr>
 * </table>
 *
 * <p>Invalid values are rejected with a {@link SamplingException} that names the option, so a
 * server can pass the message on as a 400 error.
 */
public record SamplingOptions(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repeatPenalty,
        int repeatLastN,
        float frequencyPenalty,
        float presencePenalty,
        OptionalLong seed,
        Map<Integer, Float> logitBias) {

    private static final SamplingOptions DEFAULTS = new SamplingOptions(
            0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0.0f, 0.0f, OptionalLong.empty(), Map.of());

    public SamplingOptions {
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(logitBias, "logitBias");
        if (Float.isNaN(temperature) || Float.isInfinite(temperature)) {
            throw new SamplingException("temperature must be a finite number, got " + temperature);
        }
        if (!(topP >= 0f && topP <= 1f)) {
            throw new SamplingException("top_p must be between 0 and 1, got " + topP);
        }
        if (!(minP >= 0f && minP <= 1f)) {
            throw new SamplingException("min_p must be between 0 and 1, got " + minP);
        }
        if (!(repeatPenalty > 0f) || Float.isInfinite(repeatPenalty)) {
            throw new SamplingException("repeat_penalty must be a finite number above 0 (1 is off), got "
                    + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new SamplingException("repeat_last_n must be 0 or more (0 turns the penalties off), got "
                    + repeatLastN);
        }
        if (!Float.isFinite(frequencyPenalty)) {
            throw new SamplingException("frequency_penalty must be a finite number, got " + frequencyPenalty);
        }
        if (!Float.isFinite(presencePenalty)) {
            throw new SamplingException("presence_penalty must be a finite number, got " + presencePenalty);
        }
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            Integer token = e.getKey();
            Float bias = e.getValue();
            if (token == null || bias == null) {
                throw new SamplingException("logit_bias must not contain null token ids or values");
            }
            if (token < 0) {
                throw new SamplingException("logit_bias names token " + token + ": token ids are 0 or more");
            }
            if (Float.isNaN(bias) || bias == Float.POSITIVE_INFINITY) {
                throw new SamplingException("logit_bias for token " + token
                        + " must be a finite number or -infinity (to ban it), got " + bias);
            }
        }
        logitBias = Map.copyOf(logitBias);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties, random seed. */
    public static SamplingOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults with temperature 0: always the most likely token. */
    public static SamplingOptions greedy() {
        return DEFAULTS.temperature(0f);
    }

    /** Whether this picks the argmax (temperature {@code <= 0}) rather than drawing. */
    public boolean isGreedy() {
        return temperature <= 0f;
    }

    public SamplingOptions temperature(float value) {
        return new SamplingOptions(value, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                presencePenalty, seed, logitBias);
    }

    public SamplingOptions topK(int value) {
        return new SamplingOptions(temperature, value, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed, logitBias);
    }

    public SamplingOptions topP(float value) {
        return new SamplingOptions(temperature, topK, value, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed, logitBias);
    }

    public SamplingOptions minP(float value) {
        return new SamplingOptions(temperature, topK, topP, value, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed, logitBias);
    }

    public SamplingOptions repeatPenalty(float value) {
        return new SamplingOptions(temperature, topK, topP, minP, value, repeatLastN, frequencyPenalty,
                presencePenalty, seed, logitBias);
    }

    public SamplingOptions repeatLastN(int value) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, value, frequencyPenalty,
                presencePenalty, seed, logitBias);
    }

    public SamplingOptions frequencyPenalty(float value) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN, value,
                presencePenalty, seed, logitBias);
    }

    public SamplingOptions presencePenalty(float value) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, value, seed, logitBias);
    }

    /** A fixed seed: the same seed, logits and options give the same tokens. */
    public SamplingOptions seed(long value) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, OptionalLong.of(value), logitBias);
    }

    /** No fixed seed: each {@link Sampler} picks a random one. */
    public SamplingOptions randomSeed() {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, OptionalLong.empty(), logitBias);
    }

    /** Replaces the whole logit bias map. */
    public SamplingOptions logitBias(Map<Integer, Float> value) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed, value);
    }

    /** Adds (or replaces) the bias of one token. */
    public SamplingOptions logitBias(int token, float bias) {
        Map<Integer, Float> copy = new HashMap<>(logitBias);
        copy.put(token, bias);
        return logitBias(copy);
    }

    /** Bans a token: a bias of negative infinity. */
    public SamplingOptions ban(int token) {
        return logitBias(token, Float.NEGATIVE_INFINITY);
    }
}
