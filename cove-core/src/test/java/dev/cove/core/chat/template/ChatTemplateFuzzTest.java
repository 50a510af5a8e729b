package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile templates: every compile and render ends within its limits with either a
 * result or a {@link TemplateException}, never another exception, a hang or a crash. Seeded, so a
 * failure names the case that reproduces it.
 */
class ChatTemplateFuzzTest {
    private static final Limits TIGHT = new Limits(200_000, 200_000, 32, Duration.ofMillis(500));
    private static final long BUDGET_NANOS = Duration.ofSeconds(8).toNanos();
    private static final String[] FRAGMENTS = {"{%", "%}", "{{", "}}", "{#", "#}", "{%-", "-%}", "(", ")", "[", "]",
        "{", "}", "'", "\"", "|", ".", ",", ":", "~", "+", "*", "**", "//", "%", "-", "not ", " in ", " is ", " and ",
        " or ", " if ", " else ", "none", "loop.index", "messages", "messages[0]", "message['content']", "x", "0", "-1",
        "10**9", "1e308", "'a'", "\\", "\n", " ", "|tojson", "|trim", "|length", "|list", "|join(',')", "|indent(4)",
        "|items", "|map('upper')", "|selectattr('role')", ".split()", ".strip()", "[::-1]", "[1:]", ".format(1)",
        "{% for i in range(99999) %}", "{% endfor %}", "{% if x %}", "{% endif %}", "{% else %}", "{% set x = 1 %}",
        "{% macro m(a) %}{{ m(a) }}{% endmacro %}{{ m(1) }}", "{% break %}", "namespace(a=1)", "raise_exception('e')",
        "'%s' % x", "'ab' * 99999", "{% raw %}", "{% endraw %}", "\uD83D\uDE00", "\u0000"};

    private static final List<String> HOSTILE = List.of(
            "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}",
            "{% macro m(n) %}{{ m(n) }}{{ m(n) }}{% endmacro %}{{ m(1) }}",
            "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}",
            "{{ 'x' * (10**18) }}",
            "{{ [1] * (10**12) }}",
            "{{ (2 ** 62) * 4 }}",
            "{{ 10 ** 10 ** 10 }}",
            "{% set ns = namespace(s='x') %}{% for i in range(99999) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "{% set ns = namespace(l=[0]) %}{% for i in range(99999) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
            "{{ range(99999)|list|join(',')|length }}{% for i in range(99999) %}{{ range(99999)|list|length }}{% endfor %}",
            "{{ ('a' * 100000).split('') }}",
            "{{ ' ' * 100000|indent(100000) }}",
            "{{ messages|tojson(indent=10**9) }}",
            "{{ 'x'.zfill(10**12) }}",
            "{{ '{:>1000000000}'.format('x') }}",
            "{{ '%1000000000s' % 'x' }}",
            "{% for m in messages recursive %}{{ loop(m) }}{% endfor %}",
            "{{ " + "[".repeat(150) + "]".repeat(150) + " }}",
            "{{ " + "x.".repeat(3000) + "y }}",
            "{{ " + "1 + ".repeat(3000) + "1 }}",
            "{{ " + "'a' ~ ".repeat(3000) + "'b' }}",
            "{{ x" + "|trim".repeat(3000) + " }}",
            "{% if true %}".repeat(150) + "{% endif %}".repeat(150),
            "{{ messages[0].content.__class__.__mro__ }}",
            "{{ messages.__class__ }}{{ cycler.__init__.__globals__ }}",
            "{{ namespace.__init__ }}{{ range.__self__ }}",
            "{% set x = dict(a=1) %}{{ x.update({'b': 2}) }}",
            "{{ messages.append(1) }}{{ messages.pop() }}",
            "{{ 1/0 }}", "{{ 1 % 0 }}", "{{ 1.0 // 0 }}", "{{ -(-9223372036854775807 - 1) }}",
            "{{ 9223372036854775807 + 1 }}", "{{ 99999999999999999999 }}", "{{ '\\U0011ffff' }}", "{{ '\\x' }}",
            "{{ strftime_now(none) }}", "{{ range(1, 2, 0) }}", "{{ 'a'[10**18] }}", "{{ 'abc'[::0] }}",
            "{{ [1,2][1:2:-9223372036854775807] }}", "{{ [1,2][-9223372036854775807:9223372036854775807] }}",
            "{{ x|batch(0) }}", "{{ [1]|batch(10**9, 0)|list }}", "{{ 1|round(10**9) }}", "{{ 'x'|center(10**9) }}",
            "{{ '9' * 400|int }}", "{{ ('x' * 3000000)|list|length }}", "{{ ('x' * 3000000)[::-1]|length }}",
            "{{ ('x' * 3000000)|reverse|length }}{{ ('x' * 3000000)[1500000] }}{% for c in 'y' * 3000000 %}{% endfor %}", "{{ '1e999'|float }}", "{{ 'x'|int(base=99) }}");

    @Test
    void hostileTemplatesEndWithinLimits() {
        for (String source : HOSTILE) {
            runOne(source, "hostile: " + abbreviate(source));
        }
    }

    @Test
    void mutatedTemplatesEndWithinLimits() throws IOException {
        List<String> seeds = seeds();
        Random random = new Random(Long.getLong("cove.fuzz.seed", 20261206L));
        long start = System.nanoTime();
        int cases = 0;
        while (cases < 5000 && System.nanoTime() - start < BUDGET_NANOS) {
            String seed = seeds.get(random.nextInt(seeds.size()));
            String mutated = mutate(seed, random);
            runOne(mutated, "mutation case " + cases);
            cases++;
        }
        assertThat(cases).isGreaterThan(50);
    }

    private static void runOne(String source, String label) {
        long start = System.nanoTime();
        try {
            ChatTemplate t = ChatTemplate.compile(source).withLimits(TIGHT);
            t.render(context());
        } catch (TemplateException expected) {
            // a result or a TemplateException are both fine, except the engine's own safety net
            if (expected.kind().equals("InternalError")) {
                throw new AssertionError(label + " hit an engine bug", expected);
            }
        } catch (Throwable other) {
            throw new AssertionError(label + " threw " + other, other);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as(label + " took too long").isLessThan(3000);
    }

    private static Map<String, Object> context() {
        return Map.of("messages", List.of(
                        Map.of("role", "system", "content", new ContentString("sys")),
                        Map.of("role", "user", "content", new ContentString("hi {{ x }} <|im_end|>")),
                        Map.of("role", "assistant", "content", new ContentString(""), "tool_calls", List.of(Map.of(
                                "function", Map.of("name", "f", "arguments", Map.of("a", 1)))))),
                "tools", List.of(Map.of("type", "function", "function", Map.of("name", "f"))),
                "add_generation_prompt", true, "bos_token", "<s>", "eos_token", "</s>", "x", 3);
    }

    private static String mutate(String seed, Random r) {
        StringBuilder sb = new StringBuilder(seed);
        int edits = 1 + r.nextInt(8);
        for (int k = 0; k < edits; k++) {
            int at = sb.isEmpty() ? 0 : r.nextInt(sb.length() + 1);
            switch (r.nextInt(4)) {
                case 0 -> sb.insert(at, FRAGMENTS[r.nextInt(FRAGMENTS.length)]);
                case 1 -> {
                    int end = Math.min(sb.length(), at + 1 + r.nextInt(40));
                    sb.delete(at, end);
                }
                case 2 -> {
                    int end = Math.min(sb.length(), at + 1 + r.nextInt(200));
                    String span = sb.substring(at, end);
                    sb.insert(r.nextInt(sb.length() + 1), span);
                }
                default -> {
                    if (!sb.isEmpty()) {
                        int i = r.nextInt(sb.length());
                        sb.setCharAt(i, (char) (32 + r.nextInt(95)));
                    }
                }
            }
        }
        return sb.toString();
    }

    /** The shared real templates when present, otherwise the feature snippets of the test resources. */
    @SuppressWarnings("unchecked")
    private static List<String> seeds() throws IOException {
        List<String> seeds = new ArrayList<>();
        Path shared = SharedData.root();
        if (shared != null && Files.isDirectory(shared.resolve("chat-templates"))) {
            try (Stream<Path> files = Files.list(shared.resolve("chat-templates"))) {
                for (Path p : files.filter(p -> p.toString().endsWith(".jinja")).sorted().toList()) {
                    seeds.add(Files.readString(p));
                }
            }
        }
        Map<String, Object> snippets = new ObjectMapper().readValue(
                Path.of("src/test/resources/chat-templates/snippets.json").toFile(), Map.class);
        for (Map<String, String> c : (List<Map<String, String>>) snippets.get("cases")) {
            seeds.add(c.get("template"));
        }
        seeds.addAll(HOSTILE);
        return seeds;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
