package dev.cove.core.convert;

import dev.cove.core.tokenizer.TokenType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A llama2.c tokenizer file ({@code tokenizer.bin}, {@code tok512.bin}) read into the form GGUF
 * stores a SentencePiece ("llama") vocabulary in. The file is an int32 {@code max_token_length}
 * followed, for each token, by a float32 score, an int32 byte length and the UTF-8 bytes; it
 * holds no token count, so the count comes from the checkpoint's {@code vocab_size}, and the
 * file must end exactly after that many tokens.
 *
 * <p>The texts and types follow llama.cpp's {@code convert-llama2c-to-ggml}: tokens 0, 1 and 2
 * become {@code <unk>} (unknown), {@code <s>} and {@code </s>} (control) whatever the file says
 * (llama2.c stores {@code "\n<s>\n"}); an empty token is control; {@code <0xNN>} is a byte token;
 * every other token is normal; spaces are written as U+2581 ("▁"), as SentencePiece stores them
 * (llama2.c's exporter turned them into spaces).
 */
public record Llama2cTokenizer(String[] tokens, float[] scores, int[] types, int maxTokenLength) {
    public static final int UNKNOWN_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;

    /** Far larger than any real tokenizer file (Llama 2's is 434 KB); a bigger one is refused before it is read. */
    static final long MAX_FILE_BYTES = 64L << 20;

    /** Reads a tokenizer of exactly {@code vocabSize} tokens. */
    public static Llama2cTokenizer read(Path path, int vocabSize) {
        String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new ConvertException(file + ": the file has " + size + " bytes, far more than a llama2.c tokenizer;"
                        + " is it the checkpoint given in the tokenizer's place?");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ConvertException(path + ": no such file");
        } catch (IOException e) {
            throw new ConvertException(path + ": cannot read: " + e.getMessage(), e);
        }
        return parse(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), vocabSize, file);
    }

    static Llama2cTokenizer parse(ByteBuffer in, int vocabSize, String file) {
        long size = in.remaining();
        if (size < 4) {
            throw new ConvertException(file + ": the file has " + size + " bytes, too few for a llama2.c tokenizer");
        }
        int maxTokenLength = in.getInt();
        if (maxTokenLength <= 0 || maxTokenLength > size) {
            throw new ConvertException(file + ": the header says the longest token has " + maxTokenLength
                    + " bytes, which is impossible for this file; it is not a llama2.c tokenizer or is damaged");
        }
        // Each token takes at least 8 bytes, which bounds the arrays by the file size.
        int capacity = (int) Math.min(vocabSize, (size - 4) / 8);
        String[] tokens = new String[capacity];
        float[] scores = new float[capacity];
        int[] types = new int[capacity];
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int id = 0; id < vocabSize; id++) {
            if (!in.hasRemaining()) {
                throw new ConvertException(file + ": the tokenizer holds " + id + " tokens but the checkpoint has a"
                        + " vocabulary of " + vocabSize + ": the tokenizer does not belong to this checkpoint");
            }
            int start = in.position();
            if (in.remaining() < 8) {
                throw truncated(file, id, start, 8, size);
            }
            float score = in.getFloat();
            int length = in.getInt();
            checkLength(file, id, length, maxTokenLength);
            if (length > in.remaining()) {
                throw truncated(file, id, start, 8L + length, size);
            }
            if (Float.isNaN(score)) {
                throw new ConvertException(file + ": token " + id + " has score NaN; the tokenizer is damaged");
            }
            ByteBuffer raw = in.slice(in.position(), length);
            in.position(in.position() + length);
            String text;
            try {
                text = utf8.decode(raw).toString();
            } catch (CharacterCodingException e) {
                throw new ConvertException(file + ": token " + id + " (at byte " + start + ") is not valid UTF-8;"
                        + " the tokenizer is damaged");
            }
            TokenType type;
            if (id == UNKNOWN_ID) {
                text = "<unk>";
                type = TokenType.UNKNOWN;
            } else if (id == BOS_ID) {
                text = "<s>";
                type = TokenType.CONTROL;
            } else if (id == EOS_ID) {
                text = "</s>";
                type = TokenType.CONTROL;
            } else if (text.isEmpty()) {
                type = TokenType.CONTROL;
            } else if (isByteToken(text)) {
                type = TokenType.BYTE;
            } else {
                type = TokenType.NORMAL;
            }
            tokens[id] = text.replace(' ', '\u2581');
            scores[id] = score;
            types[id] = type.code();
        }
        if (in.hasRemaining()) {
            throw new ConvertException(file + ": " + describeExtra(in, maxTokenLength, vocabSize));
        }
        return new Llama2cTokenizer(tokens, scores, types, maxTokenLength);
    }

    public int size() {
        return tokens.length;
    }

    /** Text {@code <0x} then a hex digit: the test llama.cpp's converter makes ({@code sscanf "<0x%02hhX>"}). */
    static boolean isByteToken(String text) {
        return text.length() > 3 && text.startsWith("<0x") && Character.digit(text.charAt(3), 16) >= 0;
    }

    private static void checkLength(String file, int id, int length, int maxTokenLength) {
        if (length < 0 || length > maxTokenLength) {
            throw new ConvertException(file + ": token " + id + " is " + length + " bytes long but the header says no"
                    + " token is longer than " + maxTokenLength + "; the tokenizer is damaged");
        }
    }

    private static ConvertException truncated(String file, int id, int start, long needed, long size) {
        return new ConvertException(file + ": token " + id + " ends at byte " + (start + needed) + " but the file has "
                + size + " bytes: the tokenizer is truncated");
    }

    /** Says whether the bytes after the last expected token are more tokens (a vocabulary mismatch) or garbage. */
    private static String describeExtra(ByteBuffer in, int maxTokenLength, int vocabSize) {
        int extraBytes = in.remaining();
        long extraTokens = 0;
        while (in.remaining() >= 8) {
            in.getFloat();
            int length = in.getInt();
            if (length < 0 || length > maxTokenLength || length > in.remaining()) {
                break;
            }
            in.position(in.position() + length);
            extraTokens++;
        }
        if (!in.hasRemaining()) {
            return "the tokenizer holds " + (vocabSize + extraTokens) + " tokens but the checkpoint has a vocabulary of "
                    + vocabSize + ": the tokenizer does not belong to this checkpoint";
        }
        return "the file has " + extraBytes + " bytes after its token " + (vocabSize - 1)
                + " (the checkpoint's vocabulary has " + vocabSize + " tokens) that are not tokens: the tokenizer is"
                + " damaged or does not belong to this checkpoint";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Llama2cTokenizer t && java.util.Arrays.equals(tokens, t.tokens)
                && java.util.Arrays.equals(scores, t.scores) && java.util.Arrays.equals(types, t.types)
                && maxTokenLength == t.maxTokenLength;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Llama2cTokenizer[" + tokens.length + " tokens, longest " + maxTokenLength + " bytes]";
    }
}
