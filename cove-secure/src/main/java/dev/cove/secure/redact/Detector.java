package dev.cove.secure.redact;

import java.util.List;

/** Finds one kind of personal data. Implementations are stateless and thread-safe. */
public interface Detector {
    EntityLabel label();

    /** Adds every span found in {@code text} to {@code out}; spans may overlap other detectors' spans. */
    void detect(CharSequence text, List<Span> out);
}
