package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streaming detokenization never emits part of a character. */
class StreamingDecoderTest {

    @Test
    void emojiSplitOverByteTokensComesOutWhole() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        int[] tokens = t.encode(" this is 🦙.cpp", false, false);
        // llama.cpp's ids: the llama is four byte tokens <0xF0><0x9F><0xA6><0x99>
        assertThat(tokens).containsExactly(29871, 445, 338, 29871, 243, 162, 169, 156, 29889, 8223);
        StreamingDecoder decoder = t.newStreamingDecoder();
        List<String> outputs = new ArrayList<>();
        for (int token : tokens) {
            outputs.add(decoder.feed(token));
        }
        assertThat(outputs).containsExactly(" ", " this", " is", " ", "", "", "", "🦙", ".", "cpp");
        assertThat(decoder.hasPendingBytes()).isFalse();
        assertThat(decoder.finish()).isEmpty();
        assertThat(String.join("", outputs)).isEqualTo("  this is 🦙.cpp");
    }

    @Test
    void bpeEmojiSplitOverTokensComesOutWhole() {
        Tokenizer t = TestVocabs.vocab("gpt-2");
        String text = "I ❤️ 🦙s and 😶‍🌫️!";
        int[] tokens = t.encode(text, false, false);
        StreamingDecoder decoder = t.newStreamingDecoder();
        StringBuilder all = new StringBuilder();
        int partial = 0;
        for (int token : tokens) {
            String out = decoder.feed(token);
            assertThat(out).doesNotContain("\uFFFD");
            assertThat(out.isEmpty() || !Character.isHighSurrogate(out.charAt(out.length() - 1))).isTrue();
            if (decoder.hasPendingBytes()) {
                partial++;
            }
            all.append(out);
        }
        all.append(decoder.finish());
        assertThat(all.toString()).isEqualTo(text);
        assertThat(partial).as("some token ended inside a character").isPositive();
    }

    @Test
    void invalidBytesBecomeReplacementOnlyWhenCertain() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        int f0 = t.vocabulary().tokenId("<0xF0>");
        int x9f = t.vocabulary().tokenId("<0x9F>");
        int x80 = t.vocabulary().tokenId("<0x80>");
        int hello = t.vocabulary().tokenId("▁Hello");
        StreamingDecoder d = t.newStreamingDecoder();
        assertThat(d.feed(f0)).isEmpty();
        assertThat(d.feed(x9f)).isEmpty(); // F0 9F: still a possible emoji
        assertThat(d.feed(hello)).isEqualTo("\uFFFD Hello"); // a space cannot continue it
        assertThat(d.feed(x80)).isEqualTo("\uFFFD"); // a lone continuation byte can never start a character
        assertThat(d.feed(f0)).isEmpty();
        assertThat(d.finish()).isEqualTo("\uFFFD"); // the stream ended inside a character
        assertThat(d.hasPendingBytes()).isFalse();
    }

    @Test
    void controlTokensStreamAsNothingUnlessAsked() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        assertThat(t.newStreamingDecoder().feed(2)).isEmpty();
        assertThat(t.newStreamingDecoder(true).feed(2)).isEqualTo("</s>");
    }

    @Test
    void utf8DecoderHoldsBackOnlyPossibleSequences() {
        StringBuilder sb = new StringBuilder();
        byte[] euro = {(byte) 0xE2, (byte) 0x82, (byte) 0xAC};
        assertThat(Utf8.decode(euro, 2, false, sb)).isZero();
        assertThat(Utf8.decode(euro, 3, false, sb)).isEqualTo(3);
        assertThat(sb.toString()).isEqualTo("€");
        // overlong and surrogate lead-ins are rejected at once
        for (byte[] bad : new byte[][] {{(byte) 0xE0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0}, {(byte) 0xF4, (byte) 0x90},
            {(byte) 0xC0}, {(byte) 0xF5}}) {
            sb.setLength(0);
            int used = Utf8.decode(bad, bad.length, false, sb);
            assertThat(sb.toString()).startsWith("\uFFFD");
            assertThat(used).isEqualTo(bad.length);
        }
        // matches the JDK's replacement on every two-byte input but an encoded surrogate (ED A0..BF),
        // where the JDK writes one U+FFFD and Unicode's maximal-subpart rule, followed here, two
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                if (a == 0xED && b >= 0xA0 && b <= 0xBF) {
                    assertThat(Utf8.decode(new byte[] {(byte) a, (byte) b}, 2)).isEqualTo("\uFFFD\uFFFD");
                    continue;
                }
                byte[] in = {(byte) a, (byte) b};
                assertThat(Utf8.decode(in, 2)).isEqualTo(new String(in, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }
}
