package dev.cove.secure.pull;

/** Network access was attempted in offline mode ({@code COVE_OFFLINE=1} or {@code --offline}). */
public final class OfflineException extends PullException {
    public OfflineException(String what) {
        super("offline mode (COVE_OFFLINE=1 or --offline): refusing network access to " + what);
    }
}
