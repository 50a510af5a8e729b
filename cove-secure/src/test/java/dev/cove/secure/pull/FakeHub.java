package dev.cove.secure.pull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Hugging Face hub and its CDN, on loopback only. The hub answers
 * {@code /ORG/REPO/resolve/REV/FILE} with a redirect to the CDN (a second server, so a different
 * origin, like the real CDN) carrying {@code X-Linked-Etag} (the SHA-256) and
 * {@code X-Linked-Size}; the CDN serves the bytes with Range support. Faults can be injected.
 */
final class FakeHub implements AutoCloseable {
    enum Fault {
        NONE,
        /** The CDN closes the connection after {@link #dropAfter} bytes, once. */
        DROP_ONCE,
        /** The CDN sends bytes that do not match the announced digest. */
        WRONG_BYTES,
        /** The CDN sends slowly (a pause every 32 KiB). */
        SLOW,
        /** The CDN sends a little, then nothing for {@link #stallMillis}. */
        STALL,
        /** The hub redirects in a circle. */
        REDIRECT_LOOP,
        /** The hub answers {@link #status} (401, 403, 404, 500, ...). */
        STATUS,
        /** The hub announces no SHA-256 (a plain git ETag only). */
        NO_DIGEST,
        /** The CDN ignores Range headers and always sends the whole file. */
        NO_RANGE
    }

    record Seen(String server, String method, String path, String authorization, String range) {
    }

    private static final Pattern RESOLVE = Pattern.compile("/([^/]+)/([^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    volatile Fault fault = Fault.NONE;
    volatile int status = 500;
    volatile long dropAfter = 100_000;
    volatile long stallMillis = 3_000;
    volatile String requiredToken;

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        hub.setExecutor(pool);
        cdn.setExecutor(pool);
        hub.start();
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://" + hub.getAddress().getAddress().getHostAddress() + ":" + hub.getAddress().getPort());
    }

    /** Publishes a file; returns its SHA-256 hex. */
    String put(String org, String repo, String rev, String file, byte[] content) {
        String sha = sha256(content);
        files.put(org + "/" + repo + "/" + rev + "/" + file, content);
        blobs.put(sha, content);
        return sha;
    }

    void rename(String oldOrgRepo, String newOrgRepo) {
        renamed.put(oldOrgRepo, newOrgRepo);
    }

    List<Seen> cdnRequests() {
        return seen.stream().filter(s -> s.server().equals("cdn")).toList();
    }

    private void record(String server, HttpExchange ex) {
        seen.add(new Seen(server, ex.getRequestMethod(), ex.getRequestURI().getPath(),
                ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Range")));
    }

    private void hub(HttpExchange ex) throws IOException {
        try (ex) {
            record("hub", ex);
            String path = ex.getRequestURI().getPath();
            if (fault == Fault.REDIRECT_LOOP) {
                redirect(ex, 302, path.endsWith("/a") ? path.substring(0, path.length() - 2) + "/b" : path + "/a");
                return;
            }
            if (requiredToken != null && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                empty(ex, 401);
                return;
            }
            if (fault == Fault.STATUS) {
                empty(ex, status);
                return;
            }
            Matcher m = RESOLVE.matcher(path);
            if (!m.matches()) {
                empty(ex, 404);
                return;
            }
            String orgRepo = m.group(1) + "/" + m.group(2);
            if (renamed.containsKey(orgRepo)) {
                redirect(ex, 307, "/" + renamed.get(orgRepo) + "/resolve/" + m.group(3) + "/" + m.group(4));
                return;
            }
            byte[] content = files.get(orgRepo + "/" + m.group(3) + "/" + m.group(4));
            if (content == null) {
                empty(ex, 404);
                return;
            }
            String sha = sha256(content);
            ex.getResponseHeaders().add("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567");
            ex.getResponseHeaders().add("ETag", "\"" + sha.substring(0, 40) + "\"");
            if (fault != Fault.NO_DIGEST) {
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
            }
            ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(content.length));
            ex.getResponseHeaders().add("Location", "http://" + cdn.getAddress().getAddress().getHostAddress() + ":"
                    + cdn.getAddress().getPort() + "/blobs/" + sha + "?X-Amz-Signature=secret");
            ex.sendResponseHeaders(302, -1);
        }
    }

    private void cdn(HttpExchange ex) throws IOException {
        try (ex) {
            record("cdn", ex);
            String sha = ex.getRequestURI().getPath().replace("/blobs/", "");
            byte[] content = blobs.get(sha);
            if (content == null) {
                empty(ex, 404);
                return;
            }
            if (fault == Fault.WRONG_BYTES) {
                content = content.clone();
                content[content.length / 2] ^= 0x55;
            }
            long from = 0;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null && fault != Fault.NO_RANGE) {
                Matcher m = RANGE.matcher(range);
                if (m.matches()) {
                    from = Long.parseLong(m.group(1));
                }
                if (from >= content.length) {
                    ex.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                    empty(ex, 416);
                    return;
                }
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            }
            ex.getResponseHeaders().add("ETag", "\"" + sha + "\"");
            long length = content.length - from;
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(from > 0 ? 206 : 200, -1);
                return;
            }
            ex.sendResponseHeaders(from > 0 ? 206 : 200, length);
            OutputStream out = ex.getResponseBody();
            int chunk = 32 * 1024;
            for (long p = from; p < content.length; p += chunk) {
                int n = (int) Math.min(chunk, content.length - p);
                if (fault == Fault.DROP_ONCE && p + n > dropAfter) {
                    fault = Fault.NONE;
                    out.write(content, (int) p, (int) Math.max(0, dropAfter - p));
                    out.flush();
                    // Close the socket under the response: the client sees the stream end early.
                    throw new IOException("injected: connection dropped");
                }
                out.write(content, (int) p, n);
                if (fault == Fault.SLOW) {
                    pause(15);
                }
                if (fault == Fault.STALL && p == from) {
                    out.flush();
                    pause(stallMillis);
                }
            }
        } catch (IOException e) {
            // Closing the exchange without completing the body drops the connection.
            throw e;
        }
    }

    private static void redirect(HttpExchange ex, int code, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(code, -1);
    }

    private static void empty(HttpExchange ex, int code) throws IOException {
        ex.sendResponseHeaders(code, -1);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        pool.shutdownNow();
    }
}
