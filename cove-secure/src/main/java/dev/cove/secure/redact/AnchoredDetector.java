package dev.cove.secure.redact;

import java.util.List;
import java.util.Objects;

/**
 * Runs a detector only where its anchor character is: every e-mail address has an '@', every
 * IPv6 address a ':'. From each anchor it steps back over the characters a match may start with
 * (the local part, a hex group) and anchors the regex there, instead of trying every position.
 *
 * @param runChars characters that may precede the anchor within a match
 * @param maxBack  how far back from the anchor a match may start
 */
public record AnchoredDetector(PatternDetector inner, char anchor, String runChars, int maxBack) implements Detector {
    public AnchoredDetector {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(runChars, "runChars");
    }

    @Override
    public EntityLabel label() {
        return inner.label();
    }

    @Override
    public void detect(CharSequence text, List<Span> out) {
        String s = text.toString();
        int done = 0; // matches already found end here; later anchors inside them are skipped
        for (int k = s.indexOf(anchor); k >= 0; k = s.indexOf(anchor, k + 1)) {
            if (k < done) {
                continue;
            }
            int from = k;
            while (from > done && k - from < maxBack && runChars.indexOf(s.charAt(from - 1)) >= 0) {
                from--;
            }
            int before = out.size();
            inner.detect(s, from, k + 1, out);
            if (out.size() > before) {
                done = Math.max(done, out.getLast().end());
            }
        }
    }
}
