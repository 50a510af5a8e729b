package dev.cove.core.chat;

import dev.cove.core.chat.ChatMessage.Role;
import dev.cove.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tools for the built-in formats, which have no place of their own for them: the conversation is
 * rewritten the way Qwen 2.5's template writes tools (the Hermes convention most open models are
 * trained on), into messages any format can render — the tool list and how to call them in the
 * system message, an assistant's calls as {@code <tool_call>} blocks in its text, and each tool
 * result as a user message in a {@code <tool_response>} block. Answers are then read with
 * {@link ToolCallSyntax#HERMES}.
 */
final class ToolPrompt {
    private ToolPrompt() {
    }

    /** Whether {@code messages} or {@code tools} need rewriting at all. */
    static boolean needed(List<ChatMessage> messages, List<Tool> tools) {
        if (!tools.isEmpty()) {
            return true;
        }
        for (ChatMessage m : messages) {
            if (m.role() == Role.TOOL || !m.toolCalls().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    static List<ChatMessage> rewrite(List<ChatMessage> messages, List<Tool> tools) {
        List<ChatMessage> out = new ArrayList<>(messages.size() + 1);
        int start = 0;
        if (!tools.isEmpty()) {
            String system = "";
            if (!messages.isEmpty() && messages.get(0).role() == Role.SYSTEM) {
                system = messages.get(0).content() + "\n\n";
                start = 1;
            }
            out.add(ChatMessage.system(system + describe(tools)));
        }
        for (int i = start; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.role() == Role.TOOL) {
                out.add(ChatMessage.user("<tool_response>\n" + m.content() + "\n</tool_response>"));
            } else if (!m.toolCalls().isEmpty()) {
                StringBuilder text = new StringBuilder(m.content());
                for (ToolCall c : m.toolCalls()) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append("<tool_call>\n{\"name\": ").append(Json.write(c.name())).append(", \"arguments\": ")
                            .append(c.arguments()).append("}\n</tool_call>");
                }
                out.add(ChatMessage.assistant(text.toString()));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private static String describe(List<Tool> tools) {
        StringBuilder b = new StringBuilder("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for (Tool t : tools) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", t.name());
            function.put("description", t.description());
            function.put("parameters", t.parameters());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "function");
            entry.put("function", function);
            b.append('\n').append(Json.write(entry));
        }
        return b.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments"
                + " within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\":"
                + " <args-json-object>}\n</tool_call>").toString();
    }
}
