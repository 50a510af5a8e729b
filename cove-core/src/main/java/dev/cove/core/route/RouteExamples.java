package dev.cove.core.route;

import java.util.List;

/** A route's name and the example requests it is trained from. */
public record RouteExamples(String route, List<String> examples) {
    public RouteExamples {
        examples = List.copyOf(examples);
    }
}
