package dev.cove.server.route;

import dev.cove.core.route.ClassifierFile;
import dev.cove.core.route.Prediction;
import dev.cove.core.route.RouteClassifier;
import dev.cove.core.route.RouteException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Chooses a served model for a request from its text: the classifier trained from the routes'
 * examples picks a route; below the configured confidence the default route answers instead.
 * Immutable and thread-safe.
 */
public final class Router {
    private final RoutesConfig config;
    private final RouteClassifier classifier;

    /**
     * @throws RouteException when the classifier was not trained from these routes' examples
     */
    public Router(RoutesConfig config, RouteClassifier classifier) {
        if (!classifier.routes().equals(config.routes().stream().map(RoutesConfig.Route::name).toList())
                || !classifier.trainedFrom(config.training())) {
            throw new RouteException(config.classifierFile() + " was trained from other routes or examples than "
                    + config.file() + " has now; run `cove route train " + config.file() + "`");
        }
        this.config = config;
        this.classifier = classifier;
    }

    /** Reads {@code ROUTES.yaml} and the classifier trained from it beside it. */
    public static Router load(Path routesFile) {
        RoutesConfig config = RoutesFile.read(routesFile);
        return new Router(config, ClassifierFile.read(config.classifierFile()));
    }

    /** The name clients put in {@code model} to be routed. */
    public String name() {
        return config.name();
    }

    public RoutesConfig config() {
        return config;
    }

    public RouteClassifier classifier() {
        return classifier;
    }

    /**
     * @throws RouteException when a route names a model that is not in {@code served}, or the
     *     router's name is also a model's
     */
    public void requireModels(Collection<String> served) {
        if (served.contains(config.name())) {
            throw new RouteException(config.file() + ": the router is named '" + config.name()
                    + "', as a served model is; rename one ('router:' in the file)");
        }
        for (RoutesConfig.Route r : config.routes()) {
            if (!served.contains(r.model())) {
                throw new RouteException(config.file() + ": route '" + r.name() + "' is answered by model '" + r.model()
                        + "', which is not served (served: " + String.join(", ", List.copyOf(served)) + ")");
            }
        }
    }

    /** The route for {@code text}; null or blank text goes to the default route. */
    public RouteDecision route(String text) {
        RoutesConfig.Route fallback = config.route(config.defaultRoute());
        if (text == null || text.isBlank()) {
            return new RouteDecision(fallback.name(), fallback.model(), fallback.name(), 0, RouteDecision.Reason.NO_TEXT);
        }
        Prediction p = classifier.classify(text);
        if (p.confidence() < config.threshold()) {
            return new RouteDecision(fallback.name(), fallback.model(), p.route(), p.confidence(),
                    RouteDecision.Reason.BELOW_THRESHOLD);
        }
        RoutesConfig.Route chosen = config.routes().get(p.index());
        return new RouteDecision(chosen.name(), chosen.model(), p.route(), p.confidence(), RouteDecision.Reason.CLASSIFIED);
    }
}
