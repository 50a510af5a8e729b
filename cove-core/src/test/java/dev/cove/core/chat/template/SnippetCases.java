package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * A file of snippets written by a generator under tools/chat-templates from Python's jinja2 in
 * transformers' environment: {@code context}, {@code now}, and {@code cases}, each a template with
 * its {@code expected} rendering, its runtime {@code error} ("KIND: MESSAGE") or its
 * {@code syntaxError} kind.
 */
final class SnippetCases {
    final Map<String, Object> file;
    final Map<String, Object> context;
    final Clock clock;
    final List<Map<String, String>> cases;

    @SuppressWarnings("unchecked")
    SnippetCases(String resource) throws IOException {
        file = new ObjectMapper().readValue(Path.of("src/test/resources/chat-templates", resource).toFile(), Map.class);
        context = (Map<String, Object>) file.get("context");
        clock = Clock.fixed(LocalDateTime.parse((String) file.get("now")).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        cases = (List<Map<String, String>>) file.get("cases");
    }

    String render(String source) {
        return ChatTemplate.compile(source).withClock(clock).render(context).text();
    }

    Stream<DynamicTest> tests() {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("template"), () -> {
            String source = c.get("template");
            if (c.containsKey("syntaxError")) {
                assertThatThrownBy(() -> render(source))
                        .isInstanceOfSatisfying(TemplateException.class, e -> {
                            assertThat(e.kind()).isEqualTo(c.get("syntaxError"));
                            assertThat(e.line()).isPositive();
                        });
            } else if (c.containsKey("error")) {
                ChatTemplate t = ChatTemplate.compile(source).withClock(clock);
                assertThatThrownBy(() -> t.render(context))
                        .isInstanceOfSatisfying(TemplateException.class,
                                e -> assertThat(e.getMessage()).isEqualTo(c.get("error")));
            } else {
                assertThat(render(source)).isEqualTo(c.get("expected"));
            }
        }));
    }
}
