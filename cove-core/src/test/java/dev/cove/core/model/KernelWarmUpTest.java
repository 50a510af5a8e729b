package dev.cove.core.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.kernel.Kernels;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class KernelWarmUpTest {

    @Test
    void aFailedWarmUpReachesTheThreadThatWaitsForIt() {
        KernelWarmUp warmUp = KernelWarmUp.run(Kernels.get(), Collections.singleton(null));
        assertThatThrownBy(warmUp::await).isInstanceOf(IllegalStateException.class)
                .hasMessage("kernel warm-up failed").hasCauseInstanceOf(NullPointerException.class);
    }
}
