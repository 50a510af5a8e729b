package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.CoveException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad templates, bad contexts and hostile templates: each fails with a clear, located error. */
class ChatTemplateErrorsTest {

    private static TemplateException compileError(String source) {
        try {
            ChatTemplate.compile(source);
        } catch (TemplateException e) {
            return e;
        }
        throw new AssertionError("compiled: " + source);
    }

    private static TemplateException renderError(ChatTemplate t, Map<String, ?> context) {
        try {
            t.render(context);
        } catch (TemplateException e) {
            return e;
        }
        throw new AssertionError("rendered");
    }

    @Test
    void syntaxErrorsNameTheirLine() {
        TemplateException e = compileError("line one\n{% if x %}\n{{ 1 + }}\n{% endif %}");
        assertThat(e.kind()).isEqualTo("TemplateSyntaxError");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e).isInstanceOf(CoveException.class).hasMessageContaining("line 3");
    }

    @Test
    void unclosedBlockSaysWhatWasExpected() {
        TemplateException e = compileError("{% for m in messages %}\n{{ m }}\n");
        assertThat(e.getMessage()).contains("'endfor'", "'for'");
    }

    @Test
    void unknownTagsFiltersAndTestsAreRejectedAtCompileTime() {
        assertThat(compileError("\n{% frobnicate %}").line()).isEqualTo(2);
        TemplateException filter = compileError("{{ x | no_such_filter }}");
        assertThat(filter.kind()).isEqualTo("TemplateAssertionError");
        assertThat(filter.detail()).startsWith("No filter named 'no_such_filter'.");
        assertThat(compileError("{{ x is no_such_test }}").detail()).startsWith("No test named 'no_such_test'.");
        assertThat(compileError("{% include 'x.jinja' %}").getMessage()).contains("not supported");
    }

    @Test
    void unknownFilterInsideAnIfFailsOnlyWhenReached() {
        ChatTemplate t = ChatTemplate.compile("{% if x %}{{ x | from_json }}{% endif %}ok");
        assertThat(t.render(Map.of()).text()).isEqualTo("ok");
        TemplateException e = renderError(t, Map.of("x", "{}"));
        assertThat(e.getMessage()).isEqualTo("TemplateRuntimeError: No filter named 'from_json' found.");
        assertThat(e.line()).isEqualTo(1);
    }

    @Test
    void runtimeErrorsCarryTheirLineAndNoContent() {
        ChatTemplate t = ChatTemplate.compile("a\nb\n{{ messages[0].content + 1 }}");
        TemplateException e = renderError(t, Map.of("messages",
                List.of(Map.of("content", new ContentString("secret words")))));
        assertThat(e.getMessage()).isEqualTo("TypeError: can only concatenate str (not \"int\") to str");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).doesNotContain("secret");
    }

    @Test
    void raiseExceptionIsATemplateError() {
        TemplateException e = renderError(ChatTemplate.compile("{{ raise_exception('Roles must alternate') }}"), Map.of());
        assertThat(e.kind()).isEqualTo("TemplateError");
        assertThat(e.detail()).isEqualTo("Roles must alternate");
    }

    @Test
    void deepNestingIsASyntaxErrorNotAStackOverflow() {
        String deep = "{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}";
        assertThat(compileError(deep).kind()).isEqualTo("TemplateSyntaxError");
        String blocks = "{% if true %}".repeat(3000) + "x" + "{% endif %}".repeat(3000);
        assertThat(compileError(blocks).kind()).isEqualTo("TemplateSyntaxError");
        assertThat(compileError("{{ " + "not ".repeat(5000) + "x }}").kind()).isEqualTo("TemplateSyntaxError");
        assertThat(compileError("{{ x" + "|trim".repeat(10) + "[0]".repeat(10) + " }}{{ " + "-".repeat(5000) + "1 }}")
                .kind()).isEqualTo("TemplateSyntaxError");
    }

    @Test
    void contextWithAForeignObjectIsRejected() {
        ChatTemplate t = ChatTemplate.compile("{{ x }}");
        assertThatThrownBy(() -> t.render(Map.of("x", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new Limits(0, 1, 1, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, 1, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, 1, 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hugeRangeIsRefusedAsJinja2sSandboxDoes() {
        TemplateException e = renderError(ChatTemplate.compile("{% for i in range(10**9) %}x{% endfor %}"), Map.of());
        assertThat(e.kind()).isEqualTo("OverflowError");
    }

    @Test
    void nestedLoopsHitTheIterationLimit() {
        TemplateException e = renderError(ChatTemplate.compile(
                "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"), Map.of());
        assertThat(e.kind()).isEqualTo("LimitExceeded");
        assertThat(e.detail()).contains("iterations");
    }

    @Test
    void stringRepetitionAndDoublingHitTheLengthLimit() {
        assertThat(renderError(ChatTemplate.compile("{{ 'a' * 10**9 }}"), Map.of()).kind()).isEqualTo("LimitExceeded");
        ChatTemplate doubling = ChatTemplate.compile("{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
                + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}");
        assertThat(renderError(doubling, Map.of()).kind()).isEqualTo("LimitExceeded");
        ChatTemplate lists = ChatTemplate.compile("{% set ns = namespace(l=[1]) %}{% for i in range(64) %}"
                + "{% set ns.l = ns.l + ns.l %}{% endfor %}");
        assertThat(renderError(lists, Map.of()).kind()).isEqualTo("LimitExceeded");
    }

    @Test
    void outputLongerThanTheLimitFails() {
        ChatTemplate t = ChatTemplate.compile("{% for i in range(100) %}0123456789{% endfor %}")
                .withLimits(new Limits(500, 1000, 8, Duration.ofSeconds(5)));
        TemplateException e = renderError(t, Map.of());
        assertThat(e.kind()).isEqualTo("LimitExceeded");
        assertThat(e.detail()).contains("500 characters");
    }

    @Test
    void macroRecursionHitsTheDepthLimit() {
        ChatTemplate t = ChatTemplate.compile("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}");
        TemplateException e = renderError(t, Map.of());
        assertThat(e.kind()).isEqualTo("LimitExceeded");
        assertThat(e.detail()).contains("macro calls deeper than 64");
    }

    @Test
    void slowTemplatesHitTheTimeLimit() {
        ChatTemplate t = ChatTemplate.compile("{% for i in range(100000) %}{% for j in range(100000) %}"
                + "{% set x = i * j %}{% endfor %}{% endfor %}")
                .withLimits(new Limits(1000, Long.MAX_VALUE, 8, Duration.ofMillis(200)));
        long start = System.nanoTime();
        TemplateException e = renderError(t, Map.of());
        assertThat(e.kind()).isEqualTo("LimitExceeded");
        assertThat(e.detail()).contains("ms");
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void strftimeNowReadsTheInjectedClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-07-09T08:07:06Z"), ZoneOffset.UTC);
        assertThat(ChatTemplate.compile("{{ strftime_now('%d %b %Y, %H:%M:%S %A %j %I%p %-m') }}").withClock(clock)
                .render(Map.of()).text()).isEqualTo("09 Jul 2024, 08:07:06 Tuesday 191 08AM 7");
    }

    @Test
    void compiledTemplateIsReusableAndIndependentOfItsContexts() {
        ChatTemplate t = ChatTemplate.compile("{% set ns = namespace(n=0) %}{% for m in ms %}{% set ns.n = ns.n + 1 %}"
                + "{% endfor %}{{ ns.n }}");
        assertThat(t.render(Map.of("ms", List.of(1, 2))).text()).isEqualTo("2");
        assertThat(t.render(Map.of("ms", List.of(1, 2, 3))).text()).isEqualTo("3");
    }
}
