package dev.cove.secure.telemetry;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how often telemetry is sent.
 *
 * @param endpoint       an https:// URL; plain http is refused, so events never cross a network unencrypted
 * @param trust          the certificates to trust; the server's certificate and host name are always verified
 * @param interval       how often the spool is flushed
 * @param maxBatchEvents events per request: also bounds the memory an export uses
 * @param maxAttempts    tries per batch within one flush before leaving it for the next interval
 * @param initialBackoff wait before the second try; doubled for each further try, capped at 30 s
 * @param requestTimeout for connecting and for each request
 */
public record ExportSettings(URI endpoint, TrustSource trust, Duration interval, int maxBatchEvents, int maxAttempts,
                             Duration initialBackoff, Duration requestTimeout) {
    public ExportSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (endpoint.getScheme() == null || !endpoint.getScheme().toLowerCase(Locale.ROOT).equals("https")
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the telemetry endpoint must be an https:// URL with a host");
        }
        if (interval.isNegative() || interval.isZero() || maxBatchEvents < 1 || maxAttempts < 1
                || initialBackoff.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("telemetry export: interval, batch size, attempts and timeout must be positive");
        }
        if (maxBatchEvents > 10_000) {
            throw new IllegalArgumentException("telemetry export: at most 10000 events per batch");
        }
    }

    public static ExportSettings to(URI endpoint, TrustSource trust) {
        return new ExportSettings(endpoint, trust, Duration.ofMinutes(1), 500, 5, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    public ExportSettings withInterval(Duration d) {
        return new ExportSettings(endpoint, trust, d, maxBatchEvents, maxAttempts, initialBackoff, requestTimeout);
    }

    public ExportSettings withBatch(int events) {
        return new ExportSettings(endpoint, trust, interval, events, maxAttempts, initialBackoff, requestTimeout);
    }

    public ExportSettings withRetry(int attempts, Duration backoff) {
        return new ExportSettings(endpoint, trust, interval, maxBatchEvents, attempts, backoff, requestTimeout);
    }

    public ExportSettings withRequestTimeout(Duration d) {
        return new ExportSettings(endpoint, trust, interval, maxBatchEvents, maxAttempts, initialBackoff, d);
    }
}
