package dev.cove.secure;

/** What kind of inference request was served. Shared by the audit log and telemetry. */
public enum RequestKind {
    CHAT,
    COMPLETION,
    EMBEDDING,
    FILL_IN_MIDDLE,
    OTHER
}
