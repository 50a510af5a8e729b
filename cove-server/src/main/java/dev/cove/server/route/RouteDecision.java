package dev.cove.server.route;

/**
 * Where a request went and why.
 *
 * @param route the route that answers
 * @param model the served model of that route
 * @param classified the route the classifier chose (equal to {@code route} unless it fell back)
 * @param confidence the classifier's probability for {@code classified}; 0 when there was no text
 */
public record RouteDecision(String route, String model, String classified, double confidence, Reason reason) {
    public enum Reason {
        /** The classifier was confident enough. */
        CLASSIFIED,
        /** The classifier's confidence was below the threshold: the default route answers. */
        BELOW_THRESHOLD,
        /** Nothing to classify (no user message, a prompt of token ids): the default route answers. */
        NO_TEXT;

        /** As it appears in headers and metric labels. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
