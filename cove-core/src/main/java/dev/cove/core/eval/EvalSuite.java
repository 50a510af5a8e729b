package dev.cove.core.eval;

import dev.cove.core.chat.ChatMessage;
import dev.cove.core.json.Json;
import dev.cove.core.json.JsonException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An eval suite: cases read from JSONL, one JSON object per line (blank lines skipped), or from
 * records another reader made (YAML in the CLI). A case:
 *
 * <pre>
 * {"id": "greeting", "prompt": "Once upon a time",            // or "messages": [{"role": "user", "content": "..."}]
 *  "expected": "there was a girl",                             // or a list of acceptable answers
 *  "metric": "rougeL", "threshold": 0.5,                       // or "metrics": ["exact", {"name": "bleu", "threshold": 30}]
 *  "tags": ["stories"], "max_tokens": 40, "stop": ["\n"]}
 * </pre>
 *
 * Metrics: {@value CheckParser#NAMES}; a case without one gets the suite's default. Every
 * problem (malformed JSON, an unknown field or metric, a missing expected answer, a duplicate
 * id) is an {@link EvalSuiteException} naming the file and line; nothing of the prompts is
 * quoted in it.
 */
public record EvalSuite(String name, List<EvalCase> cases) {
    private static final Set<String> FIELDS = Set.of("id", "prompt", "messages", "expected", "schema", "metric", "metrics",
            "threshold", "tags", "max_tokens", "stop");

    public EvalSuite {
        cases = List.copyOf(cases);
    }

    /** One parsed item of a suite file and the line it starts on. */
    public record Item(int line, Object value) {
    }

    /** Reads a JSONL suite; {@code defaultMetric} is the metric of cases that name none (e.g. "rougeL"). */
    public static EvalSuite read(Path file, String defaultMetric) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new EvalSuiteException(file + ": no such suite file");
        } catch (MalformedInputException e) {
            throw new EvalSuiteException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new EvalSuiteException(file + ": cannot be read: " + e.getMessage());
        }
        return parseJsonLines(fileName(file), text, defaultMetric);
    }

    /** A JSONL suite's text; {@code name} names it in errors. */
    public static EvalSuite parseJsonLines(String name, String text, String defaultMetric) {
        List<Item> items = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                items.add(new Item(i + 1, Json.parse(line, name + ":" + (i + 1))));
            } catch (JsonException e) {
                throw new EvalSuiteException(name + ":" + (i + 1) + ": not a JSON object: " + e.getMessage());
            }
        }
        return fromItems(name, items, defaultMetric);
    }

    /** A suite from parsed items, each a JSON-like map (String keys; strings, numbers, booleans, lists, maps). */
    public static EvalSuite fromItems(String name, List<Item> items, String defaultMetric) {
        List<EvalCase> cases = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Item item : items) {
            String where = name + ":" + item.line();
            EvalCase c;
            try {
                c = parseCase(item, defaultMetric);
            } catch (IllegalArgumentException | dev.cove.core.CoveException e) {
                throw new EvalSuiteException(where + ": " + e.getMessage());
            }
            if (!ids.add(c.id())) {
                throw new EvalSuiteException(where + ": the id \"" + c.id() + "\" is already used by an earlier case");
            }
            cases.add(c);
        }
        if (cases.isEmpty()) {
            throw new EvalSuiteException(name + ": the suite has no cases");
        }
        return new EvalSuite(name, cases);
    }

    @SuppressWarnings("unchecked")
    private static EvalCase parseCase(Item item, String defaultMetric) {
        if (!(item.value() instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("a case is a JSON object, not " + Json.kind(item.value()));
        }
        Map<String, Object> m = (Map<String, Object>) raw;
        for (String key : m.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException("unknown field \"" + key + "\" (a case has " + String.join(", ",
                        new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
        String id = m.containsKey("id") ? scalarText(m.get("id"), "id") : "line-" + item.line();
        String prompt = m.containsKey("prompt") ? CheckParser.string(m.get("prompt"), "prompt") : null;
        List<ChatMessage> messages = m.containsKey("messages") ? messages(m.get("messages")) : List.of();
        if ((prompt == null) == messages.isEmpty()) {
            throw new IllegalArgumentException(prompt == null ? "the case needs a \"prompt\" or \"messages\""
                    : "the case has both \"prompt\" and \"messages\": give one");
        }
        if (prompt != null && prompt.isEmpty()) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        List<String> expected = m.containsKey("expected") ? strings(m.get("expected"), "expected") : List.of();
        Map<String, Object> schema = null;
        if (m.containsKey("schema")) {
            if (!(m.get("schema") instanceof Map<?, ?> s)) {
                throw new IllegalArgumentException("\"schema\" must be a JSON schema object, not " + Json.kind(m.get("schema")));
            }
            schema = (Map<String, Object>) s;
        }
        Double threshold = m.containsKey("threshold") ? CheckParser.number(m.get("threshold"), "threshold") : null;
        List<Object> specs = new ArrayList<>();
        if (m.containsKey("metric") && m.containsKey("metrics")) {
            throw new IllegalArgumentException("the case has both \"metric\" and \"metrics\": give one");
        }
        if (m.containsKey("metrics")) {
            if (!(m.get("metrics") instanceof List<?> l) || l.isEmpty()) {
                throw new IllegalArgumentException("\"metrics\" must be a non-empty list of metric names or objects");
            }
            if (threshold != null) {
                throw new IllegalArgumentException("\"threshold\" goes with \"metric\"; with \"metrics\" give each its own threshold");
            }
            specs.addAll(l);
        } else {
            specs.add(m.containsKey("metric") ? m.get("metric") : defaultMetric);
        }
        List<Check> checks = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (Object spec : specs) {
            Check check = CheckParser.parse(spec, threshold, expected, schema);
            if (!labels.add(check.label())) {
                throw new IllegalArgumentException("the metric " + check.label() + " is given twice");
            }
            checks.add(check);
        }
        List<String> tags = m.containsKey("tags") ? strings(m.get("tags"), "tags") : List.of();
        int maxTokens = -1;
        if (m.containsKey("max_tokens")) {
            Object v = m.get("max_tokens");
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
                    || n.doubleValue() > 1_000_000) {
                throw new IllegalArgumentException("\"max_tokens\" must be a whole number from 1 to 1000000, not " + v);
            }
            maxTokens = n.intValue();
        }
        List<String> stop = m.containsKey("stop") ? strings(m.get("stop"), "stop") : List.of();
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a stop string is empty");
        }
        return new EvalCase(id, item.line(), prompt, messages, expected, checks, tags, maxTokens, stop);
    }

    @SuppressWarnings("unchecked")
    private static List<ChatMessage> messages(Object v) {
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("\"messages\" must be a non-empty list of {\"role\", \"content\"} objects");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> mm)) {
                throw new IllegalArgumentException("each message must be an object with \"role\" and \"content\"");
            }
            Map<String, Object> msg = (Map<String, Object>) mm;
            String role = CheckParser.string(msg.get("role"), "role");
            String content = CheckParser.string(msg.get("content"), "content");
            ChatMessage.Role r = switch (role.toLowerCase(Locale.ROOT)) {
                case "system" -> ChatMessage.Role.SYSTEM;
                case "user" -> ChatMessage.Role.USER;
                case "assistant" -> ChatMessage.Role.ASSISTANT;
                default -> throw new IllegalArgumentException("unknown role \"" + role + "\": use system, user or assistant");
            };
            out.add(new ChatMessage(r, content));
        }
        return out;
    }

    private static List<String> strings(Object v, String key) {
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                out.add(scalarText(o, key));
            }
            return out;
        }
        throw new IllegalArgumentException("\"" + key + "\" must be a string or a list of strings, not " + Json.kind(v));
    }

    /** Strings as they are; YAML's unquoted numbers and booleans as their text. */
    private static String scalarText(Object v, String key) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw new IllegalArgumentException("\"" + key + "\" must be a string, not " + Json.kind(v));
    }

    private static String fileName(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }
}
