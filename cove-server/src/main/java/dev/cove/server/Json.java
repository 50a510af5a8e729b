package dev.cove.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The server's one JSON mapper, and reading request bodies within the size limit. */
final class Json {
    static final ObjectMapper MAPPER = mapper();

    private Json() {
    }

    private static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(write(node));
    }

    /**
     * The request body as a JSON object. Bodies over {@code maxBytes} are refused with 413
     * before they are read (by their Content-Length) or as soon as the limit is passed (chunked).
     */
    static Fields readObject(Context ctx, long maxBytes) {
        byte[] body = readBody(ctx, maxBytes);
        if (body.length == 0) {
            throw ApiException.invalid(null, "the request has no body: send a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.invalid(null, "the JSON body is nested too deeply or has values too large");
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "invalid_json", JsonSyntaxError.describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(null, "the body must be a JSON object, not " + Fields.describe(node));
        }
        return new Fields((ObjectNode) node, "");
    }

    private static byte[] readBody(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > maxBytes) {
                discardRest(in, maxBytes);
                throw tooLarge(maxBytes);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
            byte[] buffer = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    discardRest(in, maxBytes);
                    throw tooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw ApiException.invalid(null, "could not read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops what is left of a refused body, up to a bound. A server that answers
     * while the client is still uploading and then closes resets the connection, and the
     * client loses the 413 it was sent; reading the rest lets the answer arrive. Beyond the
     * bound (a hostile or runaway upload) the connection is closed all the same.
     */
    private static void discardRest(InputStream in, long maxBytes) throws IOException {
        long bound = Math.max(4 * maxBytes, 4L << 20);
        byte[] buffer = new byte[8192];
        long dropped = 0;
        int n;
        while (dropped < bound && (n = in.read(buffer)) > 0) {
            dropped += n;
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "the request body is larger than this server's limit of " + maxBytes + " bytes");
    }
}
