package dev.cove.server.batch;

import dev.cove.core.CoveException;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.LlamaModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The final hidden state of the last token fed (the residual stream after the last block,
 * through the output RMSNorm): what embeddings are pooled from.
 *
 * <p><b>Stopgap.</b> {@code cove-core} does not expose the residual stream yet; until it has
 * {@code LlamaModel.hiddenState(ForwardState, float[] out)} this reads the package-private field
 * {@code ForwardState.x} reflectively and applies the output norm here. When the field is not
 * there (the forward pass changed), embeddings fail with a clear 501 instead of wrong numbers.
 */
public final class HiddenStates {
    private static final VarHandle RESIDUAL = residualHandle();

    private final LlamaModel model;
    private final float[] out;

    HiddenStates(LlamaModel model) {
        this.model = model;
        this.out = new float[model.config().embeddingLength()];
    }

    /** Whether this build can read final hidden states (and so serve embeddings). */
    public static boolean available() {
        return RESIDUAL != null;
    }

    /** The normalized final hidden state; the returned buffer is reused by the next call. */
    float[] read(ForwardState state) {
        if (RESIDUAL == null) {
            throw new CoveException("embeddings need the model's final hidden state, which this build of cove-core"
                    + " does not expose");
        }
        float[] x = (float[]) RESIDUAL.get(state);
        float[] weight = model.weights().outputNorm();
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += (double) x[i] * x[i];
        }
        float scale = (float) (1.0 / Math.sqrt(sum / out.length + model.config().rmsNormEpsilon()));
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] * scale * weight[i]; // the output RMSNorm, as before the output head
        }
        return out;
    }

    private static VarHandle residualHandle() {
        try {
            var lookup = MethodHandles.privateLookupIn(ForwardState.class, MethodHandles.lookup());
            return lookup.findVarHandle(ForwardState.class, "x", float[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
