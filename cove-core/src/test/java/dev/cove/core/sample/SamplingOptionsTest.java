package dev.cove.core.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplingOptionsTest {

    @Test
    void defaultsAreLlamaCpps() {
        SamplingOptions d = SamplingOptions.defaults();
        assertThat(d.temperature()).isEqualTo(0.8f);
        assertThat(d.topK()).isEqualTo(40);
        assertThat(d.topP()).isEqualTo(0.95f);
        assertThat(d.minP()).isEqualTo(0.05f);
        assertThat(d.repeatPenalty()).isEqualTo(1.0f);
        assertThat(d.repeatLastN()).isEqualTo(64);
        assertThat(d.frequencyPenalty()).isZero();
        assertThat(d.presencePenalty()).isZero();
        assertThat(d.seed()).isEmpty();
        assertThat(d.logitBias()).isEmpty();
        assertThat(d.isGreedy()).isFalse();
        assertThat(SamplingOptions.greedy().isGreedy()).isTrue();
    }

    @Test
    void withersReturnChangedCopies() {
        SamplingOptions d = SamplingOptions.defaults();
        SamplingOptions o = d.temperature(0.5f).topK(10).topP(0.5f).minP(0.1f).repeatPenalty(1.1f)
                .repeatLastN(128).frequencyPenalty(0.2f).presencePenalty(0.3f).seed(9).logitBias(5, -1f);
        assertThat(o).isEqualTo(new SamplingOptions(0.5f, 10, 0.5f, 0.1f, 1.1f, 128, 0.2f, 0.3f,
                java.util.OptionalLong.of(9), Map.of(5, -1f)));
        assertThat(d).isEqualTo(SamplingOptions.defaults());
        assertThat(o.randomSeed().seed()).isEmpty();
        assertThat(o.ban(7).logitBias()).containsEntry(7, Float.NEGATIVE_INFINITY).containsEntry(5, -1f);
    }

    @Test
    void logitBiasIsCopied() {
        Map<Integer, Float> bias = new HashMap<>();
        bias.put(1, 2f);
        SamplingOptions o = SamplingOptions.defaults().logitBias(bias);
        bias.put(2, 3f);
        assertThat(o.logitBias()).containsOnlyKeys(1);
        assertThatThrownBy(() -> o.logitBias().put(3, 1f)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void invalidValuesNameTheOption() {
        SamplingOptions d = SamplingOptions.defaults();
        assertThatThrownBy(() -> d.temperature(Float.NaN)).isInstanceOf(SamplingException.class)
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> d.topP(1.5f)).isInstanceOf(SamplingException.class).hasMessageContaining("top_p");
        assertThatThrownBy(() -> d.topP(-0.1f)).isInstanceOf(SamplingException.class).hasMessageContaining("top_p");
        assertThatThrownBy(() -> d.minP(2f)).isInstanceOf(SamplingException.class).hasMessageContaining("min_p");
        assertThatThrownBy(() -> d.repeatPenalty(0f)).isInstanceOf(SamplingException.class)
                .hasMessageContaining("repeat_penalty");
        assertThatThrownBy(() -> d.repeatLastN(-1)).isInstanceOf(SamplingException.class)
                .hasMessageContaining("repeat_last_n");
        assertThatThrownBy(() -> d.frequencyPenalty(Float.POSITIVE_INFINITY)).isInstanceOf(SamplingException.class)
                .hasMessageContaining("frequency_penalty");
        assertThatThrownBy(() -> d.presencePenalty(Float.NaN)).isInstanceOf(SamplingException.class)
                .hasMessageContaining("presence_penalty");
        assertThatThrownBy(() -> d.logitBias(-3, 1f)).isInstanceOf(SamplingException.class)
                .hasMessageContaining("token -3");
        assertThatThrownBy(() -> d.logitBias(3, Float.NaN)).isInstanceOf(SamplingException.class)
                .hasMessageContaining("token 3");
        assertThatThrownBy(() -> d.logitBias(3, Float.POSITIVE_INFINITY)).isInstanceOf(SamplingException.class);
    }
}
