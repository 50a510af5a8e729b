package dev.cove.core.eval;

import dev.cove.core.CoveException;
import dev.cove.core.eval.metric.Bleu;
import dev.cove.core.eval.metric.BleuMetric;
import dev.cove.core.eval.metric.BleuTokenizer;
import dev.cove.core.eval.metric.ExactMatch;
import dev.cove.core.eval.metric.JsonSchemaMatch;
import dev.cove.core.eval.metric.RegexMatch;
import dev.cove.core.eval.metric.Rouge;
import dev.cove.core.eval.metric.RougeMetric;
import dev.cove.core.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a metric named in a suite ({@code "rougeL"}, or an object such as
 * {@code {"name": "bleu", "tokenize": "intl", "threshold": 20}}) into a {@link Check} bound to
 * the case's expected answers. Every error is an {@link IllegalArgumentException} whose message
 * the suite reader prefixes with the file and line.
 */
final class CheckParser {
    static final String NAMES = "exact, regex, json_schema, bleu, rouge1 ... rouge9, rougeL, rougeLsum, kl or top1";

    private static final Set<String> COMMON = Set.of("name", "threshold", "label");
    private static final Map<String, Set<String>> PARAMETERS = Map.of(
            "exact", Set.of("ignore_case"),
            "regex", Set.of("full_match"),
            "json_schema", Set.of("schema"),
            "bleu", Set.of("tokenize", "smooth", "smooth_value", "lowercase"),
            "rouge", Set.of("stem", "measure"),
            "kl", Set.of(),
            "top1", Set.of());

    private CheckParser() {
    }

    /**
     * @param spec          a metric name or a metric object
     * @param caseThreshold the case's {@code threshold}, used when the metric object has none
     * @param expected      the case's expected answers
     * @param caseSchema    the case's {@code schema}, or null
     */
    @SuppressWarnings("unchecked")
    static Check parse(Object spec, Double caseThreshold, List<String> expected, Map<String, Object> caseSchema) {
        Map<String, Object> params;
        if (spec instanceof String s) {
            params = Map.of("name", s);
        } else if (spec instanceof Map<?, ?> m) {
            params = (Map<String, Object>) m;
        } else {
            throw new IllegalArgumentException("a metric is a name or an object with \"name\", not " + Json.kind(spec));
        }
        Object nameValue = params.get("name");
        if (!(nameValue instanceof String name)) {
            throw new IllegalArgumentException("a metric object needs a \"name\" (" + NAMES + ")");
        }
        String family = name.matches("rouge([1-9]|L|Lsum)") ? "rouge" : name;
        Set<String> allowed = PARAMETERS.get(family);
        if (allowed == null) {
            throw new IllegalArgumentException("unknown metric '" + name + "': use " + NAMES);
        }
        for (String key : params.keySet()) {
            if (!COMMON.contains(key) && !allowed.contains(key)) {
                throw new IllegalArgumentException("metric " + name + " has no parameter \"" + key + "\""
                        + (allowed.isEmpty() ? "" : " (it takes " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")"));
            }
        }
        Double threshold = params.containsKey("threshold") ? number(params.get("threshold"), "threshold") : caseThreshold;
        String label = params.containsKey("label") ? string(params.get("label"), "label") : label(name, params);
        if (!family.equals("json_schema") && expected.isEmpty()) {
            throw new IllegalArgumentException("metric " + name + " needs \"expected\" (the expected answer, or a list of them)");
        }
        return switch (family) {
            case "exact" -> new Check(label, new ExactMatch(label, expected, flag(params, "ignore_case")), null, threshold);
            case "regex" -> new Check(label, new RegexMatch(label, expected, flag(params, "full_match")), null, threshold);
            case "json_schema" -> {
                Object schema = params.containsKey("schema") ? params.get("schema") : caseSchema;
                if (!(schema instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException("metric json_schema needs a \"schema\" object (in the case or the metric)");
                }
                try {
                    yield new Check(label, new JsonSchemaMatch(label, (Map<String, Object>) schema), null, threshold);
                } catch (CoveException e) {
                    throw new IllegalArgumentException("the schema cannot be checked: " + e.getMessage());
                }
            }
            case "bleu" -> new Check(label, new BleuMetric(label, bleu(params), expected), null, threshold);
            case "rouge" -> new Check(label, new RougeMetric(label, new Rouge(flag(params, "stem")), Rouge.Type.named(name),
                    params.containsKey("measure") ? RougeMetric.Measure.named(string(params.get("measure"), "measure"))
                            : RougeMetric.Measure.FMEASURE, expected), null, threshold);
            case "kl" -> new Check(label, null, ModelComparison.KL, threshold);
            case "top1" -> new Check(label, null, ModelComparison.TOP1, threshold);
            default -> throw new IllegalStateException(family);
        };
    }

    private static Bleu bleu(Map<String, Object> params) {
        Bleu b = Bleu.sentence();
        if (params.containsKey("tokenize")) {
            b = b.tokenizer(BleuTokenizer.named(string(params.get("tokenize"), "tokenize")));
        }
        Bleu.Smoothing smoothing = params.containsKey("smooth") ? Bleu.Smoothing.named(string(params.get("smooth"), "smooth"))
                : Bleu.Smoothing.EXP;
        b = params.containsKey("smooth_value") ? b.smoothing(smoothing, number(params.get("smooth_value"), "smooth_value"))
                : b.smoothing(smoothing);
        return b.lowercase(flag(params, "lowercase"));
    }

    /** The name, with the parameters that change the score in brackets: {@code rougeL[stem=true]}. */
    private static String label(String name, Map<String, Object> params) {
        TreeMap<String, Object> extra = new TreeMap<>();
        params.forEach((k, v) -> {
            if (!COMMON.contains(k) && !k.equals("schema")) {
                extra.put(k, v);
            }
        });
        if (extra.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('[');
        extra.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '[' ? "" : ",").append(k).append('=').append(v));
        return b.append(']').toString();
    }

    private static boolean flag(Map<String, Object> params, String key) {
        Object v = params.get(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("\"" + key + "\" must be true or false, not " + Json.kind(v));
        }
        return b;
    }

    static Double number(Object v, String key) {
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("\"" + key + "\" must be a number, not " + Json.kind(v));
        }
        return n.doubleValue();
    }

    static String string(Object v, String key) {
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("\"" + key + "\" must be a string, not " + Json.kind(v));
        }
        return s;
    }
}
