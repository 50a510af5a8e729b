package dev.cove.secure.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Where the audit log lives and when it starts a new segment.
 *
 * @param directory       holds the segments, the checkpoint and the lock file
 * @param maxSegmentBytes a new segment starts once the current one would grow past this
 * @param maxSegmentAge   a new segment starts once the current one is this old
 * @param fsync           force every record to disk before {@code append} returns (the default;
 *                        turning it off trades durability on power loss for speed)
 * @param clock           the time source for record rotation by age (tests move it)
 */
public record AuditLogConfig(Path directory, long maxSegmentBytes, Duration maxSegmentAge, boolean fsync,
                             InstantSource clock) {
    public static final long DEFAULT_MAX_SEGMENT_BYTES = 8L * 1024 * 1024;
    public static final Duration DEFAULT_MAX_SEGMENT_AGE = Duration.ofDays(1);

    public AuditLogConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(maxSegmentAge, "maxSegmentAge");
        Objects.requireNonNull(clock, "clock");
        if (maxSegmentBytes < SegmentHeader.BYTES + 512) {
            throw new IllegalArgumentException("maxSegmentBytes must be at least " + (SegmentHeader.BYTES + 512));
        }
        // Segments are read whole into memory by the verifier; keep them modest.
        if (maxSegmentBytes > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("maxSegmentBytes must be at most 256 MiB");
        }
        if (maxSegmentAge.isNegative() || maxSegmentAge.isZero()) {
            throw new IllegalArgumentException("maxSegmentAge must be positive");
        }
    }

    public static AuditLogConfig defaults(Path directory) {
        return new AuditLogConfig(directory, DEFAULT_MAX_SEGMENT_BYTES, DEFAULT_MAX_SEGMENT_AGE, true,
                InstantSource.system());
    }

    public AuditLogConfig withMaxSegmentBytes(long bytes) {
        return new AuditLogConfig(directory, bytes, maxSegmentAge, fsync, clock);
    }

    public AuditLogConfig withMaxSegmentAge(Duration age) {
        return new AuditLogConfig(directory, maxSegmentBytes, age, fsync, clock);
    }

    public AuditLogConfig withFsync(boolean on) {
        return new AuditLogConfig(directory, maxSegmentBytes, maxSegmentAge, on, clock);
    }

    public AuditLogConfig withClock(InstantSource source) {
        return new AuditLogConfig(directory, maxSegmentBytes, maxSegmentAge, fsync, source);
    }
}
