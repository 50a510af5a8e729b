package dev.cove.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * {@code POST /cove/redact {"text": ...}}: where the personal data in a text is, as
 * {@code {"spans": [{"start", "end", "label"}]}} (UTF-16 positions). The answer carries no text,
 * and nothing is logged or kept; a server started without a {@link PersonalDataFinder} answers
 * 501.
 */
final class RedactRoute {
    private final CoveServer server;
    private final PersonalDataFinder finder;

    RedactRoute(CoveServer server, PersonalDataFinder finder) {
        this.server = server;
        this.finder = finder;
    }

    void redact(Context ctx) {
        if (finder == null) {
            throw new ApiException(501, "invalid_request_error", null, "redaction_unavailable",
                    "this server has no redactor: masking personal data needs `cove serve` (or a server built with one)");
        }
        Fields f = Json.readObject(ctx, server.config().maxBodyBytes());
        String text = f.requiredString("text");
        ArrayNode spans = Json.array();
        for (PersonalDataFinder.Span s : finder.find(text)) {
            spans.add(Json.object().put("start", s.start()).put("end", s.end()).put("label", s.label()));
        }
        ObjectNode body = Json.object();
        body.set("spans", spans);
        Json.respond(ctx, 200, body);
    }
}
