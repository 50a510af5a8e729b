package dev.cove.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@code cove serve} runs. Immutable; start from {@link #defaults()} and change what you need.
 *
 * @param host            address to bind; anything but loopback needs at least one API key
 * @param port            TCP port; 0 picks a free one (tests)
 * @param apiKeys         accepted bearer keys; empty means no authentication (loopback only)
 * @param parallel        sequences generated at once per model (each keeps a KV cache)
 * @param contextLength   positions of each KV cache; 0 means the model's own, at most 4096
 * @param queueCapacity   requests that may wait for a free sequence before new ones get 429
 * @param maxBodyBytes    largest request body accepted (413 beyond)
 * @param requestTimeout  a request's time limit from arrival to its last token
 * @param prefillChunk    prompt tokens evaluated per scheduler step, so long prompts do not stall streams
 * @param accessLog       whether to log one line per request (never bodies)
 */
public record ServerConfig(
        String host,
        int port,
        List<String> apiKeys,
        int parallel,
        int contextLength,
        int queueCapacity,
        long maxBodyBytes,
        Duration requestTimeout,
        int prefillChunk,
        boolean accessLog) {

    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        apiKeys = List.copyOf(apiKeys);
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be between 0 and 65535, not " + port);
        }
        if (parallel < 1 || parallel > 256) {
            throw new IllegalArgumentException("--parallel must be between 1 and 256, not " + parallel);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("--ctx must not be negative: " + contextLength);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("the queue must hold at least 1 request, not " + queueCapacity);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body limit must be at least 1024 bytes, not " + maxBodyBytes);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive, not " + requestTimeout);
        }
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("the prefill chunk must be at least 1 token, not " + prefillChunk);
        }
        for (String key : apiKeys) {
            if (key.isBlank() || key.length() < 8) {
                throw new IllegalArgumentException("API keys must be at least 8 characters long");
            }
        }
    }

    /**
     * Refuses an address beyond loopback without an API key: anyone who can reach it could use the
     * models. Called by {@link CoveServer.Builder#start}, and by {@code cove serve} before it loads
     * anything, so a wrong command line fails in a second rather than after a long load.
     *
     * @throws IllegalArgumentException when the address is not loopback and no key is configured,
     *     or the address cannot be resolved
     */
    public void requireSafeBinding() {
        if (apiKeys.isEmpty() && !isLoopback(host)) {
            throw new IllegalArgumentException("refusing to listen on " + host
                    + " without an API key: anyone who can reach it could use the models."
                    + " Give --api-key-file, or bind to 127.0.0.1");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the address to bind: " + host);
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", DEFAULT_PORT, List.of(), 4, 0, 64, 4L << 20, Duration.ofMinutes(10),
                128, true);
    }

    public ServerConfig host(String value) {
        return new ServerConfig(value, port, apiKeys, parallel, contextLength, queueCapacity, maxBodyBytes,
                requestTimeout, prefillChunk, accessLog);
    }

    public ServerConfig port(int value) {
        return new ServerConfig(host, value, apiKeys, parallel, contextLength, queueCapacity, maxBodyBytes,
                requestTimeout, prefillChunk, accessLog);
    }

    public ServerConfig apiKeys(List<String> value) {
        return new ServerConfig(host, port, value, parallel, contextLength, queueCapacity, maxBodyBytes,
                requestTimeout, prefillChunk, accessLog);
    }

    public ServerConfig parallel(int value) {
        return new ServerConfig(host, port, apiKeys, value, contextLength, queueCapacity, maxBodyBytes,
                requestTimeout, prefillChunk, accessLog);
    }

    public ServerConfig contextLength(int value) {
        return new ServerConfig(host, port, apiKeys, parallel, value, queueCapacity, maxBodyBytes,
                requestTimeout, prefillChunk, accessLog);
    }

    public ServerConfig queueCapacity(int value) {
        return new ServerConfig(host, port, apiKeys, parallel, contextLength, value, maxBodyBytes,
                requestTimeout, prefillChunk, accessLog);
    }

    public ServerConfig maxBodyBytes(long value) {
        return new ServerConfig(host, port, apiKeys, parallel, contextLength, queueCapacity, value,
                requestTimeout, prefillChunk, accessLog);
    }

    public ServerConfig requestTimeout(Duration value) {
        return new ServerConfig(host, port, apiKeys, parallel, contextLength, queueCapacity, maxBodyBytes,
                value, prefillChunk, accessLog);
    }

    public ServerConfig prefillChunk(int value) {
        return new ServerConfig(host, port, apiKeys, parallel, contextLength, queueCapacity, maxBodyBytes,
                requestTimeout, value, accessLog);
    }

    public ServerConfig accessLog(boolean value) {
        return new ServerConfig(host, port, apiKeys, parallel, contextLength, queueCapacity, maxBodyBytes,
                requestTimeout, prefillChunk, value);
    }

    /** Never the keys themselves. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", apiKeys=" + apiKeys.size() + ", parallel=" + parallel
                + ", contextLength=" + contextLength + ", queueCapacity=" + queueCapacity + ", maxBodyBytes="
                + maxBodyBytes + ", requestTimeout=" + requestTimeout + ", prefillChunk=" + prefillChunk + "]";
    }
}
