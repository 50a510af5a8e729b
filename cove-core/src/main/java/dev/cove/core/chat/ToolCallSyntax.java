package dev.cove.core.chat;

import dev.cove.core.grammar.Grammar;
import dev.cove.core.grammar.json.JsonSchemaGrammar;
import dev.cove.core.json.Json;
import dev.cove.core.json.JsonException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * How a model family writes a tool call in its answer, as its chat template teaches it: reading
 * the calls out of an answer ({@link #parse}) and the grammar that makes a model write one
 * ({@link #forcedCall}), for {@code tool_choice: "required"} or a named function.
 *
 * <p>Every syntax also accepts the generic JSON form (the answer is just
 * {@code {"name": ..., "arguments": {...}}}, a list of them, or {@code {"tool_calls": [...]}}),
 * since small models and templates that lose their markers as control tokens write that. A call
 * is recognised only for a function that was offered, with a JSON object as its arguments; an
 * answer that does not parse as calls is the model's text, unchanged — never an error.
 */
public enum ToolCallSyntax {

    /** Hermes, Qwen 2.5/3 and most fine-tunes: {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>}. */
    HERMES("<tool_call>\n", "\n</tool_call>", "arguments"),

    /** Llama 3.1 to 3.3: the answer is {@code {"name": ..., "parameters": {...}}}, maybe after {@code <|python_tag|>}. */
    LLAMA3("", "", "parameters"),

    /** Mistral v3 (7B v0.3, Nemo, Mixtral 8x22B): {@code [TOOL_CALLS][{"name": ..., "arguments": {...}}]}. */
    MISTRAL("[TOOL_CALLS][", "]", "arguments"),

    /** Mistral Small 3.2 and Magistral: {@code [TOOL_CALLS]name[ARGS]{...}}. */
    MISTRAL_ARGS("[TOOL_CALLS]", "", "arguments"),

    /** Models whose template shows no format: the generic JSON form only. */
    JSON("", "", "arguments");

    /** The calls read out of an answer, and the text around them. */
    public record Reply(String content, List<ToolCall> calls) {
        public Reply {
            Objects.requireNonNull(content, "content");
            calls = List.copyOf(calls);
        }

        public boolean hasCalls() {
            return !calls.isEmpty();
        }

        @Override
        public String toString() {
            return "Reply[" + content.length() + " chars, " + calls.size() + " calls]";
        }
    }

    private static final SecureRandom IDS = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final String open;
    private final String close;
    private final String argumentsKey;

    ToolCallSyntax(String open, String close, String argumentsKey) {
        this.open = open;
        this.close = close;
        this.argumentsKey = argumentsKey;
    }

    /** The syntax a chat template teaches, by the markers it writes; {@link #JSON} when it shows none or is null. */
    public static ToolCallSyntax fromTemplate(String template) {
        if (template == null) {
            return JSON;
        }
        if (template.contains("[TOOL_CALLS]")) {
            return template.contains("[ARGS]") ? MISTRAL_ARGS : MISTRAL;
        }
        if (template.contains("<tool_call>")) {
            return HERMES;
        }
        if (template.contains("<|python_tag|>")
                || template.contains("<|start_header_id|>") && template.contains("\"parameters\"")) {
            return LLAMA3;
        }
        return JSON;
    }

    /**
     * A fresh id for a call, in the shape the family's template expects of the ids it is given
     * back: Mistral's templates require nine letters and digits; others get OpenAI's
     * {@code call_...}.
     */
    public String newCallId() {
        return this == MISTRAL || this == MISTRAL_ARGS ? randomAlphanumeric(9) : "call_" + randomAlphanumeric(24);
    }

    // ------------------------------------------------------------------ reading calls

    /**
     * The calls in a model's answer to functions among {@code offered}; ids are left empty unless
     * the model wrote one (give each call one with {@link #newCallId()}).
     */
    public Reply parse(String answer, List<Tool> offered) {
        Objects.requireNonNull(answer, "answer");
        List<String> names = offered.stream().map(Tool::name).toList();
        if (names.isEmpty()) {
            return new Reply(answer, List.of());
        }
        Reply own = switch (this) {
            case HERMES -> hermes(answer, names);
            case LLAMA3 -> llama3(answer, names);
            case MISTRAL, MISTRAL_ARGS -> mistral(answer, names);
            case JSON -> null;
        };
        if (own != null) {
            return own;
        }
        List<ToolCall> generic = jsonCalls(answer.strip(), names);
        return generic != null ? new Reply("", generic) : new Reply(answer, List.of());
    }

    private static Reply hermes(String answer, List<String> names) {
        int first = answer.indexOf("<tool_call>");
        if (first < 0) {
            return null;
        }
        List<ToolCall> calls = new ArrayList<>();
        StringBuilder content = new StringBuilder(answer.substring(0, first));
        int at = first;
        while (at >= 0) {
            int body = at + "<tool_call>".length();
            int end = answer.indexOf("</tool_call>", body);
            String inside = end < 0 ? answer.substring(body) : answer.substring(body, end);
            ToolCall call = callObject(inside.strip(), names);
            if (call == null) {
                return new Reply(answer, List.of()); // a malformed call: all of it stays text
            }
            calls.add(call);
            int after = end < 0 ? answer.length() : end + "</tool_call>".length();
            at = answer.indexOf("<tool_call>", after);
            content.append(answer, after, at < 0 ? answer.length() : at);
        }
        return new Reply(content.toString().strip(), calls);
    }

    private static Reply llama3(String answer, List<String> names) {
        String text = answer.strip();
        if (text.startsWith("<|python_tag|>")) {
            text = text.substring("<|python_tag|>".length()).strip();
        }
        // Several calls may follow one another, separated by ';' as Llama 3.2 sometimes writes.
        List<ToolCall> calls = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            Json.Prefix p = jsonPrefix(text, at);
            ToolCall call = p == null ? null : toCall(p.value(), names);
            if (call == null) {
                return calls.isEmpty() ? null : new Reply(answer, List.of());
            }
            calls.add(call);
            at = skip(text, p.end(), " \n\t;");
        }
        return calls.isEmpty() ? null : new Reply("", calls);
    }

    private static Reply mistral(String answer, List<String> names) {
        int marker = answer.indexOf("[TOOL_CALLS]");
        String before = marker < 0 ? "" : answer.substring(0, marker).strip();
        String rest = (marker < 0 ? answer : answer.substring(marker + "[TOOL_CALLS]".length())).strip();
        List<ToolCall> calls = new ArrayList<>();
        if (rest.startsWith("[")) {
            List<ToolCall> list = jsonCalls(rest, names);
            if (list == null) {
                return marker < 0 ? null : new Reply(answer, List.of());
            }
            calls.addAll(list);
        } else {
            // name[ARGS]{...}, repeated; [ARGS] may be missing where it was a control token.
            int at = 0;
            while (at < rest.length()) {
                String name = nameAt(rest, at, names);
                if (name == null) {
                    return marker < 0 ? null : new Reply(answer, List.of());
                }
                int args = at + name.length();
                if (rest.startsWith("[ARGS]", args)) {
                    args += "[ARGS]".length();
                }
                Json.Prefix p = jsonPrefix(rest, args);
                if (p == null || !(p.value() instanceof Map<?, ?>)) {
                    return marker < 0 ? null : new Reply(answer, List.of());
                }
                calls.add(new ToolCall("", name, Json.write(p.value())));
                at = skip(rest, p.end(), " \n\t");
                if (rest.startsWith("[TOOL_CALLS]", at)) {
                    at += "[TOOL_CALLS]".length();
                }
            }
        }
        return calls.isEmpty() ? null : new Reply(before, calls);
    }

    /** The generic form: a call object, a list of them, or {@code {"tool_calls": [...]}}; null if it is not one. */
    private static List<ToolCall> jsonCalls(String text, List<String> names) {
        if (!text.startsWith("{") && !text.startsWith("[")) {
            return null;
        }
        Object v;
        try {
            v = Json.parse(text, "the answer");
        } catch (JsonException e) {
            return null;
        }
        if (v instanceof Map<?, ?> m && m.size() == 1 && m.get("tool_calls") instanceof List<?> l) {
            v = l;
        }
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        if (items.isEmpty()) {
            return null;
        }
        List<ToolCall> calls = new ArrayList<>();
        for (Object item : items) {
            ToolCall c = toCall(item, names);
            if (c == null) {
                return null;
            }
            calls.add(c);
        }
        return calls;
    }

    private static ToolCall callObject(String json, List<String> names) {
        try {
            return toCall(Json.parse(json, "the tool call"), names);
        } catch (JsonException e) {
            return null;
        }
    }

    /**
     * {@code {"name": ..., "arguments" | "parameters": {...}}} (OpenAI's nesting under
     * {@code "function"} too) to a call of an offered function, or null.
     */
    private static ToolCall toCall(Object value, List<String> names) {
        if (!(value instanceof Map<?, ?> m)) {
            return null;
        }
        if (m.get("function") instanceof Map<?, ?> f && !m.containsKey("name")) {
            Object id = m.get("id");
            ToolCall inner = toCall(f, names);
            return inner == null ? null : new ToolCall(id instanceof String s ? s : "", inner.name(), inner.arguments());
        }
        if (!(m.get("name") instanceof String name) || !names.contains(name)) {
            return null;
        }
        Object args = m.containsKey("arguments") ? m.get("arguments") : m.get("parameters");
        if (args instanceof String s) { // arguments already as JSON text
            try {
                args = Json.parse(s, "the tool call's arguments");
            } catch (JsonException e) {
                return null;
            }
        }
        if (args == null) {
            args = Map.of();
        }
        if (!(args instanceof Map<?, ?>)) {
            return null;
        }
        Object id = m.get("id");
        return new ToolCall(id instanceof String s ? s : "", name, Json.write(args));
    }

    private static Json.Prefix jsonPrefix(String text, int at) {
        try {
            return Json.parsePrefix(text, at, "the tool call");
        } catch (JsonException e) {
            return null;
        }
    }

    private static String nameAt(String text, int at, List<String> names) {
        String best = null;
        for (String n : names) {
            if (text.startsWith(n, at) && (best == null || n.length() > best.length())) {
                best = n;
            }
        }
        return best;
    }

    private static int skip(String text, int at, String chars) {
        while (at < text.length() && chars.indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        return at;
    }

    // ------------------------------------------------------------------ forcing a call

    /**
     * The grammar of one call in this syntax to {@code function} (or, when null, to any of
     * {@code offered}), its arguments held to the function's parameter schema.
     *
     * @param controlTokenId the id of a control token whose text is exactly the given text, or a
     *                       negative number: markers such as {@code [TOOL_CALLS]} are control
     *                       tokens in some vocabularies and must be produced as that token
     * @throws dev.cove.core.grammar.GrammarException when a parameter schema uses a keyword
     *                                                 outside the supported subset
     */
    public Grammar forcedCall(List<Tool> offered, String function, ToIntFunction<String> controlTokenId) {
        List<Tool> tools = function == null ? offered
                : offered.stream().filter(t -> t.name().equals(function)).toList();
        if (tools.isEmpty()) {
            throw new IllegalArgumentException(function == null ? "no tools offered" : "no tool of that name offered");
        }
        String root = this == MISTRAL_ARGS
                ? "root ::= " + marker("[TOOL_CALLS]", controlTokenId) + " tool-call\n"
                : "root ::= " + markers(open, controlTokenId) + " tool-call " + markers(close, controlTokenId) + "\n";
        return Grammar.parse(root + callRules(tools, controlTokenId), "root", null);
    }

    /**
     * The grammar for {@code tool_choice: "auto"}: the model may answer in text, but once it
     * starts a call (writes this syntax's opening marker, or, without one, begins its answer
     * with {@code {}), the call is held to the offered tools' schemas, as llama.cpp's lazy
     * grammars do. After the call the output is free again, so several calls may follow.
     *
     * @param controlTokenId as for {@link #forcedCall}
     * @throws IllegalArgumentException when no tools are offered
     * @throws dev.cove.core.grammar.GrammarException as for {@link #forcedCall}
     */
    public Grammar lazyCall(List<Tool> offered, ToIntFunction<String> controlTokenId) {
        if (offered.isEmpty()) {
            throw new IllegalArgumentException("no tools offered");
        }
        String rules = callRules(offered, controlTokenId);
        String ws = "[ \\t\\n]*";
        return switch (this) {
            case HERMES -> Grammar.parse("root ::= " + ws + " tool-call " + ws + " "
                    + markers(close.strip(), controlTokenId) + "\n" + rules, "root", null).afterEach("<tool_call>");
            case MISTRAL -> Grammar.parse("root ::= \"[\" " + ws + " tool-call (" + ws + " \",\" " + ws + " tool-call)* "
                    + ws + " \"]\"\n" + rules, "root", null).afterEach("[TOOL_CALLS]");
            case MISTRAL_ARGS -> Grammar.parse("root ::= tool-call\n" + rules, "root", null).afterEach("[TOOL_CALLS]");
            case LLAMA3, JSON -> Grammar.parse("root ::= tool-call\n" + rules, "root", null).whenOutputStartsWith("{");
        };
    }

    /** The rules of one call to one of {@code tools} in this syntax, without its markers, as rule {@code tool-call}. */
    private String callRules(List<Tool> tools, ToIntFunction<String> controlTokenId) {
        StringBuilder g = new StringBuilder();
        if (this == MISTRAL_ARGS) {
            // name[ARGS]{...}: not JSON around the arguments, so one schema per call is not
            // possible for several tools; their arguments are then held to be a JSON object.
            g.append("tool-call ::= (");
            for (int i = 0; i < tools.size(); i++) {
                g.append(i == 0 ? "" : " | ").append(Grammar.literal(tools.get(i).name()));
            }
            g.append(") ").append(marker("[ARGS]", controlTokenId)).append(" tool-args\n");
            Map<String, Object> args = tools.size() == 1 ? tools.get(0).parameters() : Map.of("type", "object");
            return g.append(JsonSchemaGrammar.toGbnf(objectSchema(args), "tool-args")).toString();
        }
        List<Object> alternatives = new ArrayList<>();
        for (Tool t : tools) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("name", Map.of("const", t.name()));
            properties.put(argumentsKey, objectSchema(t.parameters()));
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("type", "object");
            call.put("properties", properties);
            call.put("required", List.of("name", argumentsKey));
            call.put("additionalProperties", false);
            alternatives.add(call);
        }
        Map<String, Object> schema = alternatives.size() == 1 ? asMap(alternatives.get(0)) : Map.of("anyOf", alternatives);
        return JsonSchemaGrammar.toGbnf(schema, "tool-call");
    }

    /** A function's parameters as the schema of an object: an empty schema allows any object. */
    private static Map<String, Object> objectSchema(Map<String, Object> parameters) {
        if (parameters.isEmpty()) {
            return Map.of("type", "object");
        }
        return parameters;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    /** Fixed text in GBNF, with the markers that are control tokens written as token references. */
    private static String markers(String text, ToIntFunction<String> controlTokenId) {
        if (text.isEmpty()) {
            return "\"\"";
        }
        for (String m : List.of("[TOOL_CALLS]", "<tool_call>", "</tool_call>")) {
            int at = text.indexOf(m);
            if (at >= 0) {
                String before = text.substring(0, at);
                String after = text.substring(at + m.length());
                return (before.isEmpty() ? "" : Grammar.literal(before) + " ") + marker(m, controlTokenId)
                        + (after.isEmpty() ? "" : " " + markers(after, controlTokenId));
            }
        }
        return Grammar.literal(text);
    }

    private static String marker(String text, ToIntFunction<String> controlTokenId) {
        int id = controlTokenId == null ? -1 : controlTokenId.applyAsInt(text);
        return id >= 0 ? "<[" + id + "]>" : Grammar.literal(text);
    }

    private static String randomAlphanumeric(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHANUMERIC.charAt(IDS.nextInt(ALPHANUMERIC.length())));
        }
        return b.toString();
    }

    /** The name used in messages: {@code hermes}, {@code llama3}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
