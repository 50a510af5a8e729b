package dev.cove.secure.audit;

/** A decrypted record with its position in the log. */
public record AuditEntry(long sequence, AuditRecord record) {
}
