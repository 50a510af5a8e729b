package dev.cove.core.chat;

import dev.cove.core.chat.template.ChatTemplate;
import dev.cove.core.chat.template.ContentString;
import dev.cove.core.chat.template.Rendering;
import dev.cove.core.chat.template.TemplateException;
import dev.cove.core.json.Json;
import dev.cove.core.json.JsonException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's own chat template ({@code tokenizer.chat_template}, Jinja) as a {@link ChatRenderer}:
 * the conversation and tools are given to the template as transformers'
 * {@code apply_chat_template} gives them, so the prompt is the one the model was trained on,
 * byte for byte. Message texts are marked as content, so special-token text typed into a message
 * stays text. Immutable and thread-safe.
 */
public final class TemplateChatRenderer implements ChatRenderer {
    private final ChatTemplate template;
    private final String bosToken;
    private final String eosToken;
    private final List<String> stopStrings;
    private final ToolCallSyntax toolCallSyntax;

    private TemplateChatRenderer(ChatTemplate template, ToolCallSyntax toolCallSyntax, String bosToken,
            String eosToken, List<String> stopStrings) {
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.stopStrings = List.copyOf(stopStrings);
        this.toolCallSyntax = toolCallSyntax;
    }

    /**
     * Compiles {@code source}.
     *
     * @param bosToken    the text of the model's BOS token ({@code bos_token} in the template); empty if none
     * @param eosToken    the text of its EOS token ({@code eos_token}); empty if none
     * @param stopStrings text that ends the assistant's turn when written as text (see {@link #stopStrings()})
     * @throws TemplateException when the template does not compile
     */
    public static TemplateChatRenderer compile(String source, String bosToken, String eosToken,
            List<String> stopStrings) {
        Objects.requireNonNull(source, "source");
        return new TemplateChatRenderer(ChatTemplate.compile(source), ToolCallSyntax.fromTemplate(source),
                Objects.requireNonNull(bosToken), Objects.requireNonNull(eosToken), stopStrings);
    }

    /**
     * The renderer of a model: its own chat template when its file has one that compiles, else
     * the built-in {@link ChatFormat} recognized from the template or the vocabulary. Stop strings
     * are those of the recognized format (the model's end-of-generation tokens stop it anyway).
     */
    public static ChatRenderer forModel(dev.cove.core.Model model) {
        String source = model.metadata().getString("tokenizer.chat_template", null);
        var vocabulary = model.tokenizer().vocabulary();
        ChatFormat fallback = ChatFormat.detect(source,
                text -> vocabulary.tokenId(text) != dev.cove.core.tokenizer.Vocabulary.NONE);
        if (source == null || source.isBlank()) {
            return fallback;
        }
        try {
            List<String> stops = ChatFormat.fromTemplate(source).map(ChatFormat::stopStrings).orElse(List.of());
            return compile(source, tokenText(model, vocabulary.bos()), tokenText(model, vocabulary.eos()), stops);
        } catch (TemplateException e) {
            System.getLogger(TemplateChatRenderer.class.getName()).log(System.Logger.Level.WARNING,
                    "the model's chat template does not compile (" + e.getMessage() + "); using the built-in "
                            + fallback.id() + " format");
            return fallback;
        }
    }

    private static String tokenText(dev.cove.core.Model model, int id) {
        return id < 0 ? "" : model.tokenizer().vocabulary().tokenText(id);
    }

    /**
     * @throws TemplateException when the template refuses the conversation (its own
     *                           {@code raise_exception}: roles that do not alternate, a system
     *                           message where it allows none) or exceeds its limits
     */
    @Override
    public ChatPrompt renderPrompt(List<ChatMessage> messages, List<Tool> tools, boolean addGenerationPrompt) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(tools, "tools");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", messages.stream().map(TemplateChatRenderer::message).toList());
        // As transformers passes them: None when there are no tools or documents.
        context.put("tools", tools.isEmpty() ? null : tools.stream().map(TemplateChatRenderer::tool).toList());
        context.put("documents", null);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        Rendering r = template.render(context);
        String text = r.text();
        BitSet fromContent = r.fromContent();
        // The tokenizer adds BOS itself (as llama.cpp does, a template's leading BOS is dropped).
        if (!bosToken.isEmpty() && text.startsWith(bosToken) && !fromContent.get(0)) {
            text = text.substring(bosToken.length());
            fromContent = fromContent.get(bosToken.length(), Math.max(bosToken.length(), fromContent.length()));
        }
        return new ChatPrompt(text, fromContent);
    }

    /** This renderer with {@code strftime_now} reading {@code clock} (for reproducible prompts and tests). */
    public TemplateChatRenderer withClock(java.time.Clock clock) {
        return new TemplateChatRenderer(template.withClock(clock), toolCallSyntax, bosToken, eosToken, stopStrings);
    }

    @Override
    public List<String> stopStrings() {
        return stopStrings;
    }

    @Override
    public ToolCallSyntax toolCallSyntax() {
        return toolCallSyntax;
    }

    /** A message as transformers passes it: {@code role}, {@code content} and, where present, the tool fields. */
    private static Map<String, Object> message(ChatMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", m.role().id());
        out.put("content", new ContentString(m.content()));
        if (!m.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall c : m.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", c.name());
                function.put("arguments", arguments(c.arguments()));
                Map<String, Object> call = new LinkedHashMap<>();
                if (!c.id().isEmpty()) {
                    call.put("id", c.id());
                }
                call.put("type", "function");
                call.put("function", function);
                calls.add(call);
            }
            out.put("tool_calls", calls);
        }
        if (!m.toolCallId().isEmpty()) {
            out.put("tool_call_id", m.toolCallId());
        }
        if (!m.name().isEmpty()) {
            out.put("name", m.name());
        }
        return out;
    }

    /** Templates expect the arguments as a mapping (they apply {@code tojson} or iterate its items). */
    private static Object arguments(String json) {
        try {
            return contentStrings(Json.parse(json, "the tool call's arguments"));
        } catch (JsonException e) {
            return new ContentString(json); // not JSON: given as the text it is
        }
    }

    /** Strings inside arguments came from the conversation: marked as content too. */
    private static Object contentStrings(Object v) {
        if (v instanceof String s) {
            return new ContentString(s);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), contentStrings(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(TemplateChatRenderer::contentStrings).toList();
        }
        return v == Json.NULL ? null : v;
    }

    private static Map<String, Object> tool(Tool t) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", t.name());
        function.put("description", t.description());
        function.put("parameters", plain(t.parameters()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "function");
        out.put("function", function);
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(TemplateChatRenderer::plain).toList();
        }
        return v == Json.NULL ? null : v;
    }

    @Override
    public String toString() {
        return "TemplateChatRenderer[" + toolCallSyntax.id() + " tool calls]";
    }
}
