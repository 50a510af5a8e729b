package dev.cove.secure.pull;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A file in a Hugging Face-style repository: {@code hf://ORG/REPO/PATH/FILE.gguf[@REVISION]}, or a
 * short alias for a few well-known small models (see {@link #ALIASES}).
 */
public record HubRef(String org, String repo, String file, String revision) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern FILE_SEGMENT = Pattern.compile("[A-Za-z0-9._+()\\[\\] -]{1,255}");

    /** Short names for small, well-known GGUF models. */
    public static final Map<String, String> ALIASES;

    static {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("stories260k", "hf://ggml-org/models/tinyllamas/stories260K.gguf");
        a.put("stories15m", "hf://ggml-org/models/tinyllamas/stories15M-q4_0.gguf");
        a.put("tinyllama", "hf://TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/tinyllama-1.1b-chat-v1.0.Q4_0.gguf");
        a.put("qwen2.5-0.5b", "hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_0.gguf");
        ALIASES = java.util.Collections.unmodifiableMap(a);
    }

    public HubRef {
        if (!PART.matcher(org).matches() || !PART.matcher(repo).matches()) {
            throw new PullException("'" + org + "/" + repo + "' is not a valid repository name");
        }
        if (file.isEmpty() || file.startsWith("/") || file.endsWith("/")) {
            throw new PullException("no file named in the address: use hf://ORG/REPO/FILE.gguf");
        }
        for (String seg : file.split("/")) {
            if (seg.equals(".") || seg.equals("..") || !FILE_SEGMENT.matcher(seg).matches()) {
                throw new PullException("'" + file + "' is not a valid file path in a repository");
            }
        }
        if (revision.isEmpty() || revision.length() > 255 || revision.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw new PullException("'" + revision + "' is not a valid revision");
        }
    }

    /** Parses {@code hf://ORG/REPO/FILE[@REV]} or an alias. */
    public static HubRef parse(String spec) {
        String s = spec.strip();
        String alias = ALIASES.get(s.toLowerCase(Locale.ROOT));
        if (alias != null) {
            s = alias;
        }
        if (!s.startsWith("hf://")) {
            throw new PullException("'" + spec + "' is not a model address: use hf://ORG/REPO/FILE.gguf[@REVISION] or one of: "
                    + String.join(", ", ALIASES.keySet()));
        }
        String rest = s.substring(5);
        String revision = "main";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            revision = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String[] parts = rest.split("/", 3);
        if (parts.length < 3) {
            throw new PullException("'" + spec + "' names no file: use hf://ORG/REPO/FILE.gguf[@REVISION]");
        }
        return new HubRef(parts[0], parts[1], parts[2], revision);
    }

    /** The alias's name if {@code spec} is an alias, else null. */
    public static String aliasName(String spec) {
        String k = spec.strip().toLowerCase(Locale.ROOT);
        return ALIASES.containsKey(k) ? k : null;
    }

    /** {@code ORG/REPO/resolve/REV/FILE}, percent-encoded, to append to the endpoint. */
    public String resolvePath() {
        StringBuilder sb = new StringBuilder();
        sb.append(encode(org)).append('/').append(encode(repo)).append("/resolve/").append(encode(revision));
        for (String seg : file.split("/")) {
            sb.append('/').append(encode(seg));
        }
        return sb.toString();
    }

    /** A model name for the store: the file name without {@code .gguf}. */
    public String defaultName() {
        String base = file.substring(file.lastIndexOf('/') + 1);
        if (base.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            base = base.substring(0, base.length() - 5);
        }
        String n = base.replaceAll("[^A-Za-z0-9._-]", "-");
        while (n.startsWith(".") || n.startsWith("-") || n.startsWith("_")) {
            n = n.substring(1);
        }
        return n.isEmpty() ? "model" : n.length() > 128 ? n.substring(0, 128) : n;
    }

    @Override
    public String toString() {
        return "hf://" + org + "/" + repo + "/" + file + "@" + revision;
    }

    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
