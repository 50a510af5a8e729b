package dev.cove.secure;

/** Which entry point served a request, so an auditor can tell the CLI from the server. */
public enum Origin {
    CLI,
    SERVER,
    EMBEDDED_API
}
