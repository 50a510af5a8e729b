package dev.cove.server.route;

import dev.cove.core.route.RouteExamples;
import java.nio.file.Path;
import java.util.List;

/**
 * A router as {@code ROUTES.yaml} describes it: the name clients put in {@code model} to be
 * routed, the confidence below which the default route answers, and the routes, each a served
 * model and the example requests that teach the classifier what belongs to it.
 *
 * @param file where it was read from; the trained classifier lives beside it
 */
public record RoutesConfig(Path file, String name, double threshold, String defaultRoute, List<Route> routes) {
    /** The name clients use when none is configured. */
    public static final String DEFAULT_NAME = "auto";
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** One route: its name (in headers and metrics), the model that answers it, its examples. */
    public record Route(String name, String model, List<String> examples) {
        public Route {
            examples = List.copyOf(examples);
        }
    }

    public RoutesConfig {
        routes = List.copyOf(routes);
    }

    /** The route named {@code name}, or null. */
    public Route route(String name) {
        for (Route r : routes) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** What the classifier learns from: each route's name and examples, in file order. */
    public List<RouteExamples> training() {
        return routes.stream().map(r -> new RouteExamples(r.name(), r.examples())).toList();
    }

    /** {@code ROUTES.classifier} beside {@code ROUTES.yaml}: the file {@code cove route train} writes. */
    public Path classifierFile() {
        return classifierFileOf(file);
    }

    /** The classifier file of a routes file. */
    public static Path classifierFileOf(Path routesFile) {
        String name = routesFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return routesFile.resolveSibling(base + ".classifier");
    }
}
