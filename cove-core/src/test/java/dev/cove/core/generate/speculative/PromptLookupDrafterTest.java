package dev.cove.core.generate.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Prompt lookup: the longest suffix of 3 to 1 tokens found earlier, its most recent occurrence, what followed. */
class PromptLookupDrafterTest {
    private final PromptLookupDrafter drafter = new PromptLookupDrafter(4, 1, 3);

    private int[] draft(int max, int... context) {
        int[] out = new int[8];
        int n = drafter.draft(context, context.length, max, out);
        return Arrays.copyOf(out, n);
    }

    @Test
    void proposesWhatFollowedTheLongestMatchingSuffix() {
        // suffix (1 2 3) occurs at 0: 4 5 6 7 followed (capped at 4)
        assertThat(draft(8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3)).containsExactly(4, 5, 6, 7);
        // suffix 3-gram (9 2 3) absent, 2-gram (2 3) at 1: then 4 5
        assertThat(draft(8, 1, 2, 3, 4, 5, 9, 2, 3)).containsExactly(4, 5, 9, 2);
    }

    @Test
    void prefersTheMostRecentOccurrenceAndStopsAtTheContextEnd() {
        assertThat(draft(8, 7, 1, 2, 7, 3, 4, 7)).containsExactly(3, 4, 7);
        assertThat(draft(2, 7, 1, 2, 7, 3, 4, 7)).containsExactly(3, 4);
    }

    @Test
    void proposesNothingWithoutAMatchOrRoom() {
        assertThat(draft(8, 1, 2, 3, 4)).isEmpty();
        assertThat(draft(8, 5)).isEmpty();
        assertThat(draft(0, 1, 2, 1)).isEmpty();
    }
}
