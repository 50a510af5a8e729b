package dev.cove.secure.redact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A deployment's own kind of personal data: a label and a regex. If the regex has a group named
 * {@code pii}, only that group is masked, so context words can be matched without being hidden:
 * {@code EMPLOYEE_ID=(?i:staff no\.?\s*)(?<pii>E\d{6})}.
 */
public record CustomPattern(EntityLabel label, Pattern pattern) {
    public CustomPattern {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(pattern, "pattern");
    }

    /** Parses {@code LABEL=REGEX}. */
    public static CustomPattern parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("a custom pattern is LABEL=REGEX, e.g. EMPLOYEE_ID=E\\d{6}");
        }
        EntityLabel label = new EntityLabel(spec.substring(0, eq).strip());
        try {
            return new CustomPattern(label, Pattern.compile(spec.substring(eq + 1)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("custom pattern " + label + ": invalid regex: " + e.getDescription());
        }
    }

    /** One {@code LABEL=REGEX} per line; blank lines and lines starting with # are ignored. */
    public static List<CustomPattern> load(Path file) throws IOException {
        List<CustomPattern> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            try {
                out.add(parse(t));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage());
            }
        }
        return out;
    }

    Detector detector() {
        int group = pattern.namedGroups().containsKey("pii") ? pattern.namedGroups().get("pii") : 0;
        return new PatternDetector(label, pattern, group, MatchCheck.ANY, '\0', null);
    }
}
