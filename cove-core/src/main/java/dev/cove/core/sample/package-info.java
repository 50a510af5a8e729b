/**
 * Token sampling: turning one row of logits into the next token id.
 *
 * <p>{@link dev.cove.core.sample.SamplingOptions} is the immutable, validated configuration (the
 * same knobs and defaults as llama.cpp); {@link dev.cove.core.sample.Sampler} applies them in
 * llama.cpp's default chain order: logit bias, penalties (repeat, frequency, presence over the
 * last {@code repeatLastN} accepted tokens), top-k, top-p, min-p, temperature, softmax and a
 * draw from a seeded {@link java.util.SplittableRandom}. Temperature {@code <= 0} is greedy.
 * Typical sampling is not implemented.
 *
 * <p>A {@code Sampler} belongs to one generation session and is not thread-safe. It allocates
 * its working buffers once (sized to the vocabulary) and nothing per token.
 */
package dev.cove.core.sample;
