package dev.cove.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.chat.template.TemplateException;
import dev.cove.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model's own template through Cove's chat types: conversations of
 * {@code ../shared/chat-templates/conversations.json} turned into {@link ChatMessage}s and
 * {@link Tool}s render exactly as transformers renders the JSON (the {@code expected/} files, less
 * a leading BOS, which the tokenizer adds). The conversation whose tool arguments are a JSON string
 * is left out: Cove's calls carry arguments as JSON text, which it gives the template as a mapping.
 */
class TemplateChatRendererTest {
    private static final Path DIR = Path.of("../../shared/chat-templates");

    @Test
    void rendersTheSharedConversationsAsTransformersDoes() throws IOException {
        assumeTrue(Files.isDirectory(DIR.resolve("expected")), "skipped: ../shared is absent");
        Map<String, Object> all = Json.object(Json.parse(Files.readString(DIR.resolve("conversations.json")), "c"), "c", "c");
        Map<String, Object> tokens = Json.object(Json.parse(Files.readString(DIR.resolve("templates.json")), "t"), "t", "t");
        Clock clock = Clock.fixed(LocalDateTime.parse((String) all.get("now")).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        Map<String, Object> conversations = Json.object(all.get("conversations"), "c", "c");
        int compared = 0;
        for (var t : tokens.entrySet()) {
            Map<String, Object> special = Json.object(t.getValue(), "t", "t");
            String bos = special.get("bos_token") instanceof String s ? s : "";
            String eos = special.get("eos_token") instanceof String s ? s : "";
            TemplateChatRenderer renderer = TemplateChatRenderer.compile(
                    Files.readString(DIR.resolve(t.getKey() + ".jinja")), bos, eos, List.of()).withClock(clock);
            for (var c : conversations.entrySet()) {
                if (c.getKey().equals("tool-call-string-args")) {
                    continue;
                }
                Map<String, Object> conv = Json.object(c.getValue(), "c", "c");
                List<ChatMessage> messages = messages(Json.array(conv.get("messages"), "c", "m"));
                List<Tool> tools = conv.get("tools") instanceof List<?> l ? tools(l) : List.of();
                boolean gen = Boolean.TRUE.equals(conv.get("add_generation_prompt"));
                Path txt = DIR.resolve("expected/" + t.getKey() + "--" + c.getKey() + ".txt");
                String what = t.getKey() + " / " + c.getKey();
                if (Files.exists(txt)) {
                    String expected = Files.readString(txt, StandardCharsets.UTF_8);
                    if (!bos.isEmpty() && expected.startsWith(bos)) {
                        expected = expected.substring(bos.length());
                    }
                    assertThat(renderer.renderPrompt(messages, tools, gen).text()).as(what).isEqualTo(expected);
                } else {
                    String error = Files.readString(DIR.resolve("expected/" + t.getKey() + "--" + c.getKey() + ".error")).strip();
                    assertThatThrownBy(() -> renderer.renderPrompt(messages, tools, gen)).as(what)
                            .isInstanceOf(TemplateException.class).hasMessage(error);
                }
                compared++;
            }
        }
        assertThat(compared).isEqualTo(63);
    }

    @Test
    void messageTextIsContentAndTheTemplatesMarkersAreNot() throws IOException {
        assumeTrue(Files.isDirectory(DIR), "skipped: ../shared is absent");
        TemplateChatRenderer qwen = TemplateChatRenderer.compile(
                Files.readString(DIR.resolve("Qwen-Qwen2.5-7B-Instruct.jinja")), "", "<|im_end|>", List.of());
        ChatPrompt p = qwen.renderPrompt(List.of(ChatMessage.user("<|im_end|>hi")), true);
        int typed = p.text().indexOf("<|im_end|>hi");
        assertThat(p.isFromMessage(typed)).isTrue();
        assertThat(p.isFromMessage(p.text().indexOf("<|im_start|>"))).isFalse();
        assertThat(qwen.toolCallSyntax()).isEqualTo(ToolCallSyntax.HERMES);
        assertThat(TemplateChatRenderer.compile(Files.readString(DIR.resolve("Mistral-Small-3.2-24B-Instruct-2506.jinja")),
                "<s>", "</s>", List.of()).toolCallSyntax()).isEqualTo(ToolCallSyntax.MISTRAL_ARGS);
        assertThat(TemplateChatRenderer.compile(Files.readString(DIR.resolve("meta-llama-Llama-3.1-8B-Instruct.jinja")),
                "", "", List.of()).toolCallSyntax()).isEqualTo(ToolCallSyntax.LLAMA3);
    }

    @Test
    void aTemplateThatDoesNotCompileIsRefusedClearly() {
        assertThatThrownBy(() -> TemplateChatRenderer.compile("{% for %}", "", "", List.of()))
                .isInstanceOf(TemplateException.class);
    }

    private static List<ChatMessage> messages(List<Object> raw) {
        List<ChatMessage> out = new ArrayList<>();
        for (Object o : raw) {
            Map<String, Object> m = Json.object(o, "m", "m");
            String content = m.get("content") instanceof String s ? s : "";
            switch ((String) m.get("role")) {
                case "system" -> out.add(ChatMessage.system(content));
                case "user" -> out.add(ChatMessage.user(content));
                case "tool" -> out.add(ChatMessage.toolResult((String) m.getOrDefault("tool_call_id", ""),
                        (String) m.getOrDefault("name", ""), content));
                default -> {
                    List<ToolCall> calls = new ArrayList<>();
                    if (m.get("tool_calls") instanceof List<?> l) {
                        for (Object c : l) {
                            Map<String, Object> call = Json.object(c, "m", "m");
                            Map<String, Object> f = Json.object(call.get("function"), "m", "m");
                            calls.add(new ToolCall((String) call.getOrDefault("id", ""), (String) f.get("name"),
                                    Json.write(f.get("arguments"))));
                        }
                    }
                    out.add(ChatMessage.assistant(content, calls));
                }
            }
        }
        return out;
    }

    private static List<Tool> tools(List<?> raw) {
        List<Tool> out = new ArrayList<>();
        for (Object o : raw) {
            Map<String, Object> f = Json.object(Json.object(o, "t", "t").get("function"), "t", "t");
            out.add(new Tool((String) f.get("name"), (String) f.getOrDefault("description", ""),
                    Json.object(f.get("parameters"), "t", "t")));
        }
        return out;
    }
}
