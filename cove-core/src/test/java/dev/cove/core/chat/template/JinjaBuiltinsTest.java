package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * jinja2's built-in filters, tests, globals, loop features and statements, and the str, dict and
 * list methods the immutable sandbox allows or refuses, each compared with what Python's jinja2
 * renders in transformers' environment (builtins.json, written by tools/chat-templates/builtins.py);
 * and every filter, test and global name that environment has exists here, but for the few listed
 * as left out.
 */
class JinjaBuiltinsTest {
    /**
     * Left out on purpose: lipsum is random filler text, urlize turns URLs into HTML links,
     * striptags needs the HTML5 entity table and pprint Python's line-wrapping pretty printer;
     * none belongs in a prompt. A template that uses one fails with jinja2's "No filter named" error.
     */
    private static final Set<String> LEFT_OUT = Set.of("lipsum", "urlize", "striptags", "pprint");

    @TestFactory
    Stream<DynamicTest> builtinsRenderAsJinja2Does() throws IOException {
        SnippetCases builtins = new SnippetCases("builtins.json");
        assertThat(builtins.cases).hasSizeGreaterThan(140);
        return builtins.tests();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyBuiltinNameOfTransformersEnvironmentExists() throws IOException {
        SnippetCases builtins = new SnippetCases("builtins.json");
        Map<String, List<String>> names = (Map<String, List<String>>) builtins.file.get("names");
        assertThat(names.get("filters")).hasSizeGreaterThan(50);
        for (String f : names.get("filters")) {
            assertThat(builtins.render("{{ '" + f + "' is filter }}")).as("filter " + f)
                    .isEqualTo(LEFT_OUT.contains(f) ? "False" : "True");
        }
        for (String t : names.get("tests")) {
            assertThat(builtins.render("{{ '" + t + "' is test }}")).as("test " + t).isEqualTo("True");
        }
        for (String g : names.get("globals")) {
            assertThat(builtins.render("{{ " + g + " is defined }}")).as("global " + g)
                    .isEqualTo(LEFT_OUT.contains(g) ? "False" : "True");
        }
    }

    @Test
    void aLoopThatRecursesForeverStopsAtTheCallDepthLimit() {
        ChatTemplate t = ChatTemplate.compile("{% for x in items recursive %}{{ loop(items) }}{% endfor %}")
                .withLimits(new Limits(100_000, 100_000, 16, Duration.ofSeconds(5)));
        assertThatThrownBy(() -> t.render(Map.of("items", List.of(1))))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).isEqualTo("LimitExceeded");
                    assertThat(e.getMessage()).contains("recursive loop calls deeper than 16");
                });
    }

    @Test
    void aWideRecursiveLoopStopsAtTheIterationLimit() {
        ChatTemplate t = ChatTemplate.compile(
                "{% for x in items recursive %}{% if loop.depth < 12 %}{{ loop(items) }}{% endif %}{% endfor %}")
                .withLimits(new Limits(1_000_000, 50_000, 64, Duration.ofSeconds(5)));
        assertThatThrownBy(() -> t.render(Map.of("items", List.of(1, 2, 3, 4))))
                .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.kind()).isEqualTo("LimitExceeded"));
    }
}
