package dev.cove.core.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random strings of a grammar, by a random walk of its automaton: at each step one live stack's
 * next character class gives a random code point, and where the text is complete the walk may
 * stop. For checking that two grammars describe the same language.
 */
final class RandomStrings {
    private static final int[] POOL = " azAZ09_-.:,\"\\{}[]é中😀\u00a0/\n\t".codePoints().toArray();

    private RandomStrings() {
    }

    /** A string of {@code g}, or null when the walk found none within {@code maxSteps}. */
    static String sample(Grammar g, SplittableRandom random, int maxSteps) {
        for (int attempt = 0; attempt < 20; attempt++) {
            String s = walk(g, random, maxSteps);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static String walk(Grammar g, SplittableRandom random, int maxSteps) {
        GrammarState state = g.initial();
        StringBuilder text = new StringBuilder();
        for (int step = 0; step < maxSteps; step++) {
            if (state.accepting() && (random.nextInt(4) == 0 || step > maxSteps / 2)) {
                return text.toString();
            }
            List<Frame> live = new ArrayList<>();
            for (Frame f : state.stacks) {
                if (f != Frame.EMPTY && g.isCharStart(f.pos)) {
                    live.add(f);
                }
            }
            if (live.isEmpty()) {
                return state.accepting() ? text.toString() : null;
            }
            int cp = codePoint(g, live.get(random.nextInt(live.size())).pos, random);
            if (cp < 0) {
                continue;
            }
            GrammarState next = g.acceptBytes(state, new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            if (next == null) {
                continue;
            }
            state = next;
            text.appendCodePoint(cp);
        }
        return state.accepting() ? text.toString() : null;
    }

    /** A random code point the char element at {@code pos} matches, or -1. */
    private static int codePoint(Grammar g, int pos, SplittableRandom random) {
        if (g.type[pos] == Grammar.CHAR) {
            List<int[]> ranges = new ArrayList<>();
            int p = pos;
            do {
                if (g.type[p + 1] == Grammar.CHAR_RNG_UPPER) {
                    ranges.add(new int[] {g.value[p], g.value[p + 1]});
                    p += 2;
                } else {
                    ranges.add(new int[] {g.value[p], g.value[p]});
                    p += 1;
                }
            } while (g.type[p] == Grammar.CHAR_ALT);
            int[] r = ranges.get(random.nextInt(ranges.size()));
            int hi = Math.min(r[1], r[0] + 200);
            return r[0] + random.nextInt(hi - r[0] + 1);
        }
        for (int i = 0; i < 30; i++) {
            int cp = POOL[random.nextInt(POOL.length)];
            if (g.matchChar(pos, cp)) {
                return cp;
            }
        }
        return -1;
    }
}
