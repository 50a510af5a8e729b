package dev.cove.secure.redact;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Placeholder to original, kept only in this process's memory. Deliberately not
 * {@link java.io.Serializable}, with no export method and a {@link #toString()} that shows only
 * a count: the originals must not be able to reach a log, a file or the network by accident.
 * The same original gets the same placeholder throughout a conversation, so a model can refer
 * to "[EMAIL_1]" consistently. Thread-safe.
 */
public final class RedactionMap {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[([A-Z][A-Z0-9_]{0,31})_(\\d{1,9})\\]");

    private final Map<String, String> originals = new HashMap<>();
    private final Map<String, String> placeholders = new HashMap<>();
    private final Map<EntityLabel, Integer> counters = new HashMap<>();

    /** The placeholder for {@code original}, made on first use; never one that already occurs in {@code text}. */
    synchronized String placeholder(EntityLabel label, String original, CharSequence text) {
        String key = label.name() + '\u0000' + original;
        String existing = placeholders.get(key);
        if (existing != null) {
            return existing;
        }
        String p;
        do {
            int n = counters.merge(label, 1, Integer::sum);
            p = "[" + label.name() + "_" + n + "]";
        } while (originals.containsKey(p) || text.toString().contains(p));
        placeholders.put(key, p);
        originals.put(p, original);
        return p;
    }

    /** Puts the originals back into a model's answer; unknown placeholders are left as they are. */
    public synchronized String restore(CharSequence text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 32);
        while (m.find()) {
            String original = originals.get(m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(original != null ? original : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    public synchronized int size() {
        return originals.size();
    }

    /** Forgets every original (the strings become garbage; Java offers no stronger erasure for them). */
    public synchronized void clear() {
        originals.clear();
        placeholders.clear();
        counters.clear();
    }

    @Override
    public synchronized String toString() {
        return "RedactionMap[" + originals.size() + " entries, contents hidden]";
    }
}
