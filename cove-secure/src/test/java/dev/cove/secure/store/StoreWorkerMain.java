package dev.cove.secure.store;

import java.nio.file.Path;
import java.util.Random;

/**
 * A second (third, ...) Cove process for {@link ModelStoreTest}: imports, replaces, lists and
 * removes models in a shared store as fast as it can. Exits 0 when every operation behaved.
 * Arguments: STORE_HOME MODEL_FILE... ; the environment variable ITERATIONS bounds the work.
 */
public final class StoreWorkerMain {
    private StoreWorkerMain() {
    }

    public static void main(String[] args) {
        int iterations = Integer.parseInt(System.getenv().getOrDefault("ITERATIONS", "40"));
        long seed = Long.parseLong(System.getenv().getOrDefault("SEED", "1"));
        try {
            work(Path.of(args[0]), java.util.Arrays.stream(args).skip(1).map(Path::of).toArray(Path[]::new), iterations, seed);
            System.out.println("OK");
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static void work(Path home, Path[] models, int iterations, long seed) {
        ModelStore store = ModelStore.open(home);
        Random r = new Random(seed);
        for (int i = 0; i < iterations; i++) {
            String name = "m" + r.nextInt(4);
            switch (r.nextInt(4)) {
                case 0, 1 -> store.importFile(models[r.nextInt(models.length)], name,
                        new ModelStore.ImportOptions(null, null, true, java.util.List.of()));
                case 2 -> {
                    try {
                        store.remove(name);
                    } catch (StoreException e) {
                        if (!e.getMessage().contains("no model named")) {
                            throw e;
                        }
                    }
                }
                default -> {
                    for (Manifest m : store.list()) {
                        if (!ModelStore.isValidName(m.name()) || m.size() <= 0 || m.gguf() == null) {
                            throw new AssertionError("half-written manifest seen: " + m);
                        }
                    }
                }
            }
        }
    }
}
