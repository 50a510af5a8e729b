package dev.cove.secure.pull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach the hub: {@code HF_ENDPOINT} (default {@code https://huggingface.co}),
 * {@code HF_TOKEN} for gated repositories, and {@code COVE_OFFLINE=1} to refuse all network access.
 *
 * @param stall how long a download may receive nothing before it is abandoned (resumably)
 * @param retries automatic resumes after a dropped connection or a server error, per pull
 */
public record HubSettings(URI endpoint, String token, boolean offline, Duration connectTimeout, Duration stall,
        int retries, Duration retryDelay) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
        if (!"https".equals(endpoint.getScheme()) && !"http".equals(endpoint.getScheme())) {
            throw new PullException("HF_ENDPOINT must be an http:// or https:// address");
        }
    }

    /** Settings from the environment; {@code offlineFlag} is the command's {@code --offline}. */
    public static HubSettings fromEnvironment(Map<String, String> env, boolean offlineFlag) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT);
        String token = env.get("HF_TOKEN");
        boolean offline = offlineFlag || isTrue(env.get("COVE_OFFLINE"));
        URI uri;
        try {
            uri = URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw new PullException("HF_ENDPOINT is not a valid address", e);
        }
        return new HubSettings(uri, token == null || token.isBlank() ? null : token.strip(), offline,
                Duration.ofSeconds(30), Duration.ofSeconds(60), 3, Duration.ofSeconds(2));
    }

    static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    public HubSettings withStall(Duration d) {
        return new HubSettings(endpoint, token, offline, connectTimeout, d, retries, retryDelay);
    }

    public HubSettings withRetries(int n, Duration delay) {
        return new HubSettings(endpoint, token, offline, connectTimeout, stall, n, delay);
    }
}
