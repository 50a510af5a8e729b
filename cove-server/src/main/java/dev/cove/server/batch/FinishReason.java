package dev.cove.server.batch;

/** Why a sequence left the scheduler. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP,
    /** The requested maximum of tokens, or the context is full. */
    LENGTH,
    /** The request ran past its time limit; what was generated is kept. */
    TIMEOUT,
    /** The client went away or gave up. */
    CANCELLED,
    /** An embedding sequence has pooled all its inputs. */
    EMBEDDED
}
