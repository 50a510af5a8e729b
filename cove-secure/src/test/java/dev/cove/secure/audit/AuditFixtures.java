package dev.cove.secure.audit;

import dev.cove.secure.ModelDigest;
import dev.cove.secure.Origin;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/** Keys, records and frame surgery for the audit tests. */
final class AuditFixtures {
    static final ModelDigest MODEL = ModelDigest.parse("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");

    private AuditFixtures() {
    }

    static AuditKeys randomKeys() throws Exception {
        KeyGenerator aes = KeyGenerator.getInstance("AES");
        aes.init(256);
        KeyGenerator hmac = KeyGenerator.getInstance("HmacSHA256");
        hmac.init(256);
        SecretKey record = aes.generateKey();
        return new AuditKeys(record, hmac.generateKey());
    }

    static AuditRecord record(String principal, int promptTokens) {
        return new AuditRecord(Instant.parse("2025-01-02T03:04:05.123456789Z").plusSeconds(promptTokens),
                new Principal(principal), Origin.SERVER, MODEL, RequestKind.CHAT, promptTokens, 2 * promptTokens + 1,
                Duration.ofMillis(250 + promptTokens), Outcome.OK);
    }

    static AuditLogConfig config(Path dir) {
        return AuditLogConfig.defaults(dir).withFsync(false);
    }

    /** Offsets and lengths of the frames in a segment, in file order. */
    record FrameAt(long offset, int length, long seq) {
    }

    static List<FrameAt> frames(Path segment) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<FrameAt> out = new ArrayList<>();
        int pos = SegmentHeader.BYTES;
        while (pos < buf.limit() && Frame.parse(buf, pos) instanceof Frame.Parse.Complete(Frame f, int length)) {
            out.add(new FrameAt(pos, length, f.seq()));
            pos += length;
        }
        return out;
    }

    static Path onlySegment(Path dir) throws IOException {
        List<Path> segments = Segments.list(dir);
        if (segments.size() != 1) {
            throw new IllegalStateException("expected one segment, found " + segments.size());
        }
        return segments.getFirst();
    }

    /** Rewrites a segment as its header followed by the given frames (by index), in that order. */
    static void rewrite(Path segment, int... frameIndexes) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        List<FrameAt> frames = frames(segment);
        ByteBuffer out = ByteBuffer.allocate(bytes.length * 2);
        out.put(bytes, 0, SegmentHeader.BYTES);
        for (int i : frameIndexes) {
            FrameAt f = frames.get(i);
            out.put(bytes, (int) f.offset(), f.length());
        }
        Files.write(segment, java.util.Arrays.copyOf(out.array(), out.position()));
    }
}
