package dev.cove.core.generate.speculative;

/**
 * Proposes the tokens that may follow a context, for the target model to verify in one batched
 * pass. A drafter belongs to one session, used by one thread at a time.
 */
public interface Drafter {

    /**
     * Proposes up to {@code max} tokens to follow {@code context[0 .. length)} into
     * {@code out[0 ..)}; returns how many (0: nothing worth verifying).
     */
    int draft(int[] context, int length, int max, int[] out);

    /**
     * The distribution drafted token {@code i} of the last {@link #draft} was drawn from, over the
     * whole vocabulary; null when the drafter proposes tokens with certainty (a point mass, as
     * prompt lookup does). Valid until the next {@code draft}.
     */
    default float[] distribution(int i) {
        return null;
    }

    /** The most tokens one draft proposes. */
    int maxDraft();

    /** Forgets anything kept from earlier drafts (the session's context was replaced). */
    default void reset() {
    }
}
