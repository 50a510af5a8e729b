package dev.cove.server;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The models a server offers, by name. Filled before the server starts, then read-only. */
final class ModelRegistry {
    private final Map<String, ServedModel> byName = new LinkedHashMap<>();

    void add(ServedModel model) {
        if (byName.putIfAbsent(model.name(), model) != null) {
            throw new IllegalArgumentException("two models are named '" + model.name() + "': name them NAME=PATH");
        }
    }

    Collection<ServedModel> all() {
        return byName.values();
    }

    ServedModel get(String name) {
        return byName.get(name);
    }

    /**
     * The model a request names. Ollama clients add a tag ({@code name:latest}); a name that
     * matches nothing with its tag is tried without it.
     */
    ServedModel resolve(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.invalid("model", "you must provide a model parameter: GET /v1/models lists the models served");
        }
        ServedModel m = byName.get(name);
        if (m == null && name.endsWith(":latest")) {
            m = byName.get(name.substring(0, name.length() - ":latest".length()));
        }
        if (m == null) {
            throw ApiException.modelNotFound(name);
        }
        return m;
    }
}
