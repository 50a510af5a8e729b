package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cove.core.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Byte-for-byte agreement with Python's jinja2 as transformers runs it: (a) the 72 renderings of
 * ../shared/chat-templates/expected/, (b) every other shared template on this module's own 13
 * conversations (reference renderings stored under test resources by
 * tools/chat-templates/generate_references.py). An expected {@code .error} must be raised with
 * the same {@code KIND: MESSAGE}.
 */
class ChatTemplateReferenceTest {

    @TestFactory
    Stream<DynamicTest> sharedExpectedRenderings() throws IOException {
        Path dir = SharedData.require("chat-templates");
        var cases = ReferenceCases.load(dir, dir.resolve("conversations.json"),
                ReferenceCases.readTokens(dir.resolve("templates.json")), Map.of(), dir.resolve("expected"));
        assertThat(cases).hasSize(72);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    @TestFactory
    Stream<DynamicTest> otherTemplatesOnOwnConversations() throws IOException {
        Path dir = SharedData.require("chat-templates");
        Path resources = Path.of("src/test/resources/chat-templates");
        Path convs = resources.resolve("conversations.json");
        var cases = ReferenceCases.load(dir, convs, Map.of(), ReferenceCases.readMap(convs, "tokens"),
                resources.resolve("expected"));
        assertThat(cases).hasSizeGreaterThanOrEqualTo(54 * 12);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    static void check(ReferenceCases.Case c) {
        String expected = c.expectedText();
        if (c.expectsError()) {
            try {
                c.template().render(c.context());
                fail(c.name() + ": expected " + expected);
            } catch (TemplateException e) {
                assertThat(e.getMessage()).as(c.name()).isEqualTo(expected);
            }
        } else {
            Rendering r;
            try {
                r = c.template().render(c.context());
            } catch (TemplateException e) {
                throw new AssertionError(c.name() + ": " + e.getMessage() + " at line " + e.line(), e);
            }
            assertThat(r.text()).as(c.name()).isEqualTo(expected);
            contentKeepsItsProvenance(c, r);
        }
    }

    /**
     * Each message text the rendering shows verbatim appears somewhere with every character flagged
     * (except texts with a think block, which reasoning templates take apart and rebuild around
     * their own {@code <think>} markers).
     */
    private static void contentKeepsItsProvenance(ReferenceCases.Case c, Rendering r) {
        java.util.BitSet bits = r.fromContent();
        for (Object m : (java.util.List<?>) c.context().get("messages")) {
            if (((Map<?, ?>) m).get("content") instanceof ContentString cs && cs.text().strip().length() >= 2
                    && !cs.text().contains("</think>")) {
                String text = cs.text().strip();
                int at = r.text().indexOf(text);
                if (at < 0) {
                    continue;
                }
                boolean flagged = false;
                for (; at >= 0 && !flagged; at = r.text().indexOf(text, at + 1)) {
                    flagged = bits.get(at, at + text.length()).cardinality() == text.length();
                }
                assertThat(flagged).as(c.name() + ": a message's text is not marked as content").isTrue();
            }
        }
        assertThat(r.fromContent().length()).as("flags stay within the text").isLessThanOrEqualTo(r.text().length());
    }
}
