package dev.cove.core.chat.template;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled Hugging Face chat template (Jinja), rendered as transformers'
 * {@code apply_chat_template} renders it. Immutable and thread-safe: compile once, render from any
 * thread.
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.compile(source);
 * Rendering r = t.render(Map.of(
 *         "messages", List.of(Map.of("role", "user", "content", new ContentString("Hi"))),
 *         "add_generation_prompt", true, "bos_token", "<s>"));
 * }</pre>
 *
 * <p>Context values are Java maps, lists, strings, numbers, booleans and null (deep-copied);
 * mark message text with {@link ContentString} so {@link Rendering#fromContent()} can tell it
 * from the template's own text. Pass ordered maps ({@code LinkedHashMap}, or what a JSON reader
 * returns): templates iterate them and {@code tojson} prints them in their order, as Python keeps
 * a dict's insertion order. Each render is bounded by {@link Limits}.
 */
public final class ChatTemplate {
    private final List<Node> nodes;
    private final Limits limits;
    private final Clock clock;

    private ChatTemplate(List<Node> nodes, Limits limits, Clock clock) {
        this.nodes = nodes;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Parses {@code source}.
     *
     * @throws TemplateException of kind {@code TemplateSyntaxError} or {@code TemplateAssertionError}
     *     (an unknown filter or test outside an if-block), with the template line
     */
    public static ChatTemplate compile(String source) {
        Objects.requireNonNull(source, "source");
        try {
            return new ChatTemplate(Parser.parse(source), Limits.DEFAULT, Clock.systemDefaultZone());
        } catch (StackOverflowError e) {
            throw TemplateException.limit("nests too deeply to parse");
        } catch (TemplateException e) {
            throw e;
        } catch (RuntimeException e) {
            // A safety net for hostile input: an engine bug must not escape as an arbitrary exception.
            throw TemplateException.internal(e);
        }
    }

    /** This template with other render limits. */
    public ChatTemplate withLimits(Limits newLimits) {
        return new ChatTemplate(nodes, Objects.requireNonNull(newLimits, "limits"), clock);
    }

    /** This template reading {@code strftime_now} from {@code newClock} (local date-time). */
    public ChatTemplate withClock(Clock newClock) {
        return new ChatTemplate(nodes, limits, Objects.requireNonNull(newClock, "clock"));
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Renders with {@code context} as the template's variables.
     *
     * @throws TemplateException when the template raises or fails (kind and message as jinja2's)
     *     or exceeds its limits (kind {@code LimitExceeded})
     * @throws IllegalArgumentException when the context holds a value of another type
     */
    public Rendering render(Map<String, ?> context) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : context.entrySet()) {
            vars.put(e.getKey(), Values.fromJava(e.getValue(), 0));
        }
        Evaluator ev = new Evaluator(limits, () -> LocalDateTime.now(clock));
        return ev.render(nodes, vars);
    }
}
