package dev.cove.server;

import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A streamed response: Server-Sent Events (OpenAI) or newline-delimited JSON (Ollama), flushed
 * after each event. A failed write means the client is gone: it throws {@link ClientGoneException}.
 */
final class EventStream {
    private final ServletOutputStream out;

    private EventStream(Context ctx, String contentType) {
        ctx.status(200);
        var res = ctx.res();
        res.setContentType(contentType);
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        try {
            this.out = res.getOutputStream();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    static EventStream sse(Context ctx) {
        EventStream s = new EventStream(ctx, "text/event-stream; charset=utf-8");
        s.flush();
        return s;
    }

    static EventStream ndjson(Context ctx) {
        EventStream s = new EventStream(ctx, "application/x-ndjson");
        s.flush();
        return s;
    }

    /** {@code data: <json>} and a blank line. */
    void data(String json) {
        write("data: " + json + "\n\n");
    }

    /** A comment line, which SSE clients ignore: keeps proxies open and finds gone clients. */
    void comment() {
        write(": keep-alive\n\n");
    }

    /** One NDJSON line. */
    void line(String json) {
        write(json + "\n");
    }

    private void write(String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
        flush();
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    /** The client closed the connection while its response was being streamed. */
    static final class ClientGoneException extends RuntimeException {
        ClientGoneException(IOException cause) {
            super("the client closed the connection", cause, false, false);
        }
    }
}
