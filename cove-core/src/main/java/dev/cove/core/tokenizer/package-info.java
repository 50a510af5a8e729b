/**
 * Tokenizers of GGUF models, matching llama.cpp token for token: SentencePiece
 * ({@code tokenizer.ggml.model = "llama"}) and byte-level BPE ({@code "gpt2"}) with the
 * pre-tokenizers named by {@code tokenizer.ggml.pre}.
 *
 * <p>Start from {@link dev.cove.core.tokenizer.Tokenizer#fromGguf}; the
 * {@link dev.cove.core.tokenizer.Vocabulary} holds token texts and special ids, and a
 * {@link dev.cove.core.tokenizer.StreamingDecoder} turns generated tokens into text one
 * complete character at a time.
 */
package dev.cove.core.tokenizer;
