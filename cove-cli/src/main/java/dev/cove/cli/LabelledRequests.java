package dev.cove.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.route.RouteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled set for {@code cove route eval}: JSON Lines, each {@code {"route": NAME, "text": ...}}
 * ({@code "prompt"} for {@code "text"}, or {@code "messages"} of a chat, whose last user message
 * is what the server routes on). Errors name the line and the field, never the text.
 */
final class LabelledRequests {
    /** One request and the route it belongs to. */
    record Labelled(String route, String text) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private LabelledRequests() {
    }

    static List<Labelled> read(Path file, List<String> routes) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RouteException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new RouteException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        List<Labelled> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new RouteException(where + ": not a JSON object (" + e.getOriginalMessage() + ")");
            }
            if (node == null || !node.isObject()) {
                throw new RouteException(where + ": not a JSON object");
            }
            JsonNode route = node.has("route") ? node.get("route") : node.get("label");
            if (route == null || !route.isTextual()) {
                throw new RouteException(where + ": no \"route\" (the name of the route the request belongs to)");
            }
            if (!routes.contains(route.textValue())) {
                throw new RouteException(where + ": route '" + route.textValue() + "' is not one of the routes "
                        + routes);
            }
            String text = text(node);
            if (text == null) {
                throw new RouteException(where + ": no \"text\", \"prompt\" or \"messages\" with a user message");
            }
            out.add(new Labelled(route.textValue(), text));
        }
        if (out.isEmpty()) {
            throw new RouteException(file + ": no labelled requests (one JSON object per line)");
        }
        return out;
    }

    private static String text(JsonNode node) {
        for (String field : List.of("text", "prompt")) {
            if (node.path(field).isTextual()) {
                return node.get(field).textValue();
            }
        }
        JsonNode messages = node.get("messages");
        if (messages != null && messages.isArray()) {
            for (int i = messages.size() - 1; i >= 0; i--) {
                JsonNode m = messages.get(i);
                if ("user".equals(m.path("role").asText(null)) && m.path("content").isTextual()) {
                    return m.get("content").textValue();
                }
            }
        }
        return null;
    }
}
