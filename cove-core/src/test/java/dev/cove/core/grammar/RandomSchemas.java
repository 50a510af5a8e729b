package dev.cove.core.grammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random JSON schemas from the supported subset, as maps: objects (strict: every property
 * required and no others, or some optional), arrays with item bounds, strings with length bounds,
 * formats, patterns or enums, integers with and without ranges, numbers, booleans, null, const,
 * anyOf, and a $ref into $defs. Every string and array is bounded, so that each generated value
 * is finite and a constrained generation always reaches the end of its grammar.
 */
final class RandomSchemas {
    private static final String[] NAMES = {"id", "name", "tags", "when", "count", "ok", "score", "note", "kind", "x"};
    private static final String[] PATTERNS = {"^[a-z]{1,5}$", "^[0-9]{3}-[0-9]{2}$", "^(yes|no)$", "^[A-Z][a-z]*$"};

    private final SplittableRandom random;
    private boolean usedDefs;

    RandomSchemas(long seed) {
        this.random = new SplittableRandom(seed);
    }

    Map<String, Object> next() {
        usedDefs = false;
        Map<String, Object> root = object(0);
        if (usedDefs) {
            root.put("$defs", Map.of("item", Map.of("type", "string", "maxLength", 4)));
        }
        return root;
    }

    private Map<String, Object> schema(int depth) {
        int kind = random.nextInt(depth >= 2 ? 9 : 12);
        return switch (kind) {
            case 0 -> map("type", "string", "maxLength", (long) random.nextInt(1, 7), "minLength", (long) random.nextInt(2));
            case 1 -> map("type", "string", "format", new String[] {"date", "time", "date-time", "uuid"}[random.nextInt(4)]);
            case 2 -> map("type", "string", "pattern", PATTERNS[random.nextInt(PATTERNS.length)]);
            case 3 -> map("enum", List.of("red", "green", 42L, "blue"));
            case 4 -> random.nextBoolean() ? map("type", "integer")
                    : map("type", "integer", "minimum", (long) random.nextInt(-50, 10), "maximum", (long) random.nextInt(10, 500));
            case 5 -> map("type", random.nextBoolean() ? "number" : "boolean");
            case 6 -> map("const", random.nextBoolean() ? "fixed" : 7L);
            case 7 -> map("type", List.of("null", "boolean"));
            case 8 -> {
                usedDefs = true;
                yield map("$ref", "#/$defs/item");
            }
            case 9 -> object(depth + 1);
            case 10 -> map("type", "array", "items", schema(depth + 1), "minItems", (long) random.nextInt(2),
                    "maxItems", (long) random.nextInt(2, 4));
            default -> map("anyOf", List.of(schema(depth + 1), schema(depth + 1)));
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> props = new LinkedHashMap<>();
        int n = random.nextInt(1, 4);
        List<Object> required = new ArrayList<>();
        boolean strict = random.nextInt(3) > 0;
        while (props.size() < n) {
            String name = NAMES[random.nextInt(NAMES.length)];
            if (!props.containsKey(name)) {
                props.put(name, schema(depth + 1));
                if (strict || random.nextBoolean()) {
                    required.add(name);
                }
            }
        }
        return map("type", "object", "properties", props, "required", required, "additionalProperties", false);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
