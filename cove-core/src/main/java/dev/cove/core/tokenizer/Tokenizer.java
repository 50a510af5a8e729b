package dev.cove.core.tokenizer;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufMetadata;

/**
 * Turns text into token ids and back, exactly as llama.cpp does for the same GGUF file.
 *
 * <p>Two tokenizer models are supported: SentencePiece ({@code tokenizer.ggml.model = "llama"}:
 * LLaMA 1/2, Mistral, TinyLlama, Phi-3, ...) and byte-level BPE ({@code "gpt2"}: GPT-2, Llama 3,
 * Qwen2, DeepSeek, StarCoder, ...). Implementations are immutable and thread-safe; a
 * {@link StreamingDecoder} belongs to one generation at a time.
 */
public interface Tokenizer {

    /**
     * The tokenizer described by a model's metadata.
     *
     * @throws CoveException when the tokenizer model or pre-tokenizer is not supported, or the
     *     vocabulary is inconsistent; the message names the metadata key and value
     */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        Vocabulary vocab = Vocabulary.fromGguf(metadata);
        return switch (vocab.model()) {
            case SPM -> new SpmTokenizer(vocab);
            case BPE -> {
                if (!metadata.contains("tokenizer.ggml.merges")) {
                    throw new CoveException("byte-level BPE tokenizer without merges: metadata key tokenizer.ggml.merges"
                            + " is missing");
                }
                yield new BpeTokenizer(vocab, metadata.getStringArray("tokenizer.ggml.merges"));
            }
        };
    }

    /**
     * The tokens of {@code text}.
     *
     * @param addBos add the special tokens the model asks for around a prompt: BOS when
     *     {@code tokenizer.ggml.add_bos_token} is true (the default for SentencePiece models,
     *     not for BPE ones) and EOS when {@code tokenizer.ggml.add_eos_token} is true
     *     (llama.cpp's {@code add_special})
     * @param parseSpecial turn the text of control tokens ({@code <s>}, {@code <|im_end|>}, ...)
     *     into those tokens; when false it is tokenized as plain text. User-defined tokens are
     *     always recognised, as in llama.cpp
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * The tokens of text assembled from trusted parts and untrusted inserts, such as a chat
     * template around users' messages: the text of control tokens becomes those tokens only
     * outside the {@code literal} char positions. Inside them it is plain text, as with
     * {@code parseSpecial} false, so that a message containing {@code <|im_end|>} cannot end its
     * turn and forge another role's. Otherwise as {@link #encode(String, boolean, boolean)}.
     */
    int[] encode(String text, boolean addBos, java.util.BitSet literal);

    /**
     * The text of a token sequence, control tokens rendered as nothing. When the sequence starts
     * with BOS and the model adds a space prefix (SentencePiece), it is taken for a whole encoded
     * text: the space the tokenizer put in front of the text (and after each special token) is
     * removed, so that {@code decode(encode(s, true, false))} equals {@code s}. A sequence
     * without BOS (generated tokens, say) keeps every space, so it decodes to the concatenation
     * of its pieces, as llama.cpp prints them. Bytes that do not form UTF-8 become U+FFFD. BPE
     * models that ask for it get llama.cpp's clean-up of spaces before punctuation
     * ({@code " ,"} becomes {@code ","}), as {@code llama_detokenize} does.
     */
    String decode(int[] tokens);

    /** As {@link #decode(int[])}, rendering control tokens as their text when {@code renderSpecial}. */
    String decode(int[] tokens, boolean renderSpecial);

    /**
     * llama.cpp's {@code llama_detokenize}, flag for flag: the first token loses one leading space
     * when the model adds a space prefix, unless {@code removeSpecial} removes a leading BOS (and
     * a trailing EOS when the model adds one); control tokens are rendered when
     * {@code unparseSpecial}.
     */
    String detokenize(int[] tokens, boolean removeSpecial, boolean unparseSpecial);

    /**
     * The bytes a token stands for in text: SentencePiece pieces with U+2581 turned into
     * spaces, byte tokens as their byte, BPE tokens through GPT-2's byte map, control and
     * user-defined tokens as their text. One token may hold part of a UTF-8 character.
     */
    byte[] tokenBytes(int token);

    /** A decoder for generated tokens that returns only complete characters; control tokens render as nothing. */
    StreamingDecoder newStreamingDecoder();

    /** As {@link #newStreamingDecoder()}, rendering control tokens as their text when {@code renderSpecial}. */
    StreamingDecoder newStreamingDecoder(boolean renderSpecial);

    Vocabulary vocabulary();
}
