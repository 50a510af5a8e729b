package dev.cove.core.chat.template;

import java.time.Duration;

/**
 * Bounds on one render, so that a hostile template in a model file can neither hang nor exhaust
 * the process: the output's length (and that of any string it builds), the loop iterations of the
 * whole render, the depth of nested macro calls, recursive loops and expressions, and the wall time. Exceeding one
 * ends the render with a {@link TemplateException} of kind {@code LimitExceeded}.
 *
 * @param maxOutputChars longest output or intermediate string, in UTF-16 chars
 * @param maxLoopIterations for-loop iterations and built items (range, repetition) in one render
 * @param maxCallDepth deepest nesting of macro calls and of recursive loops' {@code loop(...)} calls
 * @param maxTime wall time of one render
 */
public record Limits(long maxOutputChars, long maxLoopIterations, int maxCallDepth, Duration maxTime) {
    /** Generous for any real chat template: 4 M chars, 1 M iterations, 64 calls deep, 5 s. */
    public static final Limits DEFAULT = new Limits(4_000_000, 1_000_000, 64, Duration.ofSeconds(5));

    public Limits {
        if (maxOutputChars < 1 || maxLoopIterations < 1 || maxCallDepth < 1) {
            throw new IllegalArgumentException("template limits must be positive: " + maxOutputChars + " chars, "
                    + maxLoopIterations + " iterations, depth " + maxCallDepth);
        }
        if (maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("template time limit must be positive, not " + maxTime);
        }
    }
}
