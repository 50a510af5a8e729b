package dev.cove.core.chat;

import dev.cove.core.chat.ChatMessage.Role;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The prompt formats of common chat models, each rendering a conversation exactly as that
 * model's own chat template does (the outputs are checked against the official templates in
 * the tests), and {@link #detect} to recognize a format in a {@code tokenizer.chat_template}.
 *
 * <p>Rules shared by every format:
 * <ul>
 *   <li>The text never starts with BOS (the tokenizer adds it); special-token text inside the
 *       conversation is included: see the {@linkplain dev.cove.core.chat package documentation}.</li>
 *   <li>{@code addGenerationPrompt} appends the assistant's header ({@code <|im_start|>assistant\n}
 *       and the like). Formats whose prompt already ends where the answer starts (Llama 2, Mistral:
 *       {@code ... [/INST]}) have no header and ignore it.</li>
 *   <li>Rendering without the generation prompt never appends an end-of-sequence after the last
 *       message (Phi-3's template appends {@code <|endoftext|>} there), so a rendered
 *       conversation is a prefix of the rendering of its continuation: the KV cache of one turn
 *       is reusable for the next. (Mistral v3's system prompt moves with the last user message,
 *       so there this holds only without a system message.)</li>
 *   <li>Formats without a system role (Llama 2 merges it into {@code <<SYS>>}, Gemma and
 *       Mistral v1 prepend it to a user message) attach each system message to the user message
 *       that follows it; one left with no user message after it is rendered as a user message of
 *       its own. The official templates reject such conversations, as they reject roles that do
 *       not alternate; these renderers render them rather than fail.</li>
 *   <li>Default system prompts that some templates insert when there is none (Qwen's "You are a
 *       helpful assistant.", Mistral Small's) are not inserted.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public enum ChatFormat implements ChatRenderer {

    /**
     * Llama 2 chat (and CodeLlama instruct): {@code [INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user}
     * [/INST] {answer} </s><s>[INST] {user} [/INST]}. Each user turn's text is stripped, the
     * system block included; answers are stripped and padded with one space on each side.
     */
    LLAMA2("llama2", "</s>", "[INST]") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            String system = null;
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case SYSTEM -> system = join(system, m.content());
                    case USER -> {
                        llama2User(out, system, m.content());
                        system = null;
                    }
                    case ASSISTANT -> out.append(' ').content(strip(m.content())).append(" </s>");
                }
            }
            if (system != null) {
                llama2User(out, system, "");
            }
        }

        private static void llama2User(PromptBuilder out, String system, String content) {
            String text = system == null ? content : "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
            if (!out.isEmpty()) {
                out.append("<s>");
            }
            out.append("[INST] ").content(strip(text)).append(" [/INST]");
        }
    },

    /**
     * Llama 3 and 3.x instruct: {@code <|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>},
     * contents trimmed. (The Llama 3.1+ templates also put a knowledge-cutoff and date preamble
     * in the system message; that needs the Jinja template.)
     */
    LLAMA3("llama3", "<|eot_id|>", "<|end_of_text|>", "<|start_header_id|>") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            for (ChatMessage m : messages) {
                out.append("<|start_header_id|>").append(m.role().id()).append("<|end_header_id|>\n\n")
                        .content(strip(m.content())).append("<|eot_id|>");
            }
            if (addGenerationPrompt) {
                out.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
        }
    },

    /** ChatML (Qwen, Yi, OpenHermes and many fine-tunes): {@code <|im_start|>{role}\n{content}<|im_end|>\n}. */
    CHATML("chatml", "<|im_end|>", "<|im_start|>") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            for (ChatMessage m : messages) {
                out.append("<|im_start|>").append(m.role().id()).append('\n').content(m.content())
                        .append("<|im_end|>\n");
            }
            if (addGenerationPrompt) {
                out.append("<|im_start|>assistant\n");
            }
        }
    },

    /** Zephyr (TinyLlama chat, Zephyr): {@code <|{role}|>\n{content}</s>\n}. */
    ZEPHYR("zephyr", "</s>", "<|user|>", "<|system|>", "<|assistant|>") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            for (ChatMessage m : messages) {
                out.append("<|").append(m.role().id()).append("|>\n").content(m.content()).append("</s>\n");
            }
            if (addGenerationPrompt) {
                out.append("<|assistant|>\n");
            }
        }
    },

    /**
     * Mistral's tokenizer v1 template (Mistral 7B Instruct v0.1/v0.2, Mixtral 8x7B):
     * {@code  [INST] {system}\n\n{user} [/INST] {answer}</s>}, a space before each {@code [INST]};
     * the system prompt goes into the first user message.
     */
    MISTRAL_V1("mistral-v1", "</s>", "[INST]") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            mistralMergedSystem(out, messages, " [INST] ", " [/INST]", " ", false, false);
        }
    },

    /**
     * The template first shipped in the Hugging Face repositories of Mistral 7B Instruct
     * v0.1/v0.2 and Mixtral 8x7B Instruct: v1 without the spaces around turns,
     * {@code [INST] {user} [/INST]{answer}</s>}. It has no system role; the system prompt goes
     * into the first user message.
     */
    MISTRAL_V1_LEGACY("mistral-v1-legacy", "</s>", "[INST]") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            mistralMergedSystem(out, messages, "[INST] ", " [/INST]", "", false, false);
        }
    },

    /**
     * Mistral's tokenizer v3 template (Mistral 7B Instruct v0.3, Mixtral 8x22B, Codestral,
     * Mistral Large 2407): {@code [INST] {user}[/INST] {answer}</s>}, answers trimmed; the system
     * prompt goes into the <em>last</em> user message.
     */
    MISTRAL_V3("mistral-v3", "</s>", "[INST]") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            mistralMergedSystem(out, messages, "[INST] ", "[/INST]", " ", true, true);
        }
    },

    /**
     * Mistral's v3 template for the Tekken tokenizer (Mistral Nemo, Ministral, Pixtral):
     * no spaces, {@code [INST]{user}[/INST]{answer}</s>}; the system prompt goes into the last
     * user message.
     */
    MISTRAL_V3_TEKKEN("mistral-v3-tekken", "</s>", "[INST]") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            mistralMergedSystem(out, messages, "[INST]", "[/INST]", "", false, true);
        }
    },

    /**
     * Mistral's v7 template (Mistral Large 2411), with a system role:
     * {@code [SYSTEM_PROMPT] {system}[/SYSTEM_PROMPT][INST] {user}[/INST] {answer}</s>}.
     */
    MISTRAL_V7("mistral-v7", "</s>", "[INST]") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            mistralV7(out, messages, " ");
        }
    },

    /**
     * Mistral's v7 template for the Tekken tokenizer (Mistral Small 3.x), without spaces:
     * {@code [SYSTEM_PROMPT]{system}[/SYSTEM_PROMPT][INST]{user}[/INST]{answer}</s>}.
     */
    MISTRAL_V7_TEKKEN("mistral-v7-tekken", "</s>", "[INST]") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            mistralV7(out, messages, "");
        }
    },

    /** Phi-3 and Phi-3.5 instruct: {@code <|{role}|>\n{content}<|end|>\n}. */
    PHI3("phi3", "<|end|>", "<|user|>", "<|assistant|>", "<|endoftext|>") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            for (ChatMessage m : messages) {
                out.append("<|").append(m.role().id()).append("|>\n").content(m.content()).append("<|end|>\n");
            }
            if (addGenerationPrompt) {
                out.append("<|assistant|>\n");
            }
        }
    },

    /**
     * Gemma instruct (1, 2 and 3): {@code <start_of_turn>{user|model}\n{content}<end_of_turn>\n},
     * contents trimmed. Gemma has no system role: as Gemma 3's template does, the system text
     * and a blank line are put before the first user message's text.
     */
    GEMMA("gemma", "<end_of_turn>", "<start_of_turn>") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            String system = null;
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case SYSTEM -> system = join(system, m.content());
                    case USER -> {
                        out.append("<start_of_turn>user\n");
                        if (system != null) {
                            out.content(system).append("\n\n");
                            system = null;
                        }
                        out.content(strip(m.content())).append("<end_of_turn>\n");
                    }
                    case ASSISTANT -> out.append("<start_of_turn>model\n").content(strip(m.content()))
                            .append("<end_of_turn>\n");
                }
            }
            if (system != null) {
                out.append("<start_of_turn>user\n").content(strip(system)).append("<end_of_turn>\n");
            }
            if (addGenerationPrompt) {
                out.append("<start_of_turn>model\n");
            }
        }
    },

    /**
     * A plain transcript for models without a known format: the system text and a blank line,
     * then {@code User: ...} and {@code Assistant: ...} lines; the generation prompt is
     * {@code Assistant:}.
     */
    PLAIN("plain", "\nUser:") {
        @Override
        void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt) {
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case SYSTEM -> out.content(m.content()).append("\n\n");
                    case USER -> out.append("User: ").content(m.content()).append('\n');
                    case ASSISTANT -> out.append("Assistant: ").content(m.content()).append('\n');
                }
            }
            if (addGenerationPrompt) {
                out.append("Assistant:");
            }
        }
    };

    private final String id;
    private final List<String> stopStrings;

    ChatFormat(String id, String... stopStrings) {
        this.id = id;
        this.stopStrings = List.of(stopStrings);
    }

    abstract void renderTo(PromptBuilder out, List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * The prompt text for {@code messages}, optionally followed by the assistant's header so
     * that the model's next tokens are its answer. Never starts with BOS; see the class notes.
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return renderPrompt(messages, addGenerationPrompt).text();
    }

    /**
     * {@link #render}, keeping track of which text came from the messages: tokenize the result
     * with {@link ChatPrompt#tokenize}, so that special-token text typed into a message stays
     * text while the format's own markers become control tokens.
     */
    @Override
    public ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return renderPrompt(messages, List.of(), addGenerationPrompt);
    }

    /**
     * The built-in formats have no place for tools of their own: they are offered, and calls and
     * results written, the way Qwen 2.5's template does it ({@link ToolCallSyntax#HERMES}), in the
     * system, assistant and user messages of this format.
     */
    @Override
    public ChatPrompt renderPrompt(List<ChatMessage> messages, List<Tool> tools, boolean addGenerationPrompt) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(tools, "tools");
        for (ChatMessage m : messages) {
            Objects.requireNonNull(m, "messages must not contain null");
        }
        if (ToolPrompt.needed(messages, tools)) {
            messages = ToolPrompt.rewrite(messages, tools);
        }
        PromptBuilder out = new PromptBuilder(64 + 32 * messages.size());
        renderTo(out, messages, addGenerationPrompt);
        return out.build();
    }

    /** Calls are read as {@link ToolPrompt} teaches them. */
    @Override
    public ToolCallSyntax toolCallSyntax() {
        return ToolCallSyntax.HERMES;
    }

    /** The short name used by llama.cpp's {@code --chat-template} for the same format: {@code chatml}, {@code llama3}, ... */
    public String id() {
        return id;
    }

    /**
     * Text that ends the assistant's turn in this format: its end-of-turn marker and the header
     * of the next turn (models sometimes carry on and write the user's part). Generation should
     * stop at the model's end-of-generation tokens too; these catch the same ends when they are
     * produced as text.
     */
    @Override
    public List<String> stopStrings() {
        return stopStrings;
    }

    /** The format named {@code id} ({@link #id()}, or the constant's name), ignoring case. */
    public static Optional<ChatFormat> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        for (ChatFormat f : values()) {
            if (f.id.equals(wanted) || f.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * The format whose markers appear in a {@code tokenizer.chat_template} (or whose
     * {@linkplain #id() id} it is), or empty when the template is absent or not recognized.
     */
    public static Optional<ChatFormat> fromTemplate(String template) {
        if (template == null || template.isBlank()) {
            return Optional.empty();
        }
        Optional<ChatFormat> named = byId(template);
        if (named.isPresent()) {
            return named;
        }
        String t = template;
        if (t.contains("<|im_start|>")) {
            // Phi-4 (<|im_sep|>) and SmolVLM (<end_of_utterance>) use the markers differently.
            return t.contains("<|im_sep|>") || t.contains("<end_of_utterance>")
                    ? Optional.empty() : Optional.of(CHATML);
        }
        if (t.contains("[INST]")) {
            return Optional.of(instFormat(t));
        }
        if (t.contains("[gMASK]")) {
            return Optional.empty(); // ChatGLM: also uses <|user|> and <|assistant|>
        }
        if (t.contains("<|user|>") && t.contains("<|end|>")) {
            return Optional.of(PHI3);
        }
        if (t.contains("<|user|>") && t.contains("<|assistant|>")
                && (t.contains("eos_token") || t.contains("</s>") || t.contains("<|endoftext|>"))) {
            return Optional.of(ZEPHYR);
        }
        if (t.contains("<start_of_turn>")) {
            return Optional.of(GEMMA);
        }
        if (t.contains("<|start_header_id|>") && t.contains("<|end_header_id|>")) {
            return Optional.of(LLAMA3);
        }
        return Optional.empty();
    }

    /** Which of the {@code [INST]} formats: Llama 2 has {@code <<SYS>>}; Mistral's differ in spaces. */
    private static ChatFormat instFormat(String t) {
        if (t.contains("[SYSTEM_PROMPT]")) {
            return t.contains("[SYSTEM_PROMPT] ") || t.contains("[INST] ") ? MISTRAL_V7 : MISTRAL_V7_TEKKEN;
        }
        if (t.contains("<<SYS>>")) {
            return LLAMA2;
        }
        if (t.contains(" [/INST]")) {
            return t.contains(" [INST]") ? MISTRAL_V1 : MISTRAL_V1_LEGACY;
        }
        return t.contains("[INST] ") ? MISTRAL_V3 : MISTRAL_V3_TEKKEN;
    }

    /** {@link #fromTemplate} with no vocabulary to consult: unknown templates get {@link #PLAIN}. */
    public static ChatFormat detect(String template) {
        return detect(template, token -> false);
    }

    /**
     * The format of a model: the one recognized in its chat template; when the template is
     * absent or unknown, {@link #CHATML} if the vocabulary has {@code <|im_start|>}, else
     * {@link #PLAIN}.
     *
     * @param template the model's {@code tokenizer.chat_template}, or null
     * @param vocabularyHasToken whether the model's vocabulary has a token with exactly this text
     */
    public static ChatFormat detect(String template, Predicate<String> vocabularyHasToken) {
        Objects.requireNonNull(vocabularyHasToken, "vocabularyHasToken");
        return fromTemplate(template)
                .orElseGet(() -> vocabularyHasToken.test("<|im_start|>") ? CHATML : PLAIN);
    }

    // ---- shared by the renderers ------------------------------------------------------------

    /**
     * Mistral formats without a system role. System messages are joined and put (with a blank
     * line) before the first user message that follows them, or before the last user message of
     * the conversation when {@code systemInLastUser}.
     */
    private static void mistralMergedSystem(PromptBuilder out, List<ChatMessage> messages, String open,
            String close, String answerPrefix, boolean trimAnswers, boolean systemInLastUser) {
        int lastUser = -1;
        String allSystem = null;
        if (systemInLastUser) {
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                if (m.role() == Role.USER) {
                    lastUser = i;
                } else if (m.role() == Role.SYSTEM) {
                    allSystem = join(allSystem, m.content());
                }
            }
        }
        String system = null;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            switch (m.role()) {
                case SYSTEM -> {
                    if (!systemInLastUser) {
                        system = join(system, m.content());
                    }
                }
                case USER -> {
                    String prefix = systemInLastUser ? (i == lastUser ? allSystem : null) : system;
                    out.append(open);
                    if (prefix != null) {
                        out.content(prefix).append("\n\n");
                    }
                    out.content(m.content()).append(close);
                    system = null;
                }
                case ASSISTANT -> out.append(answerPrefix)
                        .content(trimAnswers ? strip(m.content()) : m.content()).append("</s>");
            }
        }
        String leftOver = systemInLastUser ? (lastUser < 0 ? allSystem : null) : system;
        if (leftOver != null) {
            out.append(open).content(leftOver).append(close);
        }
    }

    private static void mistralV7(PromptBuilder out, List<ChatMessage> messages, String space) {
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case SYSTEM -> out.append("[SYSTEM_PROMPT]").append(space).content(m.content())
                        .append("[/SYSTEM_PROMPT]");
                case USER -> out.append("[INST]").append(space).content(m.content()).append("[/INST]");
                case ASSISTANT -> out.append(space).content(m.content()).append("</s>");
            }
        }
    }

    private static String join(String first, String next) {
        return first == null ? next : first + "\n\n" + next;
    }

    /** Python's {@code str.strip()} (Jinja's {@code trim}): Unicode whitespace off both ends. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
