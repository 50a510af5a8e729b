package dev.cove.secure.telemetry;

import dev.cove.secure.fs.CrossProcessLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends the spool to the endpoint in batches, after the acknowledged cursor.
 *
 * <p>No loss: the cursor moves only after a 2xx, and the spool is never read destructively.
 * No duplication across restarts: the cursor is saved atomically right after each
 * acknowledgement, and one flush at a time runs per directory (a cross-process lock), so no two
 * processes send the same events. The one window left, a crash between the endpoint's
 * acknowledgement and the cursor write, resends that batch with the same Idempotency-Key and
 * event ids, which a receiver can use to drop it.
 *
 * <p>Each line is parsed back into a {@link TelemetryEvent} and written again before sending,
 * so even a spool file edited by hand can only ever put schema-conforming events on the wire.
 */
final class TelemetryExporter {
    private static final System.Logger LOG = System.getLogger(TelemetryExporter.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final TelemetrySpool spool;
    private final BatchSender sender;
    private final ExportSettings settings;
    private final DeviceId device;
    private final Path cursorFile;
    private final Path lockFile;

    TelemetryExporter(TelemetrySpool spool, BatchSender sender, ExportSettings settings, DeviceId device, Path dir) {
        this.spool = spool;
        this.sender = sender;
        this.settings = settings;
        this.device = device;
        this.cursorFile = dir.resolve("export.cursor");
        this.lockFile = dir.resolve("export.lock");
    }

    /** Sends everything spooled so far, batch by batch, with {@code attempts} tries per batch. */
    ExportResult flush(int attempts) throws IOException, InterruptedException {
        long sent = 0;
        long skipped = 0;
        try (CrossProcessLock _ = CrossProcessLock.acquire(lockFile)) {
            SpoolCursor cursor = SpoolCursor.load(cursorFile);
            while (true) {
                TelemetrySpool.Batch batch = spool.read(cursor, settings.maxBatchEvents());
                if (batch.lines().isEmpty()) {
                    if (batch.next().compareTo(cursor) != 0) {
                        batch.next().save(cursorFile);
                    }
                    return new ExportResult(sent, skipped, true);
                }
                StringBuilder body = new StringBuilder();
                int events = 0;
                for (String line : batch.lines()) {
                    try {
                        body.append(TelemetryJson.write(TelemetryJson.parse(line))).append('\n');
                        events++;
                    } catch (IllegalArgumentException e) {
                        skipped++;
                    }
                }
                if (events > 0) {
                    String key = device.value() + "-" + cursor.file() + "-" + cursor.offset();
                    if (!sendWithRetry(body.toString().getBytes(StandardCharsets.UTF_8), key, attempts)) {
                        LOG.log(System.Logger.Level.INFO, "telemetry export: endpoint unavailable; {0} events stay spooled", events);
                        return new ExportResult(sent, skipped, false);
                    }
                    sent += events;
                }
                cursor = batch.next();
                cursor.save(cursorFile);
                spool.deleteBefore(cursor);
                LOG.log(System.Logger.Level.DEBUG, "telemetry export: {0} events acknowledged", events);
            }
        }
    }

    private boolean sendWithRetry(byte[] body, String key, int attempts) throws InterruptedException {
        long backoff = settings.initialBackoff().toMillis();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (sender.send(body, key)) {
                return true;
            }
            if (attempt < attempts) {
                TimeUnit.MILLISECONDS.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(1, backoff * 2));
            }
        }
        return false;
    }

    Duration interval() {
        return settings.interval();
    }

    int maxAttempts() {
        return settings.maxAttempts();
    }
}
