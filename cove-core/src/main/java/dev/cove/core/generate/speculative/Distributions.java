package dev.cove.core.generate.speculative;

/** Draws from explicit probability vectors. */
final class Distributions {
    private Distributions() {
    }

    /**
     * The token whose cumulative probability first exceeds {@code u} times the total of
     * {@code p[0 .. n)} (so p need not be normalized); the last token with any probability when
     * rounding leaves u beyond the sum.
     */
    static int draw(float[] p, int n, double u) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += p[i];
        }
        double target = u * total;
        double cumulative = 0;
        int lastPositive = -1;
        for (int i = 0; i < n; i++) {
            if (p[i] > 0f) {
                cumulative += p[i];
                lastPositive = i;
                if (target < cumulative) {
                    return i;
                }
            }
        }
        if (lastPositive < 0) {
            throw new IllegalArgumentException("no token has any probability");
        }
        return lastPositive;
    }
}
