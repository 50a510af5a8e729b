package dev.cove.secure.audit;

import dev.cove.secure.ModelDigest;
import dev.cove.secure.Origin;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The plaintext inside an audit frame. Enums are written by name, not ordinal, so adding or
 * reordering constants never changes the meaning of old records. A version byte leads, so the
 * layout can grow.
 */
final class AuditRecordCodec {
    private static final int VERSION = 1;

    private AuditRecordCodec() {
    }

    static byte[] encode(AuditRecord r) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeLong(r.time().getEpochSecond());
            out.writeInt(r.time().getNano());
            out.writeUTF(r.principal().name());
            out.writeUTF(r.origin().name());
            out.write(r.model().bytes());
            out.writeUTF(r.kind().name());
            out.writeInt(r.promptTokens());
            out.writeInt(r.outputTokens());
            out.writeLong(r.latency().toNanos());
            out.writeUTF(r.outcome().name());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a byte array
        }
    }

    static AuditRecord decode(byte[] plaintext) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new AuditException("audit record format version " + version + " is not supported by this Cove");
            }
            Instant time = Instant.ofEpochSecond(in.readLong(), in.readInt());
            Principal principal = new Principal(in.readUTF());
            Origin origin = Origin.valueOf(in.readUTF());
            byte[] digest = new byte[32];
            in.readFully(digest);
            RequestKind kind = RequestKind.valueOf(in.readUTF());
            int prompt = in.readInt();
            int output = in.readInt();
            Duration latency = Duration.ofNanos(in.readLong());
            Outcome outcome = Outcome.valueOf(in.readUTF());
            return new AuditRecord(time, principal, origin, ModelDigest.of(digest), kind, prompt, output, latency, outcome);
        } catch (IOException | IllegalArgumentException e) {
            throw new AuditException("an authenticated audit record could not be decoded (written by a newer Cove?)", e);
        }
    }
}
