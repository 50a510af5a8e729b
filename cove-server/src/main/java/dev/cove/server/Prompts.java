package dev.cove.server;

import dev.cove.core.chat.ChatMessage;
import dev.cove.core.chat.Tool;
import dev.cove.core.tokenizer.Tokenizer;
import dev.cove.core.tokenizer.Vocabulary;
import java.util.List;

/** Turns what a request asks for into prompt tokens, checked against the model's context. */
final class Prompts {
    private Prompts() {
    }

    /** A conversation in the model's chat format, followed by the assistant's header. */
    static int[] chat(ServedModel m, List<ChatMessage> messages, String param) {
        return chat(m, messages, List.of(), param);
    }

    /** The same, with {@code tools} offered to the model. */
    static int[] chat(ServedModel m, List<ChatMessage> messages, List<Tool> tools, String param) {
        // The format's markers become control tokens; special-token text inside the messages
        // stays text, so a client's message cannot close its turn and write as the system.
        dev.cove.core.chat.ChatPrompt prompt;
        try {
            prompt = m.chatFormat().renderPrompt(messages, tools, true);
        } catch (dev.cove.core.chat.template.TemplateException e) {
            // The template's own refusal (roles that do not alternate...) or its limits: never the text.
            throw ApiException.invalid(param, "chat_template_error", "the model's chat template cannot render this"
                    + " conversation: " + e.getMessage());
        }
        return check(m, prompt.tokenize(m.model().tokenizer(), true), param);
    }

    /** Plain text to continue: special-token text in it stays text. */
    static int[] text(ServedModel m, String text, String param) {
        return check(m, m.model().tokenizer().encode(text, true, false), param);
    }

    /** Token ids given by the client, validated against the vocabulary. */
    static int[] tokens(ServedModel m, int[] tokens, String param) {
        int vocab = m.model().config().vocabularySize();
        for (int t : tokens) {
            if (t < 0 || t >= vocab) {
                throw ApiException.invalid(param, "token id " + t + " is outside the vocabulary (0 to " + (vocab - 1) + ")");
            }
        }
        return check(m, tokens, param);
    }

    /**
     * Fill in the middle: {@code [BOS] <PRE> prefix <SUF> suffix <MID>}, the model then writing
     * the middle (llama.cpp's prefix-suffix-middle order).
     */
    static int[] fim(ServedModel m, String prefix, String suffix, String param) {
        Tokenizer tokenizer = m.model().tokenizer();
        Vocabulary v = tokenizer.vocabulary();
        if (!m.supportsFim()) {
            throw ApiException.invalid(param, "fim_not_supported", "the model '" + m.name()
                    + "' cannot fill in the middle: its vocabulary has no FIM prefix/suffix/middle tokens."
                    + " Use a code model trained for it (CodeLlama, StarCoder, Qwen2.5-Coder, DeepSeek-Coder...)");
        }
        int[] pre = tokenizer.encode(prefix, false, false);
        int[] suf = tokenizer.encode(suffix, false, false);
        boolean bos = v.addBos() && v.bos() != Vocabulary.NONE;
        int[] out = new int[(bos ? 1 : 0) + 3 + pre.length + suf.length];
        int i = 0;
        if (bos) {
            out[i++] = v.bos();
        }
        out[i++] = v.fimPrefix();
        System.arraycopy(pre, 0, out, i, pre.length);
        i += pre.length;
        out[i++] = v.fimSuffix();
        System.arraycopy(suf, 0, out, i, suf.length);
        i += suf.length;
        out[i] = v.fimMiddle();
        return check(m, out, param);
    }

    /** Refuses prompts that leave no room to generate. */
    static int[] check(ServedModel m, int[] tokens, String param) {
        if (tokens.length == 0) {
            throw ApiException.invalid(param, "the prompt is empty: there is nothing to continue");
        }
        int ctx = m.contextLength();
        if (tokens.length >= ctx) {
            throw ApiException.invalid(param, "context_length_exceeded", "This model's maximum context length is "
                    + ctx + " tokens. However, your prompt is " + tokens.length
                    + " tokens. Please shorten it (or start the server with a larger --ctx).");
        }
        return tokens;
    }
}
