package dev.cove.secure.store;

import java.nio.file.Path;

/** A model as named on a command line or in an API call, resolved: a store entry or a file. */
public sealed interface ModelRef {
    /** The name used in messages. */
    String displayName();

    /** The file holding the model's bytes (encrypted or not). */
    Path file();

    /** A named model in the store. */
    record Stored(Manifest manifest, Path file) implements ModelRef {
        @Override
        public String displayName() {
            return manifest.name();
        }
    }

    /** A model file given by path, outside the store. */
    record File(Path file) implements ModelRef {
        @Override
        public String displayName() {
            return file.toString();
        }
    }
}
