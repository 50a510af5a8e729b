package dev.cove.core.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged, foreign and mismatched inputs: each is refused with a {@link ConvertException} that
 * says what is wrong, before any large allocation, and leaves no output file (not even a
 * temporary one) behind.
 */
class Llama2cDamagedInputTest {
    @TempDir
    Path dir;

    private Path in;
    private Path outDir;
    private Path bin;
    private Path tok;
    private Path out;

    @BeforeEach
    void goodInputs() throws IOException {
        in = Files.createDirectory(dir.resolve("in"));
        outDir = Files.createDirectory(dir.resolve("out"));
        bin = Llama2cFiles.checkpoint(in.resolve("tiny.bin"), Llama2cFiles.TINY);
        tok = Llama2cFiles.tokenizer(in.resolve("tok.bin"), Llama2cFiles.TINY_TOKENS);
        out = outDir.resolve("out.gguf");
    }

    @Test
    void goodInputsConvert() {
        Llama2cConverter.convert(bin, tok, out);
        assertThat(leftovers()).containsExactly(out);
    }

    @Test
    void truncatedCheckpoint() throws IOException {
        byte[] bytes = Files.readAllBytes(bin);
        Files.write(bin, Arrays.copyOf(bytes, bytes.length - 4));
        refused().hasMessageContaining("tiny.bin").hasMessageContaining("truncated")
                .hasMessageContaining((bytes.length - 4) + " bytes");
    }

    @Test
    void truncatedRealCheckpoint() throws IOException {
        Path real = SharedData.require("models/stories260K/stories260K.bin");
        byte[] bytes = Files.readAllBytes(real);
        bin = Files.write(in.resolve("stories260K.bin"), Arrays.copyOf(bytes, bytes.length / 2));
        tok = Files.copy(SharedData.require("models/stories260K/tok512.bin"), in.resolve("tok512.bin"));
        refused().hasMessageContaining("stories260K.bin").hasMessageContaining("describes 1056540 bytes")
                .hasMessageContaining("truncated");
    }

    @Test
    void checkpointWithExtraBytes() throws IOException {
        Files.write(bin, new byte[12], java.nio.file.StandardOpenOption.APPEND);
        refused().hasMessageContaining("12 more than the header");
    }

    @Test
    void checkpointShorterThanItsHeader() throws IOException {
        Files.write(bin, new byte[] {64, 0, 0, 0, 1});
        refused().hasMessageContaining("5 bytes").hasMessageContaining("header");
    }

    @Test
    void absurdHeaderIsRefusedWithoutAllocating() throws IOException {
        // 2^30-wide, 2^30 layers: terabytes that the file does not hold; the sizes overflow a long.
        Llama2cFiles.header(bin, 1 << 30, 1 << 30, 1 << 30, 1 << 29, 1 << 29, 1 << 30, 1 << 30);
        refused().hasMessageContaining("absurd");
    }

    @Test
    void hugeButRepresentableHeaderIsRefusedBySize() throws IOException {
        Llama2cFiles.header(bin, 4096, 11008, 32, 32, 32, 2_000_000_000, 4096);
        refused().hasMessageContaining("truncated");
    }

    @Test
    void negativeFieldsAreImpossible() throws IOException {
        Llama2cFiles.header(bin, 8, -12, 2, 4, 2, 7, 6);
        refused().hasMessageContaining("hidden_dim = -12").hasMessageContaining("impossible");
    }

    @Test
    void headsMustDivideTheDimension() throws IOException {
        Llama2cFiles.header(bin, 10, 12, 2, 4, 2, 7, 6);
        refused().hasMessageContaining("n_heads = 4");
    }

    @Test
    void kvHeadsMustDivideTheHeads() throws IOException {
        Llama2cFiles.header(bin, 24, 12, 2, 4, 3, 7, 6);
        refused().hasMessageContaining("n_kv_heads = 3");
    }

    @Test
    void newerLlama2cExportFormatIsNamed() throws IOException {
        Llama2cFiles.header(bin, 0x616b3432, 1, 8, 12, 2, 4, 2, 7, 6);
        refused().hasMessageContaining("newer export format").hasMessageContaining("--version 0");
    }

    @Test
    void ggufGivenAsCheckpoint() throws IOException {
        Files.write(bin, "GGUF\3\0\0\0 and then some more bytes".getBytes(StandardCharsets.US_ASCII));
        refused().hasMessageContaining("already a GGUF file");
    }

    @Test
    void missingInputs() {
        bin = in.resolve("nope.bin");
        refused().hasMessageContaining("nope.bin: no such file");
    }

    @Test
    void missingTokenizer() {
        tok = in.resolve("nope-tok.bin");
        refused().hasMessageContaining("nope-tok.bin: no such file");
    }

    @Test
    void tokenizerTruncatedInsideAToken() throws IOException {
        byte[] bytes = Files.readAllBytes(tok);
        Files.write(tok, Arrays.copyOf(bytes, bytes.length - 3));
        refused().hasMessageContaining("tok.bin").hasMessageContaining("token 6").hasMessageContaining("truncated");
    }

    @Test
    void tokenizerWithFewerTokensThanTheVocabulary() throws IOException {
        Llama2cFiles.tokenizer(tok, Llama2cFiles.TINY_TOKENS.subList(0, 5));
        refused().hasMessageContaining("holds 5 tokens").hasMessageContaining("vocabulary of 7")
                .hasMessageContaining("does not belong to this checkpoint");
    }

    @Test
    void tokenizerWithMoreTokensThanTheVocabulary() throws IOException {
        List<String> more = new ArrayList<>(Llama2cFiles.TINY_TOKENS);
        more.addAll(List.of("x", "y", "z"));
        Llama2cFiles.tokenizer(tok, more);
        refused().hasMessageContaining("holds 10 tokens").hasMessageContaining("vocabulary of 7");
    }

    @Test
    void realTokenizerWithAMismatchedCheckpoint() throws IOException {
        tok = Files.copy(SharedData.require("models/stories260K/tok512.bin"), in.resolve("tok512.bin"));
        refused().hasMessageContaining("tok512.bin").hasMessageContaining("holds 512 tokens")
                .hasMessageContaining("vocabulary of 7");
    }

    @Test
    void tokenizerWithGarbageAfterItsTokens() throws IOException {
        byte[] bytes = Files.readAllBytes(tok);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 5);
        Files.write(tok, longer);
        refused().hasMessageContaining("5 bytes after its token 6");
    }

    @Test
    void tokenizerWithANegativeLength() throws IOException {
        garbleTokenLength(-1);
        refused().hasMessageContaining("token 1 is -1 bytes long").hasMessageContaining("damaged");
    }

    @Test
    void tokenizerWithATokenLongerThanItsHeaderAllows() throws IOException {
        garbleTokenLength(1000);
        refused().hasMessageContaining("token 1 is 1000 bytes long");
    }

    @Test
    void tokenizerWithAnImpossibleMaximumLength() throws IOException {
        byte[] bytes = Files.readAllBytes(tok);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x7fff_0000);
        Files.write(tok, bytes);
        refused().hasMessageContaining("longest token").hasMessageContaining("not a llama2.c tokenizer");
    }

    @Test
    void tokenizerWithInvalidUtf8() throws IOException {
        List<String> tokens = new ArrayList<>(Llama2cFiles.TINY_TOKENS);
        tokens.set(4, "ab");
        byte[] bytes = Llama2cFiles.tokenizerBytes(tokens);
        // Token 4's two text bytes become a lone continuation byte and an invalid lead byte.
        int at = indexOf(bytes, "ab".getBytes(StandardCharsets.US_ASCII));
        bytes[at] = (byte) 0x80;
        bytes[at + 1] = (byte) 0xFF;
        Files.write(tok, bytes);
        refused().hasMessageContaining("token 4").hasMessageContaining("not valid UTF-8");
    }

    @Test
    void tinyTokenizerFile() throws IOException {
        Files.write(tok, new byte[] {1, 0});
        refused().hasMessageContaining("2 bytes");
    }

    @Test
    void aFailedConversionKeepsTheFileItWouldHaveReplaced() throws IOException {
        Files.writeString(out, "an older conversion");
        Llama2cFiles.tokenizer(tok, Llama2cFiles.TINY_TOKENS.subList(0, 5));
        assertThatThrownBy(() -> Llama2cConverter.convert(bin, tok, out)).isInstanceOf(ConvertException.class);
        assertThat(out).hasContent("an older conversion");
        assertThat(leftovers()).containsExactly(out);
    }

    @Test
    void outputMayNotReplaceAnInput() throws IOException {
        byte[] before = Files.readAllBytes(bin);
        assertThatThrownBy(() -> Llama2cConverter.convert(bin, tok, bin))
                .isInstanceOf(ConvertException.class).hasMessageContaining("overwrite the checkpoint");
        assertThatThrownBy(() -> Llama2cConverter.convert(bin, tok, tok))
                .isInstanceOf(ConvertException.class).hasMessageContaining("overwrite the tokenizer");
        assertThat(Files.readAllBytes(bin)).isEqualTo(before);
    }

    @Test
    void outputFolderMustExist() {
        out = outDir.resolve("no-such-folder").resolve("out.gguf");
        assertThatThrownBy(() -> Llama2cConverter.convert(bin, tok, out))
                .isInstanceOf(ConvertException.class).hasMessageContaining("does not exist");
    }

    @Test
    void outputMustNotBeAFolder() {
        assertThatThrownBy(() -> Llama2cConverter.convert(bin, tok, outDir))
                .isInstanceOf(ConvertException.class).hasMessageContaining("is a folder");
    }

    /** Asserts the conversion fails with a ConvertException and leaves nothing behind. */
    private AbstractThrowableAssert<?, ? extends Throwable> refused() {
        var thrown = assertThatThrownBy(() -> Llama2cConverter.convert(bin, tok, out)).isInstanceOf(ConvertException.class);
        assertThat(leftovers()).as("files left in the output folder").isEmpty();
        return thrown;
    }

    /** Sets the length field of token 1 of the tokenizer. */
    private void garbleTokenLength(int length) throws IOException {
        byte[] bytes = Files.readAllBytes(tok);
        int token0 = 4 + 8 + "<unk>".length();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(token0 + 4, length);
        Files.write(tok, bytes);
    }

    /** Files in the output folder. */
    private List<Path> leftovers() {
        try (Stream<Path> files = Files.list(outDir)) {
            return files.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
