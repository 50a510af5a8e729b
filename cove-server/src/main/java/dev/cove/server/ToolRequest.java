package dev.cove.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cove.core.chat.Tool;
import dev.cove.core.chat.ToolCall;
import dev.cove.core.chat.ToolCallSyntax;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.grammar.GrammarException;
import dev.cove.core.json.JsonException;
import dev.cove.core.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The tools of a chat request ({@code tools} in both APIs, OpenAI's {@code tool_choice}) and
 * what they mean for the generation: the tools shown to the model, the grammar that forces a
 * call ({@code required} or a named function), and how the answer's calls are read.
 */
final class ToolRequest {
    private static final int MAX_TOOLS = 128;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");

    /** What the model may do with the tools. */
    enum Choice { NONE, AUTO, REQUIRED, NAMED }

    private final List<Tool> tools;
    private final Choice choice;
    private final String function;
    private final ToolCallSyntax syntax;

    private ToolRequest(List<Tool> tools, Choice choice, String function, ToolCallSyntax syntax) {
        this.tools = tools;
        this.choice = choice;
        this.function = function;
        this.syntax = syntax;
    }

    /** OpenAI's {@code tools} and {@code tool_choice} (and {@code parallel_tool_calls}, accepted). */
    static ToolRequest openAi(Fields f, ServedModel m) {
        List<Tool> tools = tools(f);
        f.bool("parallel_tool_calls");
        JsonNode c = f.raw("tool_choice");
        Choice choice = tools.isEmpty() ? Choice.NONE : Choice.AUTO;
        String function = null;
        if (c != null && !c.isNull()) {
            if (c.isTextual()) {
                choice = switch (c.textValue()) {
                    case "none" -> Choice.NONE;
                    case "auto" -> Choice.AUTO;
                    case "required" -> Choice.REQUIRED;
                    default -> throw ApiException.invalid("tool_choice", "'tool_choice' must be none, auto, required"
                            + " or {\"type\": \"function\", \"function\": {\"name\": ...}}");
                };
            } else if (c.isObject()) {
                Fields named = new Fields((ObjectNode) c, "tool_choice.");
                Fields fn = named.object("function");
                if (fn == null) {
                    throw ApiException.invalid("tool_choice.function", "'tool_choice.function' is required");
                }
                function = fn.requiredString("name");
                choice = Choice.NAMED;
                String wanted = function;
                if (tools.stream().noneMatch(t -> t.name().equals(wanted))) {
                    throw ApiException.invalid("tool_choice.function.name", "tool_choice names the function '"
                            + Strings.shorten(function, 64) + "', which is not among the request's tools");
                }
            } else {
                throw f.wrongType("tool_choice", "a string or an object", c);
            }
            if (choice != Choice.NONE && tools.isEmpty()) {
                throw ApiException.invalid("tool_choice", "tool_choice '" + choice.name().toLowerCase()
                        + "' needs tools: the request has none");
            }
        }
        return new ToolRequest(tools, choice, function, m.chatFormat().toolCallSyntax());
    }

    /** Ollama's {@code tools}: the model chooses (Ollama has no tool_choice). */
    static ToolRequest ollama(Fields f, ServedModel m) {
        List<Tool> tools = tools(f);
        return new ToolRequest(tools, tools.isEmpty() ? Choice.NONE : Choice.AUTO, null, m.chatFormat().toolCallSyntax());
    }

    /** The tools to show the model: none for {@code tool_choice: "none"}, so that it answers in text. */
    List<Tool> offered() {
        return choice == Choice.NONE ? List.of() : tools;
    }

    /** Whether the answer is to be read for calls. */
    boolean active() {
        return choice != Choice.NONE;
    }

    ToolCallSyntax syntax() {
        return syntax;
    }

    /**
     * The grammar of the tool calls: for "required" or a named function, one that makes the
     * model call; for "auto", a lazy one that holds only once the model starts a call, so a call
     * it writes is held to the tools' schemas while a text answer stays free; null without tools.
     */
    Grammar grammar(ServedModel m) {
        if (choice == Choice.NONE) {
            return null;
        }
        Vocabulary v = m.model().tokenizer().vocabulary();
        ToIntFunction<String> controlTokenId = text -> {
            int id = v.tokenId(text);
            return id != Vocabulary.NONE && v.isControl(id) ? id : -1;
        };
        try {
            return choice == Choice.AUTO ? syntax.lazyCall(tools, controlTokenId)
                    : syntax.forcedCall(tools, function, controlTokenId);
        } catch (GrammarException e) {
            if (choice == Choice.AUTO) {
                return null; // the calls are still read from the answer, only not held to their schemas
            }
            throw ApiException.invalid("tools", "invalid_schema", "a tool's parameters cannot be enforced: "
                    + e.getMessage());
        }
    }

    /** Whether the model must call a tool ("required" or a named function). */
    boolean forcesCall() {
        return choice == Choice.REQUIRED || choice == Choice.NAMED;
    }

    /** Each call with an id (the model's own where it wrote one), in the syntax's id shape. */
    List<ToolCall> withIds(List<ToolCall> calls) {
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (ToolCall c : calls) {
            out.add(c.id().isEmpty() ? new ToolCall(syntax.newCallId(), c.name(), c.arguments()) : c);
        }
        return out;
    }

    /** OpenAI's {@code tool_calls} array of a message. */
    static ArrayNode openAiCalls(List<ToolCall> calls) {
        ArrayNode out = Json.array();
        for (ToolCall c : calls) {
            ObjectNode call = Json.object().put("id", c.id()).put("type", "function");
            call.set("function", Json.object().put("name", c.name()).put("arguments", c.arguments()));
            out.add(call);
        }
        return out;
    }

    // ------------------------------------------------------------------ parsing

    private static List<Tool> tools(Fields f) {
        JsonNode raw = f.raw("tools");
        if (raw == null || raw.isNull()) {
            return List.of();
        }
        if (!raw.isArray()) {
            throw f.wrongType("tools", "an array of tools", raw);
        }
        if (raw.size() > MAX_TOOLS) {
            throw ApiException.invalid("tools", "'tools' has " + raw.size() + " tools; at most " + MAX_TOOLS
                    + " are allowed");
        }
        List<Tool> out = new ArrayList<>(raw.size());
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode node = raw.get(i);
            if (!node.isObject()) {
                throw ApiException.invalid(path, "'" + path + "' must be an object, not " + Fields.describe(node));
            }
            Fields t = new Fields((ObjectNode) node, path + ".");
            String type = t.string("type");
            if (type != null && !type.equals("function")) {
                throw ApiException.invalid(path + ".type", "unsupported_value", "tools of type '"
                        + Strings.shorten(type, 40) + "' are not supported: only function");
            }
            Fields fn = t.object("function");
            if (fn == null) {
                throw ApiException.invalid(path + ".function", "'" + path + ".function' is required");
            }
            String name = fn.requiredString("name");
            if (!NAME.matcher(name).matches()) {
                throw ApiException.invalid(path + ".function.name", "'" + path + ".function.name' must be 1 to 64"
                        + " letters, digits, underscores, dots or dashes");
            }
            if (!names.add(name)) {
                throw ApiException.invalid(path + ".function.name", "two tools are named '" + name + "'");
            }
            String description = fn.string("description");
            out.add(new Tool(name, description == null ? "" : description, parameters(fn, path + ".function.parameters")));
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> parameters(Fields fn, String path) {
        JsonNode p = fn.raw("parameters");
        if (p == null || p.isNull()) {
            return Map.of();
        }
        if (!p.isObject()) {
            throw ApiException.invalid(path, "'" + path + "' must be a JSON schema object, not " + Fields.describe(p));
        }
        try {
            return dev.cove.core.json.Json.object(dev.cove.core.json.Json.parse(p.toString(), path), path, "parameters");
        } catch (JsonException e) {
            throw ApiException.invalid(path, e.getMessage());
        }
    }
}
