package dev.cove.secure.telemetry;

/** Delivers one batch. Separate from the exporter so retry and cursor logic are tested without a network. */
interface BatchSender {
    /**
     * Sends {@code body} (JSON lines) and says whether the receiver acknowledged it.
     *
     * @param idempotencyKey the same for every retry of the same batch, also across restarts
     */
    boolean send(byte[] body, String idempotencyKey) throws InterruptedException;
}
