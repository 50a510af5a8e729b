package dev.cove.secure.audit;

import java.util.List;

/**
 * What {@code verify} found.
 *
 * @param records         frames found in the files
 * @param authentic       frames that decrypted and authenticated
 * @param checkpointCount records the checkpoint covers, or -1 if it is missing or invalid
 * @param checkpointHead  the checkpoint's head hash in hex (for an operator to copy elsewhere), or null
 * @param findings        in the order found; empty for an intact log
 */
public record VerificationReport(long records, long authentic, long checkpointCount, String checkpointHead,
                                 List<Finding> findings) {
    public VerificationReport {
        findings = List.copyOf(findings);
    }

    /** True when nothing points to tampering or damage (harmless traces of a crash are allowed). */
    public boolean intact() {
        return findings.stream().noneMatch(Finding::tampering);
    }
}
