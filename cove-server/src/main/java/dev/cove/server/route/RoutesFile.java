package dev.cove.server.route;

import dev.cove.core.route.RouteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * Reads {@code ROUTES.yaml} (or the same as JSON: YAML 1.2 reads JSON as it is):
 *
 * <pre>
 * router: auto          # what clients put in "model" to be routed (default auto)
 * threshold: 0.5        # below this confidence the default route answers (default 0.5)
 * default: general      # the route that answers then (default: the first)
 * routes:
 *   - name: code
 *     model: coder      # a model `cove serve` serves
 *     examples:
 *       - Why does this Python code raise KeyError?
 * </pre>
 *
 * Every mistake is refused with the file, the route and what to change: unknown keys (a typo
 * would otherwise be silently ignored), missing or repeated names, routes without examples.
 * Scalars are read as written (the failsafe schema), so an example such as {@code yes} or
 * {@code 1.0} stays that text.
 */
public final class RoutesFile {
    private static final long MAX_BYTES = 16L << 20;
    private static final Set<String> TOP_KEYS = Set.of("router", "threshold", "default", "routes");
    private static final Set<String> ROUTE_KEYS = Set.of("name", "model", "examples");
    /** Route names go into HTTP headers and metric labels: plain characters only. */
    private static final String ROUTE_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private RoutesFile() {
    }

    public static RoutesConfig read(Path file) {
        String text = readText(file);
        Object root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setSchema(new FailsafeSchema())
                    .setAllowDuplicateKeys(false).setMaxAliasesForCollections(50).setAllowRecursiveKeys(false)
                    .setCodePointLimit((int) MAX_BYTES).build();
            root = new Load(settings).loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            // The problem and its place, not the snippet of the line: the file may hold examples of private text.
            String where = e.getProblemMark().map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                    .orElse("");
            throw bad(file, "not valid YAML" + where + ": " + e.getProblem());
        } catch (YamlEngineException e) {
            throw bad(file, "not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw bad(file, "a routes file is a mapping with 'routes' (see `cove route --help`)");
        }
        requireKnownKeys(file, top, TOP_KEYS, "");
        String name = optionalString(file, top, "router", "");
        if (name == null) {
            name = RoutesConfig.DEFAULT_NAME;
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}")) {
            throw bad(file, "'router' must be 1 to 128 letters, digits and ._:/- (it is what clients put in 'model')");
        }
        double threshold = threshold(file, optionalString(file, top, "threshold", ""));
        Object rawRoutes = top.get("routes");
        if (!(rawRoutes instanceof List<?> list) || list.isEmpty()) {
            throw bad(file, "no 'routes': give a list of routes, each with a name, a model and examples");
        }
        List<RoutesConfig.Route> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            RoutesConfig.Route r = route(file, list.get(i), i);
            if (!names.add(r.name())) {
                throw bad(file, "two routes are named '" + r.name() + "'");
            }
            routes.add(r);
        }
        if (routes.size() < 2) {
            throw bad(file, "only one route; a router needs at least two to choose between");
        }
        String defaultRoute = optionalString(file, top, "default", "");
        if (defaultRoute == null) {
            defaultRoute = routes.getFirst().name();
        } else if (!names.contains(defaultRoute)) {
            throw bad(file, "'default' names route '" + defaultRoute + "', which is not among its routes " + names);
        }
        return new RoutesConfig(file, name, threshold, defaultRoute, routes);
    }

    private static RoutesConfig.Route route(Path file, Object raw, int index) {
        String where = "routes[" + index + "]";
        if (!(raw instanceof Map<?, ?> m)) {
            throw bad(file, where + " must be a mapping with name, model and examples");
        }
        requireKnownKeys(file, m, ROUTE_KEYS, where + ".");
        String name = optionalString(file, m, "name", where + ".");
        if (name == null) {
            throw bad(file, where + " has no 'name'");
        }
        if (!name.matches(ROUTE_NAME)) {
            throw bad(file, where + ".name must be 1 to 64 letters, digits and ._- (it goes into response headers"
                    + " and metrics)");
        }
        String model = optionalString(file, m, "model", where + ".");
        if (model == null || model.isBlank()) {
            throw bad(file, "route '" + name + "' has no 'model': name the served model that answers it");
        }
        Object rawExamples = m.get("examples");
        if (rawExamples == null || rawExamples instanceof List<?> l && l.isEmpty()) {
            throw bad(file, "route '" + name + "' has no examples: give it some requests that belong to it");
        }
        if (!(rawExamples instanceof List<?> exampleList)) {
            throw bad(file, "route '" + name + "': 'examples' must be a list of texts");
        }
        List<String> examples = new ArrayList<>();
        for (int j = 0; j < exampleList.size(); j++) {
            if (!(exampleList.get(j) instanceof String s)) {
                throw bad(file, "route '" + name + "': example " + (j + 1) + " is not a text");
            }
            if (s.isBlank()) {
                throw bad(file, "route '" + name + "': example " + (j + 1) + " is empty");
            }
            examples.add(s);
        }
        return new RoutesConfig.Route(name, model, examples);
    }

    private static double threshold(Path file, String raw) {
        if (raw == null) {
            return RoutesConfig.DEFAULT_THRESHOLD;
        }
        double t;
        try {
            t = Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
            throw bad(file, "'threshold' must be a number from 0 to 1, not '" + shorten(raw) + "'");
        }
        if (!(t >= 0 && t <= 1)) {
            throw bad(file, "'threshold' must be from 0 to 1 (a probability), not " + raw.strip());
        }
        return t;
    }

    private static void requireKnownKeys(Path file, Map<?, ?> map, Set<String> known, String prefix) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String k) || !known.contains(k)) {
                throw bad(file, "unknown key '" + prefix + shorten(String.valueOf(key)) + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String optionalString(Path file, Map<?, ?> map, String key, String prefix) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw bad(file, "'" + prefix + key + "' must be a single value, not a list or mapping");
        }
        return s;
    }

    private static String readText(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw bad(file, "larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new RouteException(file + ": no such routes file");
        } catch (CharacterCodingException e) {
            throw bad(file, "not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the routes file: " + e.getMessage(), e);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static RouteException bad(Path file, String what) {
        return new RouteException(file + ": " + what);
    }
}
