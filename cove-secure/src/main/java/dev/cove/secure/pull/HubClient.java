package dev.cove.secure.pull;

import dev.cove.secure.ModelDigest;
import dev.cove.secure.fs.CrossProcessLock;
import dev.cove.secure.store.Sha256;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to a Hugging Face-style hub the way its own clients do: {@code /ORG/REPO/resolve/REV/FILE},
 * redirects followed one by one (a bearer token is only ever sent to the hub's own host, never to
 * the CDN a file redirects to), the file's SHA-256 taken from {@code X-Linked-Etag} (LFS files) or
 * {@code ETag}, and interrupted downloads resumed with {@code Range} requests.
 *
 * <p>A download goes to a partial file named by the expected SHA-256, so whatever revision or
 * mirror a later attempt uses, it can only resume bytes of the same content. The partial file is
 * locked while written, so two processes never interleave their writes.
 */
public final class HubClient {
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final String USER_AGENT = "cove/0.1 (+java)";

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * What the hub says about a file before it is downloaded.
     *
     * @param sha256 the content digest the hub announces, or null when it announces none
     * @param size the size in bytes, or -1 when unknown
     * @param commit the commit the revision resolved to, when the hub says
     */
    public record FileInfo(URI url, String sha256, long size, String commit) {
    }

    /** Asks the hub about a file (HEAD requests; no body is downloaded). */
    public FileInfo describe(HubRef ref) {
        URI start = URI.create(settings.endpoint() + "/" + ref.resolvePath());
        ensureOnline(start);
        Set<URI> seen = new HashSet<>();
        URI current = start;
        for (int hop = 0; ; hop++) {
            if (!seen.add(current) || hop > MAX_REDIRECTS) {
                throw new PullException(ref + ": the hub redirects in a loop (at " + redact(current) + "); giving up");
            }
            HttpResponse<Void> r = sendForHeaders(ref.toString(), request(current, "HEAD"));
            int status = r.statusCode();
            if (isRedirect(status)) {
                URI next = location(ref.toString(), current, r);
                String sha = announcedSha256(r.headers());
                if (sameHost(next) && sha == null) {
                    current = next; // the hub moved the repository: follow it there
                    continue;
                }
                return new FileInfo(current, sha, linkedSize(r.headers()), r.headers().firstValue("X-Repo-Commit").orElse(null));
            }
            if (status == 200) {
                long size = linkedSize(r.headers());
                if (size < 0) {
                    size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                }
                return new FileInfo(current, announcedSha256(r.headers()), size, r.headers().firstValue("X-Repo-Commit").orElse(null));
            }
            throw statusError(ref.toString(), status);
        }
    }

    /**
     * Downloads {@code info}'s file into {@code partial} (resuming what is there), checks its
     * SHA-256 against {@code expected}, and returns it. On a digest mismatch the partial file is
     * deleted (its bytes are wrong, resuming them cannot help); on any other failure it is kept
     * for the next attempt to resume.
     */
    public ModelDigest download(FileInfo info, ModelDigest expected, Path partial, ProgressListener progress, AtomicBoolean cancel) {
        ensureOnline(info.url());
        Objects.requireNonNull(expected, "expected digest");
        try (CrossProcessLock _ = CrossProcessLock.acquire(partial.resolveSibling(partial.getFileName() + ".lock"));
                FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ)) {
            State st = new State(out, Sha256.newDigest());
            long have = out.size();
            if (info.size() >= 0 && have > info.size()) {
                out.truncate(0);
                have = 0;
            }
            st.hashExisting(have);
            progress.started(info.url().getPath(), info.size(), have);
            try {
                int attempt = 0;
                while (true) {
                    if (info.size() >= 0 && st.length == info.size()) {
                        break;
                    }
                    try {
                        fetch(info, st, progress, cancel);
                        if (info.size() < 0 || st.length == info.size()) {
                            break;
                        }
                        throw new Retryable("the connection closed after " + st.length + " of " + info.size() + " bytes");
                    } catch (Retryable e) {
                        out.truncate(st.length);
                        if (cancel.get()) {
                            throw interrupted(st.length, info.size());
                        }
                        if (attempt++ >= settings.retries()) {
                            throw new PullException("download failed: " + e.getMessage() + "; " + st.length + " bytes are kept:"
                                    + " run the same command again to resume", e);
                        }
                        progress.note(e.getMessage() + "; resuming at byte " + st.length + " (attempt " + (attempt + 1) + ")");
                        sleep(settings.retryDelay().toMillis(), cancel, st, info);
                    }
                }
                out.force(true);
            } finally {
                progress.finished();
                if (out.size() > st.length) {
                    out.truncate(st.length); // keep only bytes that are hashed: a clean prefix to resume
                }
            }
            ModelDigest got = ModelDigest.of(st.digest.digest());
            if (!got.equals(expected)) {
                out.truncate(0);
                Files.deleteIfExists(partial);
                throw new PullException("the downloaded file does not match its SHA-256: expected " + expected.sha256Hex()
                        + ", got " + got.sha256Hex() + " (the server sent wrong bytes); nothing was stored, try again");
            }
            return got;
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No space left")) {
                throw new PullException("the disk is full: free some space, then run the same command again to resume", e);
            }
            throw new PullException("cannot write the download to " + partial + ": " + m, e);
        }
    }

    /** One GET (following redirects) that appends to the partial file. Throws {@link Retryable} for transient failures. */
    private void fetch(FileInfo info, State st, ProgressListener progress, AtomicBoolean cancel) throws IOException {
        URI current = info.url();
        Set<URI> seen = new HashSet<>();
        String what = info.url().getPath();
        for (int hop = 0; ; hop++) {
            if (!seen.add(current) || hop > MAX_REDIRECTS) {
                throw new PullException(what + ": the server redirects in a loop (at " + redact(current) + "); giving up");
            }
            ensureOnline(current);
            HttpRequest.Builder b = requestBuilder(current).GET();
            long from = st.length;
            if (from > 0) {
                b.header("Range", "bytes=" + from + "-");
            }
            Sink sink = new Sink(st, from, progress, cancel);
            CompletableFuture<HttpResponse<Void>> future = http.sendAsync(b.build(), sink::handle);
            HttpResponse<Void> response = await(future, sink, cancel, st, info);
            int status = response.statusCode();
            if (isRedirect(status)) {
                current = location(what, current, response);
                continue;
            }
            if (status == 416 && info.size() >= 0 && from == info.size()) {
                return;
            }
            if (status == 416) {
                st.reset();
                throw new Retryable("the server refused to resume at byte " + from + "; starting over");
            }
            if (status == 200 || status == 206) {
                if (sink.failure != null) {
                    throw sink.failure;
                }
                return;
            }
            if (status >= 500 || status == 429) {
                throw new Retryable("the server answered " + status + " (" + reason(status) + ")");
            }
            throw statusError(what, status);
        }
    }

    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> future, Sink sink, AtomicBoolean cancel,
            State st, FileInfo info) throws IOException {
        long stallNanos = settings.stall().toNanos();
        while (true) {
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (cancel.get()) {
                    sink.abort();
                    future.cancel(true);
                    throw interrupted(st.length, info.size());
                }
                if (System.nanoTime() - sink.lastActivity() > stallNanos) {
                    sink.abort();
                    future.cancel(true);
                    throw new Retryable("no data from the server for " + settings.stall().toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                sink.abort();
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw interrupted(st.length, info.size());
            } catch (ExecutionException e) {
                sink.abort();
                Throwable c = e.getCause();
                if (sink.failure != null) {
                    throw sink.failure;
                }
                if (c instanceof PullException p) {
                    throw p;
                }
                if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException) {
                    throw new Retryable("cannot reach " + info.url().getHost() + ": " + describe(c));
                }
                if (c instanceof HttpTimeoutException) {
                    throw new Retryable("no answer from the server within " + settings.stall().toSeconds() + " s");
                }
                throw new Retryable("the connection was lost (" + describe(c) + ")");
            }
        }
    }

    private static PullException interrupted(long have, long total) {
        return new PullException("download interrupted at " + have + (total >= 0 ? " of " + total : "")
                + " bytes; run the same command again to resume");
    }

    private void sleep(long millis, AtomicBoolean cancel, State st, FileInfo info) {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (cancel.get()) {
                throw interrupted(st.length, info.size());
            }
            try {
                Thread.sleep(Math.min(50, Math.max(1, end - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(st.length, info.size());
            }
        }
    }

    /** The partial file and the running digest of its bytes. */
    private static final class State {
        final FileChannel out;
        final MessageDigest digest;
        long length;

        State(FileChannel out, MessageDigest digest) {
            this.out = out;
            this.digest = digest;
        }

        void hashExisting(long have) throws IOException {
            if (have > 0) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = out.map(FileChannel.MapMode.READ_ONLY, 0, have, arena);
                    byte[] buf = new byte[1 << 20];
                    for (long p = 0; p < have; p += buf.length) {
                        int n = (int) Math.min(buf.length, have - p);
                        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, p, buf, 0, n);
                        for (int o = 0; o < n; o += 1 << 16) {
                            digest.update(buf, o, Math.min(1 << 16, n - o));
                        }
                    }
                }
            }
            length = have;
        }

        void reset() throws IOException {
            out.truncate(0);
            digest.reset();
            length = 0;
        }
    }

    /** Receives one response: headers decide whether the body goes to the file or is dropped. */
    private final class Sink implements HttpResponse.BodySubscriber<Void> {
        private final State st;
        private final long from;
        private final ProgressListener progress;
        private final AtomicBoolean cancel;
        private final CompletableFuture<Void> result = new CompletableFuture<>();
        private volatile long lastActivity = System.nanoTime();
        private Flow.Subscription subscription;
        private boolean aborted;
        volatile IOException failure;

        Sink(State st, long from, ProgressListener progress, AtomicBoolean cancel) {
            this.st = st;
            this.from = from;
            this.progress = progress;
            this.cancel = cancel;
        }

        HttpResponse.BodySubscriber<Void> handle(HttpResponse.ResponseInfo info) {
            lastActivity = System.nanoTime();
            int status = info.statusCode();
            if (status == 206) {
                Matcher m = CONTENT_RANGE.matcher(info.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != from) {
                    failure = new Retryable("the server resumed at the wrong place");
                    return HttpResponse.BodySubscribers.replacing(null);
                }
                return this;
            }
            if (status == 200) {
                if (from > 0) {
                    try {
                        synchronized (this) {
                            st.reset();
                        }
                        progress.note("the server cannot resume downloads; starting over");
                    } catch (IOException e) {
                        failure = e;
                        return HttpResponse.BodySubscribers.replacing(null);
                    }
                }
                return this;
            }
            return HttpResponse.BodySubscribers.replacing(null);
        }

        long lastActivity() {
            return lastActivity;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (aborted) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            synchronized (this) {
                if (aborted || cancel.get()) {
                    subscription.cancel();
                    return;
                }
                lastActivity = System.nanoTime();
                try {
                    for (ByteBuffer b : items) {
                        ByteBuffer copy = b.duplicate();
                        long pos = st.length;
                        while (b.hasRemaining()) {
                            pos += st.out.write(b, pos);
                        }
                        st.digest.update(copy);
                        st.length = pos;
                    }
                } catch (IOException e) {
                    failure = e;
                    aborted = true;
                    subscription.cancel();
                    result.completeExceptionally(e);
                    return;
                }
            }
            progress.progress(st.length);
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(null);
        }

        @Override
        public CompletableFuture<Void> getBody() {
            return result;
        }

        /** Stops writing: after this returns no byte more reaches the file. */
        synchronized void abort() {
            aborted = true;
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    /** A failure that resuming may overcome: a dropped connection, a stall, a 5xx. */
    static final class Retryable extends IOException {
        Retryable(String message) {
            super(message);
        }
    }

    private HttpResponse<Void> sendForHeaders(String what, HttpRequest req) {
        int attempt = 0;
        while (true) {
            try {
                HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                if ((r.statusCode() >= 500 || r.statusCode() == 429) && attempt++ < settings.retries()) {
                    sleepQuietly(settings.retryDelay().toMillis());
                    continue;
                }
                return r;
            } catch (HttpConnectTimeoutException | ConnectException e) {
                if (attempt++ < settings.retries()) {
                    sleepQuietly(settings.retryDelay().toMillis());
                    continue;
                }
                throw new PullException("cannot reach " + req.uri().getHost() + ": " + describe(e)
                        + " (check the network, or HF_ENDPOINT)", e);
            } catch (HttpTimeoutException e) {
                throw new PullException(what + ": no answer from " + req.uri().getHost() + " within "
                        + settings.stall().toSeconds() + " s", e);
            } catch (IOException e) {
                if (attempt++ < settings.retries()) {
                    sleepQuietly(settings.retryDelay().toMillis());
                    continue;
                }
                throw new PullException(what + ": cannot talk to " + req.uri().getHost() + ": " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PullException(what + ": interrupted");
            }
        }
    }

    private HttpRequest request(URI uri, String method) {
        return requestBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    private HttpRequest.Builder requestBuilder(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.stall())
                .header("User-Agent", USER_AGENT)
                .header("Accept-Encoding", "identity");
        if ("http".equals(uri.getScheme())) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        if (settings.token() != null && sameHost(uri)) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    /** True for the hub itself (where the token may go); false for a CDN it redirects to. */
    private boolean sameHost(URI uri) {
        URI e = settings.endpoint();
        return Objects.equals(e.getScheme(), uri.getScheme())
                && e.getHost() != null && e.getHost().equalsIgnoreCase(uri.getHost())
                && port(e) == port(uri);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    private void ensureOnline(URI uri) {
        if (settings.offline()) {
            throw new OfflineException(uri.getScheme() + "://" + uri.getAuthority());
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI location(String what, URI current, HttpResponse<?> r) {
        String loc = r.headers().firstValue("Location").orElseThrow(
                () -> new PullException(what + ": the server sent a redirect without a Location"));
        try {
            URI next = current.resolve(loc);
            if (!"https".equals(next.getScheme()) && !"http".equals(next.getScheme())) {
                throw new PullException(what + ": the server redirects to a non-HTTP address");
            }
            if ("https".equals(current.getScheme()) && "http".equals(next.getScheme())) {
                throw new PullException(what + ": the server redirects from https to plain http; refusing");
            }
            return next;
        } catch (IllegalArgumentException e) {
            throw new PullException(what + ": the server sent an invalid redirect address", e);
        }
    }

    /** The SHA-256 the hub announces: X-Linked-Etag for LFS files, else an ETag that is a SHA-256. */
    static String announcedSha256(HttpHeaders h) {
        for (String name : new String[] {"X-Linked-Etag", "ETag"}) {
            String v = h.firstValue(name).orElse(null);
            if (v != null) {
                v = v.strip();
                if (v.startsWith("W/")) {
                    v = v.substring(2);
                }
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                if (HEX64.matcher(v).matches()) {
                    return v.toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    private static long linkedSize(HttpHeaders h) {
        return h.firstValueAsLong("X-Linked-Size").orElse(-1);
    }

    private PullException statusError(String what, int status) {
        return switch (status) {
            case 401 -> new PullException(what + ": the hub asks for authentication (401): "
                    + (settings.token() == null ? "the repository is gated or private; set HF_TOKEN to a token with access"
                            : "HF_TOKEN was not accepted; check the token"));
            case 403 -> new PullException(what + ": access denied (403): accept the model's terms on the hub with the"
                    + " account of HF_TOKEN, or use a token with access");
            case 404 -> new PullException(what + ": not found (404): check the organisation, repository, file name and revision");
            case 429 -> new PullException(what + ": the hub is rate-limiting requests (429); wait and try again");
            default -> status >= 500
                    ? new PullException(what + ": the hub has a problem (" + status + " " + reason(status) + "); try again later")
                    : new PullException(what + ": unexpected answer " + status + " from the hub");
        };
    }

    private static String reason(int status) {
        return switch (status) {
            case 500 -> "internal server error";
            case 502 -> "bad gateway";
            case 503 -> "service unavailable";
            case 504 -> "gateway timeout";
            case 429 -> "too many requests";
            default -> "server error";
        };
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** An address without its query, which may carry signed credentials. */
    private static String redact(URI u) {
        return u.getScheme() + "://" + u.getAuthority() + u.getPath();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
