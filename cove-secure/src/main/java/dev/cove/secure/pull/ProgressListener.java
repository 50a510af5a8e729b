package dev.cove.secure.pull;

/** Hears how a download goes, for a progress bar. Called from the downloading thread. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
    };

    /** A download of {@code total} bytes (-1 when unknown) starts, {@code resumedFrom} already on disk. */
    default void started(String what, long total, long resumedFrom) {
    }

    /** {@code done} bytes of the file are now on disk. */
    default void progress(long done) {
    }

    /** The download ended (well or not); a bar should end its line. */
    default void finished() {
    }

    /** A note for the user (a retry, a resumed download). */
    default void note(String message) {
    }
}
