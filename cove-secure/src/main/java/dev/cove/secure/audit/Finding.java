package dev.cove.secure.audit;

import java.nio.file.Path;

/**
 * One thing {@code verify} found. Each says in words exactly which record is affected and how;
 * {@link #tampering()} separates evidence of tampering or damage from the harmless traces of a
 * crash (an append interrupted between writing the record and the checkpoint).
 */
public sealed interface Finding {
    String describe();

    boolean tampering();

    /** A record fails authentication: its bytes, sequence number or chain link were changed. */
    record RecordEdited(long seq, Path segment, long offset) implements Finding {
        public String describe() {
            return "record " + seq + " was edited: it fails authentication (" + segment.getFileName() + ", byte " + offset + ")";
        }

        public boolean tampering() {
            return true;
        }
    }

    /** Records missing from the middle (or the start) of the log. */
    record RecordsRemoved(long first, long last) implements Finding {
        public String describe() {
            return first == last ? "record " + first + " was removed"
                    : "records " + first + " to " + last + " were removed";
        }

        public boolean tampering() {
            return true;
        }
    }

    /** A genuine record found out of its place. {@code after}/{@code before} are its neighbours, if any. */
    record RecordMoved(long seq, Long after, Long before) implements Finding {
        public String describe() {
            String where = after == null ? "at the start of the log, before record " + before
                    : before == null ? "at the end of the log, after record " + after
                    : "between record " + after + " and record " + before;
            return "records were reordered: record " + seq + " appears " + where;
        }

        public boolean tampering() {
            return true;
        }
    }

    /** A genuine record that appears a second time. */
    record RecordDuplicated(long seq, Path segment, long offset) implements Finding {
        public String describe() {
            return "record " + seq + " appears more than once (copy at " + segment.getFileName() + ", byte " + offset + ")";
        }

        public boolean tampering() {
            return true;
        }
    }

    /** Two genuine neighbouring records whose hash chain does not link: one was swapped for another log's. */
    record ChainBroken(long seq) implements Finding {
        public String describe() {
            return "record " + seq + " does not link to record " + (seq - 1)
                    + " in the hash chain: one of them was replaced by a record from elsewhere";
        }

        public boolean tampering() {
            return true;
        }
    }

    /** The newest records are gone: the checkpoint covers more than the files hold. */
    record TailCutOff(long lastPresent, long checkpointCount) implements Finding {
        public String describe() {
            long firstMissing = lastPresent + 1;
            long lastMissing = checkpointCount - 1;
            String missing = firstMissing == lastMissing ? "record " + firstMissing + " is missing"
                    : "records " + firstMissing + " to " + lastMissing + " are missing";
            return (lastPresent < 0 ? "the log was cut off: no record remains" : "the log was cut off after record " + lastPresent)
                    + ": the signed checkpoint covers " + checkpointCount + " records, so " + missing;
        }

        public boolean tampering() {
            return true;
        }
    }

    /** The record the checkpoint names as the newest is not the one in the file. */
    record CheckpointMismatch(long seq) implements Finding {
        public String describe() {
            return "record " + seq + " does not match the checkpoint's head hash: the newest covered record was replaced";
        }

        public boolean tampering() {
            return true;
        }
    }

    record CheckpointMissing() implements Finding {
        public String describe() {
            return "the checkpoint file is missing, so a cut-off tail cannot be detected (it was deleted,"
                    + " or the very first append was interrupted)";
        }

        public boolean tampering() {
            return true;
        }
    }

    record CheckpointInvalid() implements Finding {
        public String describe() {
            return "the checkpoint fails authentication: it was altered, or it was written with other keys";
        }

        public boolean tampering() {
            return true;
        }
    }

    /** No record and no checkpoint authenticate: almost certainly the wrong keystore, not tampering of everything. */
    record WrongKeys(long records) implements Finding {
        public String describe() {
            return "none of the " + records + " records authenticates: this keystore does not hold this log's keys"
                    + " (or every record was altered)";
        }

        public boolean tampering() {
            return true;
        }
    }

    /** Bytes that are not a record: damage, or something inserted. */
    record Unreadable(Path segment, long from, long to) implements Finding {
        public String describe() {
            return segment.getFileName() + ": bytes " + from + " to " + (to - 1) + " are not an audit record (damaged or inserted)";
        }

        public boolean tampering() {
            return true;
        }
    }

    record SegmentHeaderDamaged(Path segment) implements Finding {
        public String describe() {
            return segment.getFileName() + ": the segment header is damaged";
        }

        public boolean tampering() {
            return true;
        }
    }

    /**
     * A record cut short at the end of a segment. Harmless if the checkpoint never covered it (a
     * writer died mid-append, before acknowledging it); tampering if it did.
     */
    record PartialRecord(Path segment, long offset, Long seq, boolean covered) implements Finding {
        public String describe() {
            String which = seq == null ? "a record" : "record " + seq;
            return covered
                    ? which + " was cut off part-way (" + segment.getFileName() + ", byte " + offset + ")"
                    : "an append was interrupted: " + which + " is incomplete and was never acknowledged ("
                            + segment.getFileName() + ", byte " + offset + ")";
        }

        public boolean tampering() {
            return covered;
        }
    }

    /** Records newer than the checkpoint: an append interrupted before its checkpoint, or one in progress. */
    record Uncheckpointed(long first, long last) implements Finding {
        public String describe() {
            return (first == last ? "record " + first + " is" : "records " + first + " to " + last + " are")
                    + " newer than the checkpoint (an append was interrupted before updating it); they are verified by the chain only";
        }

        public boolean tampering() {
            return false;
        }
    }
}
