package dev.cove.secure.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns what a user typed into a model: a store name when the store has a model of that name,
 * otherwise a path to a file. A name that is neither is an error that says both were tried.
 */
public final class ModelResolver {
    private final ModelStore store;

    public ModelResolver(ModelStore store) {
        this.store = store;
    }

    public ModelRef resolve(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new StoreException("no model given: name a model in the store (cove list) or a GGUF file");
        }
        if (nameOrPath.startsWith("hf://")) {
            throw new StoreException(nameOrPath + " is a download address: fetch it first with: cove pull " + nameOrPath);
        }
        if (ModelStore.isValidName(nameOrPath)) {
            Optional<Manifest> m = store.find(nameOrPath);
            if (m.isPresent()) {
                Path blob = store.blobPath(m.get());
                if (!Files.exists(blob)) {
                    throw new StoreException("model '" + nameOrPath + "': its data file " + blob.getFileName()
                            + " is missing from the store; remove it (cove rm " + nameOrPath + ") and import it again");
                }
                return new ModelRef.Stored(m.get(), blob);
            }
        }
        Path p = Path.of(nameOrPath);
        if (Files.isRegularFile(p)) {
            return new ModelRef.File(p);
        }
        if (Files.isDirectory(p)) {
            throw new StoreException(nameOrPath + ": is a directory, not a model file");
        }
        if (ModelStore.isValidName(nameOrPath) && !nameOrPath.endsWith(".gguf")) {
            throw new StoreException("no model named '" + nameOrPath + "' in the store (see: cove list) and no file of that name");
        }
        throw new StoreException(nameOrPath + ": no such model file");
    }
}
