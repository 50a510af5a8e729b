package dev.cove.secure.canary;

import dev.cove.core.Model;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.tokenizer.StreamingDecoder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the canary test gets a model's answer from. */
@FunctionalInterface
public interface GenerationHook {
    /** The answer to {@code prompt}, with the token counts the engine would report. */
    Generated generate(String prompt);

    record Generated(String text, int promptTokens, int outputTokens) {
        @Override
        public String toString() {
            return "Generated[text=(hidden), promptTokens=" + promptTokens + ", outputTokens=" + outputTokens + "]";
        }
    }

    /** The real stories260K model in ../shared, or null when the reference data is absent. */
    static Path realModel() {
        for (Path p : new Path[] {Path.of("../../shared/models/stories260K/stories260K.gguf"),
                Path.of("../shared/models/stories260K/stories260K.gguf")}) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Real generation through cove-core: the prompt (canary included) goes through the tokenizer,
     * the forward pass, the KV cache and the sampler at the most verbose log level. A 260K-parameter
     * story model cannot be made to say the canary, so {@code echoed} is then streamed through the
     * model's own detokenizer token by token and appended, as if the model had produced it.
     */
    static GenerationHook engine(Path model, String echoed) {
        return prompt -> {
            try (Model m = Model.load(model, 2)) {
                GenerationResult result = m.newSession(GenerationOptions.defaults().seed(11).maxTokens(24).contextLength(512))
                        .generate(prompt, token -> { });
                StreamingDecoder decoder = m.tokenizer().newStreamingDecoder();
                StringBuilder tail = new StringBuilder();
                int[] forced = m.tokenizer().encode(" " + echoed, false, false);
                for (int token : forced) {
                    tail.append(decoder.feed(token));
                }
                tail.append(decoder.finish());
                return new Generated(result.text() + tail, result.promptTokens(), result.generatedTokens() + forced.length);
            }
        };
    }
}
