package dev.cove.core.sample;

import dev.cove.core.CoveException;

/**
 * Sampling cannot go on as asked: an option out of range, a logit bias naming a token the
 * vocabulary does not have, or logits that leave no token to pick (every one banned).
 */
public class SamplingException extends CoveException {
    public SamplingException(String message) {
        super(message);
    }
}
