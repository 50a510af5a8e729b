package dev.cove.secure.telemetry;

import dev.cove.secure.fs.OwnerOnly;
import java.io.IOException;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Telemetry switched on: events go to the local spool, and from there to the endpoint if one is set. */
final class ActiveTelemetry implements Telemetry {
    private static final System.Logger LOG = System.getLogger(ActiveTelemetry.class.getName());

    private final TelemetrySpool spool;
    private final DeviceId device;
    private final InstantSource clock;
    private final TelemetryExporter exporter; // null when not exporting
    private final ScheduledExecutorService scheduler; // null when not exporting
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private ActiveTelemetry(TelemetrySpool spool, DeviceId device, InstantSource clock, TelemetryExporter exporter) {
        this.spool = spool;
        this.device = device;
        this.clock = clock;
        this.exporter = exporter;
        if (exporter == null) {
            this.scheduler = null;
        } else {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cove-telemetry-export");
                t.setDaemon(true);
                return t;
            });
            long ms = exporter.interval().toMillis();
            scheduler.scheduleWithFixedDelay(this::scheduledFlush, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    static ActiveTelemetry start(TelemetrySettings settings) {
        return start(settings, settings.export().map(HttpsBatchSender::new).orElse(null));
    }

    /** With a given sender, for tests of the export logic. */
    static ActiveTelemetry start(TelemetrySettings settings, BatchSender sender) {
        try {
            OwnerOnly.directory(settings.directory());
            DeviceId device = DeviceIdFile.loadOrCreate(settings.directory().resolve("device-id"));
            TelemetrySpool spool = new TelemetrySpool(settings.directory(), settings.maxSpoolBytes());
            TelemetryExporter exporter = sender == null || settings.export().isEmpty() ? null
                    : new TelemetryExporter(spool, sender, settings.export().get(), device, settings.directory());
            return new ActiveTelemetry(spool, device, InstantSource.system(), exporter);
        } catch (IOException e) {
            throw new TelemetryException(settings.directory() + ": cannot set up telemetry: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    DeviceId device() {
        return device;
    }

    long failures() {
        return failures.get();
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void record(Measurement measurement) {
        try {
            TelemetryEvent event = new TelemetryEvent(EventId.random(), device, clock.millis(), measurement);
            dropped.addAndGet(spool.append(TelemetryJson.write(event)));
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "telemetry event not recorded: {0}", e.getClass().getSimpleName());
        }
    }

    @Override
    public ExportResult flushNow() {
        return flush(exporter == null ? 0 : exporter.maxAttempts());
    }

    private void scheduledFlush() {
        flush(exporter.maxAttempts());
    }

    private ExportResult flush(int attempts) {
        if (exporter == null) {
            return ExportResult.NOTHING;
        }
        try {
            return exporter.flush(attempts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExportResult(0, 0, false);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "telemetry export failed: {0}", e.getClass().getSimpleName());
            return new ExportResult(0, 0, false);
        }
    }

    @Override
    public void close() {
        if (scheduler == null) {
            return;
        }
        // Let a flush in progress finish: interrupting it between the endpoint's acknowledgement
        // and the cursor write is exactly what would cause a resend.
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "telemetry export thread did not stop in time");
                scheduler.shutdownNow();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        flush(1);
    }
}
