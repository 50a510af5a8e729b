package dev.cove.secure.audit;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an audit log end to end and says exactly what is wrong with it.
 *
 * <p>Each frame is authenticated on its own (AES-GCM over the record with its sequence number
 * and previous chain hash as associated data), so an edited record is named individually.
 * Authenticated sequence numbers then show what was removed (gaps), reordered (records outside
 * the longest in-order run) or duplicated, the hash chain shows a record swapped in from
 * elsewhere, and the HMAC'd checkpoint shows a tail cut off after the last record.
 */
public final class AuditVerifier {
    private final AuditKeys keys;

    public AuditVerifier(AuditKeys keys) {
        this.keys = keys;
    }

    /** A frame in file order, with the sequence number it is taken to have. */
    private record Position(long seq, boolean authentic, Frame frame, Path segment, long offset) {
    }

    public VerificationReport verify(Path directory) {
        LogSnapshot snapshot = LogSnapshot.take(directory, keys.checkpointKey());
        RecordCipher cipher = new RecordCipher(keys.recordKey());
        List<Finding> findings = new ArrayList<>();
        List<Position> positions = new ArrayList<>();
        List<FrameWalker.Item.Torn> torn = new ArrayList<>();
        Set<Long> reported = new HashSet<>();

        FrameWalker.walk(snapshot, item -> {
            switch (item) {
                case FrameWalker.Item.Found(Path seg, long offset, Frame f) -> {
                    boolean ok = cipher.open(f.seq(), f.prevHash(), f.sealed()) != null;
                    // An edited frame's own sequence number cannot be trusted: it takes the place after its predecessor.
                    long seq = ok ? f.seq() : (positions.isEmpty() ? 0 : positions.getLast().seq() + 1);
                    if (!ok) {
                        findings.add(new Finding.RecordEdited(seq, seg, offset));
                        reported.add(seq);
                    }
                    positions.add(new Position(seq, ok, f, seg, offset));
                }
                case FrameWalker.Item.Unreadable(Path seg, long from, long to) -> findings.add(new Finding.Unreadable(seg, from, to));
                case FrameWalker.Item.BadHeader(Path seg) -> findings.add(new Finding.SegmentHeaderDamaged(seg));
                case FrameWalker.Item.Torn t -> torn.add(t);
            }
        });

        long authentic = positions.stream().filter(Position::authentic).count();
        Checkpoint checkpoint = snapshot.checkpoint() instanceof Checkpoint.Read.Valid(Checkpoint cp) ? cp : null;
        if (!positions.isEmpty() && authentic == 0 && checkpoint == null) {
            return new VerificationReport(positions.size(), 0, -1, null,
                    List.of(new Finding.WrongKeys(positions.size())));
        }

        checkOrder(positions, findings, reported);
        long maxSeq = positions.stream().mapToLong(Position::seq).max().orElse(-1);
        checkGaps(positions, maxSeq, findings, reported);
        checkChain(positions, findings, reported);

        switch (snapshot.checkpoint()) {
            case Checkpoint.Read.Missing() -> {
                if (!positions.isEmpty()) {
                    findings.add(new Finding.CheckpointMissing());
                }
            }
            case Checkpoint.Read.Invalid() -> findings.add(new Finding.CheckpointInvalid());
            case Checkpoint.Read.Valid(Checkpoint cp) -> checkCheckpoint(cp, positions, maxSeq, findings, reported);
        }

        Set<Long> present = new HashSet<>();
        positions.forEach(p -> present.add(p.seq()));
        for (FrameWalker.Item.Torn t : torn) {
            // A torn frame is evidence only if the record it held is covered and exists nowhere else
            // (a writer that found a torn tail writes that record again in a new segment).
            boolean covered = checkpoint != null && (t.seq() == null ? maxSeq + 1 < checkpoint.count()
                    : t.seq() < checkpoint.count() && !present.contains(t.seq()));
            findings.add(new Finding.PartialRecord(t.segment(), t.offset(), t.seq(), covered));
        }
        return new VerificationReport(positions.size(), authentic,
                checkpoint == null ? -1 : checkpoint.count(), checkpoint == null ? null : checkpoint.headHex(), findings);
    }

    /**
     * Duplicates, then records outside the longest increasing run of sequence numbers: the
     * smallest set of records whose moving explains the order seen.
     */
    private static void checkOrder(List<Position> positions, List<Finding> findings, Set<Long> reported) {
        Set<Long> seen = new HashSet<>();
        List<Integer> unique = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
            Position p = positions.get(i);
            if (!seen.add(p.seq())) {
                findings.add(new Finding.RecordDuplicated(p.seq(), p.segment(), p.offset()));
                reported.add(p.seq());
            } else {
                unique.add(i);
            }
        }
        long[] seqs = unique.stream().mapToLong(i -> positions.get(i).seq()).toArray();
        boolean[] inOrder = longestIncreasingRun(seqs);
        for (int k = 0; k < seqs.length; k++) {
            if (!inOrder[k]) {
                Long after = k > 0 ? seqs[k - 1] : null;
                Long before = k + 1 < seqs.length ? seqs[k + 1] : null;
                findings.add(new Finding.RecordMoved(seqs[k], after, before));
                reported.add(seqs[k]);
            }
        }
    }

    /** Marks the members of one longest strictly increasing subsequence (patience sorting). */
    static boolean[] longestIncreasingRun(long[] a) {
        int n = a.length;
        int[] tailIndex = new int[n];
        int[] parent = new int[n];
        int length = 0;
        for (int i = 0; i < n; i++) {
            int lo = 0;
            int hi = length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[tailIndex[mid]] < a[i]) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            parent[i] = lo > 0 ? tailIndex[lo - 1] : -1;
            tailIndex[lo] = i;
            if (lo == length) {
                length++;
            }
        }
        boolean[] member = new boolean[n];
        for (int i = length == 0 ? -1 : tailIndex[length - 1]; i >= 0; i = parent[i]) {
            member[i] = true;
        }
        return member;
    }

    private static void checkGaps(List<Position> positions, long maxSeq, List<Finding> findings, Set<Long> reported) {
        if (maxSeq < 0) {
            return;
        }
        long[] present = positions.stream().mapToLong(Position::seq).distinct().sorted().toArray();
        long expected = 0;
        for (long s : present) {
            if (s > expected) {
                findings.add(new Finding.RecordsRemoved(expected, s - 1));
                reported.add(s); // the record after a gap cannot link to its missing predecessor
            }
            expected = s + 1;
        }
    }

    /** Neighbours in order, both genuine and not already explained, must link by hash. */
    private static void checkChain(List<Position> positions, List<Finding> findings, Set<Long> reported) {
        for (int i = 1; i < positions.size(); i++) {
            Position prev = positions.get(i - 1);
            Position cur = positions.get(i);
            if (!prev.authentic() || !cur.authentic() || cur.seq() != prev.seq() + 1
                    || reported.contains(prev.seq()) || reported.contains(cur.seq())) {
                continue;
            }
            if (!Arrays.equals(cur.frame().prevHash(), prev.frame().chainHash())) {
                findings.add(new Finding.ChainBroken(cur.seq()));
                reported.add(cur.seq());
            }
        }
    }

    private static void checkCheckpoint(Checkpoint cp, List<Position> positions, long maxSeq, List<Finding> findings,
                                        Set<Long> reported) {
        if (maxSeq + 1 < cp.count()) {
            findings.add(new Finding.TailCutOff(maxSeq, cp.count()));
        } else if (maxSeq + 1 > cp.count()) {
            findings.add(new Finding.Uncheckpointed(cp.count(), maxSeq));
        }
        long headSeq = cp.count() - 1;
        if (headSeq < 0 || reported.contains(headSeq)) {
            return;
        }
        for (Position p : positions) {
            if (p.seq() == headSeq && p.authentic()) {
                if (!MessageDigest.isEqual(p.frame().chainHash(), cp.headHash())) {
                    findings.add(new Finding.CheckpointMismatch(headSeq));
                }
                return;
            }
        }
    }
}
