package dev.cove.core.route;

/** The route a text is classified as, its index in the classifier's routes, and its probability. */
public record Prediction(String route, int index, double confidence) {
}
