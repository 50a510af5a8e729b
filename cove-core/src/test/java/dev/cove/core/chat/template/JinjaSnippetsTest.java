package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
    Stream<DynamicTest> snippetsRenderAsJinja2Does() throws IOException {
        SnippetCases snippets = new SnippetCases("snippets.json");
        assertThat(snippets.cases).hasSizeGreaterThan(90);
        return snippets.tests();
    }
}
