package dev.cove.core.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TokenLogprobsTest {
    @Test
    void logSoftmaxOfTheRawLogitsWithTheBestAlternatives() {
        float[] logits = {1f, 2f, 3f, Float.NEGATIVE_INFINITY, 0.5f, 99f};
        double z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(0.5));
        TokenLogprobs lp = TokenLogprobs.of(logits, 5, 1, 3); // the last logit is beyond the vocabulary
        assertThat(lp.token()).isEqualTo(1);
        assertThat((double) lp.logprob()).isCloseTo(2 - z, within(1e-6));
        assertThat(lp.topTokens()).containsExactly(2, 1, 0);
        assertThat((double) lp.topLogprobs()[0]).isCloseTo(3 - z, within(1e-6));
        assertThat((double) lp.topLogprobs()[2]).isCloseTo(1 - z, within(1e-6));
        assertThat(logits[0]).isEqualTo(1f); // unchanged

        TokenLogprobs masked = TokenLogprobs.of(logits, 5, 2, 20);
        assertThat(masked.topTokens()).containsExactly(2, 1, 0, 4); // the masked token is no alternative
        assertThat(TokenLogprobs.of(logits, 5, 2, 0).topTokens()).isEmpty();
        assertThatThrownBy(() -> TokenLogprobs.of(logits, 5, 2, 21)).isInstanceOf(IllegalArgumentException.class);
    }
}
