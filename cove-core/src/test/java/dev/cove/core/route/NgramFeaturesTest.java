package dev.cove.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What text turns into: normalization, n-gram and word counts, and the bounds on the work. */
class NgramFeaturesTest {
    @Test
    void normalizesCaseDigitsAndWhiteSpace() {
        assertThat(NgramFeatures.normalized("  BP 142/88\n\tHR  96 ")).containsExactly(
                " bp 000/00 hr 00 ".codePoints().toArray());
        NgramFeatures f = NgramFeatures.standard();
        assertThat(f.counts("BP 142/88")).usingRecursiveComparison().isEqualTo(f.counts("bp   957/31"));
    }

    @Test
    void countsEveryNgramAndWord() {
        NgramFeatures f = new NgramFeatures(1, 2, true, 20);
        // " ab ab " holds 1-grams ' ' x3, a x2, b x2 and 2-grams " a" x2, "ab" x2, "b " x2, plus the word "ab" x2:
        // seven distinct features in 2^20 buckets (a collision among them is possible but not with these).
        SparseVector v = f.counts("ab ab");
        assertThat(v.size()).isEqualTo(7);
        for (int i = 1; i < v.size(); i++) {
            assertThat(v.indices()[i]).isGreaterThan(v.indices()[i - 1]);
        }
        assertThat(v.values()).contains((float) (1 + Math.log(3)), (float) (1 + Math.log(2)));
        assertThat(new NgramFeatures(1, 2, false, 20).counts("ab ab").size()).isEqualTo(6);
    }

    @Test
    void blankTextHasNoFeaturesAndLongTextIsCut() {
        NgramFeatures f = NgramFeatures.standard();
        assertThat(f.counts("").size()).isZero();
        assertThat(f.counts(" \n\t ").size()).isZero();
        String head = "x".repeat(NgramFeatures.MAX_CHARS);
        assertThat(f.counts(head + "completely different tail")).usingRecursiveComparison().isEqualTo(f.counts(head));
        // A cut never splits a surrogate pair.
        String emoji = "a".repeat(NgramFeatures.MAX_CHARS - 1) + "🙂";
        assertThat(NgramFeatures.normalized(emoji)).doesNotContain(0xD83D);
    }

    @Test
    void settingsOutsideTheFormatAreRefused() {
        assertThatThrownBy(() -> new NgramFeatures(0, 4, true, 18)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NgramFeatures(3, 2, true, 18)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NgramFeatures(1, 4, true, 30)).isInstanceOf(IllegalArgumentException.class);
    }
}
