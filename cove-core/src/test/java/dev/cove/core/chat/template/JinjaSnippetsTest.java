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
import org.junit.jupiter.api.TestFactory;

/**
 * One Jinja feature per case (whitespace control, printing, tests, filters, methods, slicing,
 * loops, macros, undefined values, runtime and syntax errors), each compared with what Python's
 * jinja2 renders in transformers' environment (snippets.json, written by
 * tools/chat-templates/snippets.py).
 */
class JinjaSnippetsTest {

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> snippetsRenderAsJinja2Does() throws IOException {
        Map<String, Object> file = new ObjectMapper().readValue(
                Path.of("src/test/resources/chat-templates/snippets.json").toFile(), Map.class);
        Map<String, Object> context = (Map<String, Object>) file.get("context");
        Clock clock = Clock.fixed(LocalDateTime.parse((String) file.get("now")).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        List<Map<String, String>> cases = (List<Map<String, String>>) file.get("cases");
        assertThat(cases).hasSizeGreaterThan(90);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("template"), () -> {
            String source = c.get("template");
            if (c.containsKey("syntaxError")) {
                assertThatThrownBy(() -> ChatTemplate.compile(source).withClock(clock).render(context))
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
                assertThat(ChatTemplate.compile(source).withClock(clock).render(context).text())
                        .isEqualTo(c.get("expected"));
            }
        }));
    }
}
