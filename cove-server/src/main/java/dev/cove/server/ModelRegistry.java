package dev.cove.server;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models a server offers, by name: those it started with, and those pulled since
 * ({@code /api/pull}). Readers see a consistent snapshot; adding is rare and copies.
 */
final class ModelRegistry {
    private volatile Map<String, ServedModel> byName = Map.of();

    synchronized void add(ServedModel model) {
        if (byName.containsKey(model.name())) {
            throw new IllegalArgumentException("two models are named '" + model.name() + "': name them NAME=PATH");
        }
        Map<String, ServedModel> next = new LinkedHashMap<>(byName);
        next.put(model.name(), model);
        byName = java.util.Collections.unmodifiableMap(next);
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
            throw ApiException.modelMissing();
        }
        Map<String, ServedModel> models = byName;
        ServedModel m = models.get(name);
        if (m == null && name.endsWith(":latest")) {
            m = models.get(name.substring(0, name.length() - ":latest".length()));
        }
        if (m == null) {
            throw ApiException.modelNotFound(name);
        }
        return m;
    }
}
