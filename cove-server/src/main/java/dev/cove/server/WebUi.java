package dev.cove.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The chat page at {@code /}: a single page and the few files it loads, all from the jar, under a
 * Content-Security-Policy that lets it reach nothing but this server (no CDN, font or script from
 * anywhere else; no inline script). Conversations live in the page's memory unless the user
 * turns saving on. Only the files listed here are served.
 */
final class WebUi {
    /**
     * Scripts and styles from this origin only; requests to this origin only; no framing, no
     * plugins, no form posts elsewhere, no base-URI tricks.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none';"
            + " form-action 'none'; frame-ancestors 'none'";

    private record Asset(String resource, String contentType) {
    }

    private static final String OWN = "/dev/cove/server/ui/";
    private static final Map<String, Asset> ASSETS = Map.of(
            "app.js", new Asset(OWN + "app.js", "text/javascript; charset=utf-8"),
            "style.css", new Asset(OWN + "style.css", "text/css; charset=utf-8"),
            "marked.min.js", new Asset("/META-INF/resources/webjars/marked/15.0.7/marked.min.js",
                    "text/javascript; charset=utf-8"),
            "purify.min.js", new Asset("/META-INF/resources/webjars/dompurify/3.2.4/dist/purify.min.js",
                    "text/javascript; charset=utf-8"),
            "highlight.min.js", new Asset("/META-INF/resources/webjars/highlightjs/11.10.0/highlight.min.js",
                    "text/javascript; charset=utf-8"),
            "highlight.css", new Asset("/META-INF/resources/webjars/highlightjs/11.10.0/styles/github.min.css",
                    "text/css; charset=utf-8"));

    private final Map<String, byte[]> cache = new java.util.concurrent.ConcurrentHashMap<>();

    void page(Context ctx) {
        send(ctx, new Asset(OWN + "index.html", "text/html; charset=utf-8"), "no-cache");
    }

    void asset(Context ctx) {
        Asset a = ASSETS.get(ctx.pathParam("file"));
        if (a == null) {
            ctx.status(404).contentType("text/plain").result("no such file\n");
            return;
        }
        send(ctx, a, "max-age=3600");
    }

    private void send(Context ctx, Asset a, String cacheControl) {
        byte[] body = cache.computeIfAbsent(a.resource(), WebUi::read);
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", cacheControl);
        ctx.contentType(a.contentType()).result(body);
    }

    private static byte[] read(String resource) {
        try (InputStream in = WebUi.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the chat page's file " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
