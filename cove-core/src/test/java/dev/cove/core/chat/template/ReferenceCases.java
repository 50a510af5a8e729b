package dev.cove.core.chat.template;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Template × conversation pairs with the reference's rendering (Python's jinja2 in transformers'
 * environment), read the way render_chat_templates.py reads them.
 */
final class ReferenceCases {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Strings of messages that the integration marks as content. */
    private static final Set<String> CONTENT_KEYS = Set.of("content", "reasoning_content");

    record Case(String name, String templateSource, Map<String, Object> context, Clock clock, Path expected) {
        boolean expectsError() {
            return expected.getFileName().toString().endsWith(".error");
        }

        String expectedText() {
            try {
                return Files.readString(expected);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        ChatTemplate template() {
            return ChatTemplate.compile(templateSource).withClock(clock);
        }
    }

    private ReferenceCases() {
    }

    /** Every pair whose expected file is in {@code expectedDir}. */
    @SuppressWarnings("unchecked")
    static List<Case> load(Path templateDir, Path conversationsFile, Map<String, Map<String, Object>> tokensByTemplate,
                           Map<String, Object> defaultTokens, Path expectedDir) throws IOException {
        Map<String, Object> convFile = JSON.readValue(conversationsFile.toFile(), Map.class);
        Map<String, Map<String, Object>> convs = (Map<String, Map<String, Object>>) convFile.get("conversations");
        Clock clock = Clock.fixed(LocalDateTime.parse((String) convFile.get("now")).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        List<Case> cases = new ArrayList<>();
        try (var files = Files.list(expectedDir)) {
            for (Path p : files.sorted().toList()) {
                String file = p.getFileName().toString();
                int sep = file.indexOf("--");
                int dot = file.lastIndexOf('.');
                if (sep < 0 || !(file.endsWith(".txt") || file.endsWith(".error"))) {
                    continue;
                }
                String template = file.substring(0, sep);
                String conv = file.substring(sep + 2, dot);
                Map<String, Object> tokens = tokensByTemplate.getOrDefault(template, defaultTokens);
                String source = Files.readString(templateDir.resolve(template + ".jinja"));
                cases.add(new Case(template + "--" + conv, source, context(convs.get(conv), tokens), clock, p));
            }
        }
        return cases;
    }

    /** As render_chat_templates.render: messages, tools or None, documents None, the tokens set. */
    static Map<String, Object> context(Map<String, Object> conv, Map<String, Object> tokens) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("messages", markContent(conv.get("messages"), false));
        Object tools = conv.get("tools");
        ctx.put("tools", tools instanceof List<?> l && !l.isEmpty() ? tools : null);
        ctx.put("documents", null);
        ctx.put("add_generation_prompt", conv.getOrDefault("add_generation_prompt", false));
        tokens.forEach((k, v) -> {
            if (v != null) {
                ctx.put(k, v);
            }
        });
        return ctx;
    }

    private static Object markContent(Object v, boolean isContent) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, markContent(x, CONTENT_KEYS.contains(k))));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(x -> markContent(x, false)).toList();
        }
        if (v instanceof String s && isContent) {
            return new ContentString(s);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> readTokens(Path templatesJson) throws IOException {
        return JSON.readValue(templatesJson.toFile(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMap(Path json, String key) throws IOException {
        return (Map<String, Object>) JSON.readValue(json.toFile(), Map.class).get(key);
    }
}
