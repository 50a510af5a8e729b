package dev.cove.spark;

import dev.cove.core.CoveException;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.sample.SamplingOptions;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a Cove job on Spark is asked to do, read once on the driver from a map of strings (so it
 * reads the same from Java, Scala, Python and SQL) and shipped to the executors with the tasks.
 *
 * <p>Keys: {@code model} (a path every executor can read, or the file name given to
 * {@link CoveSpark#distribute}), {@code sha256} (the model's digest, checked on every executor
 * before it loads; set by {@code distribute}), {@code distributed} (true: the model came through
 * {@code SparkContext.addFile}), {@code max_tokens} (default 256; -1 until the model stops),
 * {@code temperature} (default 0.8), {@code seed} (default 0: a row's text depends only on the
 * row), {@code parallel} (sequences in flight per task, default 16), {@code context} (tokens per
 * sequence, default the model's, at most 4096), {@code threads} (the model's worker threads per
 * executor, default one per physical core), {@code grammar} (GBNF text) or {@code json_schema}
 * (a JSON schema's text), {@code redact} (true: personal data is masked before the model sees a
 * prompt), {@code audit} (true: one audit record per partition, counts only), {@code trust_policy}
 * (off, warn or require; default the store's) and {@code cove_home} (the store whose trust
 * settings and keys apply; default {@code COVE_HOME}).
 */
public record CoveSparkOptions(String model, String sha256, boolean distributed, int maxTokens, float temperature,
        long seed, int parallel, int contextLength, int threads, String grammar, String jsonSchema, boolean redact,
        boolean audit, String trustPolicy, String coveHome) implements Serializable {

    private static final Set<String> KEYS = Set.of("model", "sha256", "distributed", "max_tokens", "temperature", "seed",
            "parallel", "context", "threads", "grammar", "json_schema", "redact", "audit", "trust_policy", "cove_home");

    public CoveSparkOptions {
        if (model == null || model.isBlank()) {
            throw new CoveException("the options name no model: give \"model\" (a path every executor can read)");
        }
        if (maxTokens < -1) {
            throw new CoveException("max_tokens must be -1 (until the model stops) or 0 or more, not " + maxTokens);
        }
        if (parallel < 1 || parallel > 256) {
            throw new CoveException("parallel must be between 1 and 256, not " + parallel);
        }
        if (contextLength < 0 || threads < 0) {
            throw new CoveException("context and threads must not be negative");
        }
        if (grammar != null && jsonSchema != null) {
            throw new CoveException("give grammar or json_schema, not both");
        }
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new CoveException("sha256 must be 64 lowercase hex digits");
        }
    }

    /** The options of {@code map}; an unknown key or a value that does not parse is refused, naming it. */
    public static CoveSparkOptions fromMap(Map<String, String> map) {
        for (String key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw new CoveException("unknown option \"" + key + "\" (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        return new CoveSparkOptions(map.get("model"), map.get("sha256"), bool(map, "distributed"),
                integer(map, "max_tokens", 256), number(map, "temperature", 0.8f), longValue(map, "seed", 0),
                integer(map, "parallel", 16), integer(map, "context", 0), integer(map, "threads", 0), map.get("grammar"),
                map.get("json_schema"), bool(map, "redact"), bool(map, "audit"), map.get("trust_policy"),
                map.get("cove_home"));
    }

    /** These options as the map they came from. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        if (sha256 != null) {
            m.put("sha256", sha256);
        }
        m.put("distributed", Boolean.toString(distributed));
        m.put("max_tokens", Integer.toString(maxTokens));
        m.put("temperature", Float.toString(temperature));
        m.put("seed", Long.toString(seed));
        m.put("parallel", Integer.toString(parallel));
        m.put("context", Integer.toString(contextLength));
        m.put("threads", Integer.toString(threads));
        if (grammar != null) {
            m.put("grammar", grammar);
        }
        if (jsonSchema != null) {
            m.put("json_schema", jsonSchema);
        }
        m.put("redact", Boolean.toString(redact));
        m.put("audit", Boolean.toString(audit));
        if (trustPolicy != null) {
            m.put("trust_policy", trustPolicy);
        }
        if (coveHome != null) {
            m.put("cove_home", coveHome);
        }
        return m;
    }

    /** The generation options every row starts from, for a model with this trained context. */
    GenerationOptions generation(int modelContext) {
        SamplingOptions sampling = SamplingOptions.defaults().temperature(temperature).seed(seed);
        Grammar constraint = grammar != null ? Grammar.parse(grammar)
                : jsonSchema != null ? Grammar.fromJsonSchema(jsonSchema) : null;
        int context = contextLength > 0 ? contextLength : Math.min(modelContext, 4096);
        return GenerationOptions.defaults().sampling(sampling).maxTokens(maxTokens).contextLength(context)
                .grammar(constraint);
    }

    private static boolean bool(Map<String, String> map, String key) {
        String v = map.get(key);
        if (v == null) {
            return false;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new CoveException(key + " must be true or false, not \"" + v + "\"");
        }
        return Boolean.parseBoolean(v);
    }

    private static int integer(Map<String, String> map, String key, int fallback) {
        return (int) longValue(map, key, fallback);
    }

    private static long longValue(Map<String, String> map, String key, long fallback) {
        String v = map.get(key);
        try {
            return v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new CoveException(key + " must be an integer, not \"" + v + "\"");
        }
    }

    private static float number(Map<String, String> map, String key, float fallback) {
        String v = map.get(key);
        try {
            return v == null ? fallback : Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new CoveException(key + " must be a number, not \"" + v + "\"");
        }
    }
}
