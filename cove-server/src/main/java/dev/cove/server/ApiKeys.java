package dev.cove.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Bearer API keys. Only SHA-256 digests of the keys are kept, and a presented key is compared
 * with each of them in constant time.
 */
public final class ApiKeys {
    private final List<byte[]> digests;

    public ApiKeys(List<String> keys) {
        this.digests = keys.stream().map(ApiKeys::sha256).toList();
    }

    /**
     * Reads keys from a file: one per line, blank lines and lines starting with {@code #} skipped.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no key
     */
    public static List<String> readFile(Path file) {
        List<String> keys = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String key = line.strip();
                if (!key.isEmpty() && !key.startsWith("#")) {
                    keys.add(key);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the API key file " + file + ": " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the API key file " + file + " holds no key (one per line)");
        }
        return keys;
    }

    public boolean required() {
        return !digests.isEmpty();
    }

    /** Whether {@code presented} is one of the keys. */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] d : digests) {
            match |= MessageDigest.isEqual(d, digest);
        }
        return match;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
