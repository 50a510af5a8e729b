package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding what was encoded gives the text back; streaming gives the same text as whole-sequence decoding. */
class RoundTripTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "phi-3", "gpt-2", "deepseek-coder"})
    void everyTestStringSurvivesEncodeDecode(String name) throws IOException {
        Tokenizer t = TestVocabs.vocab(name);
        for (TestVocabs.Case c : TestVocabs.cases(name)) {
            String expected = c.text();
            if (name.equals("gpt-2")) {
                // GPT-2 asks for llama.cpp's clean-up of " ," " ." " 's" and the like when decoding
                byte[] bytes = expected.getBytes(StandardCharsets.UTF_8);
                expected = new String(bytes, 0, BaseTokenizer.cleanSpaces(bytes, bytes.length), StandardCharsets.UTF_8);
            }
            int[] withBos = t.encode(c.text(), true, false);
            assertThat(t.decode(withBos)).as(c.toString()).isEqualTo(expected);
            // streaming the ids llama.cpp gives (no BOS) yields the concatenated pieces
            StreamingDecoder d = t.newStreamingDecoder();
            StringBuilder streamed = new StringBuilder();
            for (int id : c.expected()) {
                streamed.append(d.feed(id));
            }
            streamed.append(d.finish());
            String prefix = t.vocabulary().addSpacePrefix() && !c.text().isEmpty() ? " " : "";
            assertThat(streamed.toString()).as(c.toString()).isEqualTo(prefix + c.text());
        }
    }

    @Test
    void detokenizeFollowsLlamaCppFlags() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        int[] hello = {15043, 3186}; // "▁Hello", "▁world"
        assertThat(t.detokenize(hello, false, false)).isEqualTo("Hello world");
        int[] withBos = {1, 15043, 3186};
        assertThat(t.detokenize(withBos, false, false)).isEqualTo(" Hello world");
        assertThat(t.detokenize(withBos, true, false)).isEqualTo(" Hello world");
        assertThat(t.detokenize(withBos, false, true)).isEqualTo("<s> Hello world");
        assertThat(t.decode(withBos)).isEqualTo("Hello world");
        assertThat(t.decode(hello)).isEqualTo(" Hello world");
    }

    @Test
    void tokenBytesAreThePiecesOfText() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        assertThat(t.tokenBytes(13)).containsExactly('\n');
        assertThat(t.tokenBytes(243)).containsExactly((byte) 0xF0);
        assertThat(new String(t.tokenBytes(15043), StandardCharsets.UTF_8)).isEqualTo(" Hello");
        assertThat(new String(t.tokenBytes(1), StandardCharsets.UTF_8)).isEqualTo("<s>");
        Tokenizer g = TestVocabs.vocab("gpt-2");
        int spaceThe = g.vocabulary().tokenId("Ġthe");
        assertThat(new String(g.tokenBytes(spaceThe), StandardCharsets.UTF_8)).isEqualTo(" the");
        byte[] all = new byte[0];
        for (int id : g.encode("é🦙", false, false)) {
            byte[] p = g.tokenBytes(id);
            all = Arrays.copyOf(all, all.length + p.length);
            System.arraycopy(p, 0, all, all.length - p.length, p.length);
        }
        assertThat(new String(all, StandardCharsets.UTF_8)).isEqualTo("é🦙");
    }
}
