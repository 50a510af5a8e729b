package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The tokenizer of the stories260K model against llama.cpp's reference run. */
class Stories260KTokenizerTest {

    private static Map<String, Object> reference(String name) throws IOException {
        return MiniJson.object(Files.readString(SharedData.require("reference/" + name)));
    }

    @Test
    void promptTokenizesAsLlamaCpp() throws IOException {
        Map<String, Object> ref = reference("stories260K.json");
        Tokenizer tokenizer = TestVocabs.stories260K();
        String prompt = (String) ref.get("prompt");
        assertThat(prompt).isEqualTo("Once upon a time, there was a little robot");
        int[] tokens = tokenizer.encode(prompt, (Boolean) ref.get("add_bos"), false);
        assertThat(tokens).containsExactly(MiniJson.ints(ref.get("prompt_tokens")));
        assertThat(tokens).startsWith(1, 403, 407);
    }

    @Test
    void promptDecodesBackToItsText() throws IOException {
        Map<String, Object> ref = reference("stories260K.json");
        Tokenizer tokenizer = TestVocabs.stories260K();
        assertThat(tokenizer.decode(MiniJson.ints(ref.get("prompt_tokens")))).isEqualTo(ref.get("prompt"));
    }

    @Test
    void greedyTokensStreamToTheReferenceText() throws IOException {
        for (String name : new String[] {"stories260K.json", "stories260K-bos.json"}) {
            Map<String, Object> ref = reference(name);
            Tokenizer tokenizer = TestVocabs.stories260K();
            int[] greedy = MiniJson.ints(ref.get("greedy_tokens"));
            StreamingDecoder decoder = tokenizer.newStreamingDecoder();
            StringBuilder text = new StringBuilder();
            for (int token : greedy) {
                text.append(decoder.feed(token));
            }
            text.append(decoder.finish());
            assertThat(text.toString()).as(name).isEqualTo(ref.get("greedy_text"));
            // without BOS, decode keeps the leading space, like the streamed text
            assertThat(tokenizer.decode(greedy)).as(name).isEqualTo(ref.get("greedy_text"));
        }
    }

    @Test
    void bosPlusGreedyDecodesAsOneText() throws IOException {
        Map<String, Object> ref = reference("stories260K-bos.json");
        Tokenizer tokenizer = TestVocabs.stories260K();
        int[] greedy = MiniJson.ints(ref.get("greedy_tokens"));
        int[] all = IntStream.concat(IntStream.of(1), IntStream.of(greedy)).toArray();
        String greedyText = (String) ref.get("greedy_text");
        assertThat(tokenizer.decode(all)).isEqualTo(greedyText.substring(1));
        // and it tokenizes back to the same tokens (the model's greedy text is its own best tokenization here)
        assertThat(tokenizer.encode(greedyText.substring(1), true, false)).containsExactly(all);
    }

    @Test
    void vocabularyHasLlamaSpecialTokens() {
        Vocabulary v = TestVocabs.stories260K().vocabulary();
        assertThat(v.model()).isEqualTo(Vocabulary.Model.SPM);
        assertThat(v.size()).isEqualTo(512);
        assertThat(v.bos()).isEqualTo(1);
        assertThat(v.eos()).isEqualTo(2);
        assertThat(v.unk()).isEqualTo(0);
        assertThat(v.sep()).isEqualTo(Vocabulary.NONE); // 4294967295 in the file: out of range, ignored
        assertThat(v.newline()).isEqualTo(13);
        assertThat(v.addBos()).isTrue();
        assertThat(v.isEndOfGeneration(2)).isTrue();
        assertThat(v.isEndOfGeneration(1)).isFalse();
        assertThat(v.isControl(1)).isTrue();
        assertThat(v.tokenType(13)).isEqualTo(TokenType.BYTE);
    }
}
