package dev.cove.cli;

import dev.cove.core.batch.BatchRow;
import dev.cove.core.chat.ChatMessage;
import dev.cove.core.json.Json;
import dev.cove.core.json.JsonException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of a {@code cove batch} input: one JSON object per line, {@code {"id": ..., "prompt":
 * "..."}} or {@code {"id": ..., "messages": [{"role": ..., "content": ...}, ...]}}, with optional
 * {@code max_tokens}, {@code temperature} and {@code seed}. Blank lines are skipped.
 *
 * <p>A line that is not UTF-8, not JSON, or not such an object becomes an {@link Entry} with an
 * error instead of a row: the job goes on without it. Every entry has a key that names it in the
 * output and the resume journal: the JSON text of its id, or {@code line:N} when it has none.
 * Errors never quote the line (it may hold personal data): they say what is wrong and where.
 */
final class JsonlRows {
    private static final Set<String> FIELDS = Set.of("id", "prompt", "messages", "max_tokens", "temperature", "seed");

    /** One input line: a row to generate, or why it cannot be. */
    record Entry(int line, String key, Object id, BatchRow row, String error) {
    }

    private JsonlRows() {
    }

    /**
     * Reads the file's entries one at a time, in order, so that an input of any size streams
     * through; the caller closes it.
     */
    static final class Reader implements java.util.Iterator<Entry>, java.io.Closeable {
        private final Path file;
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private int lineNumber;
        private boolean eof;
        private Entry next;

        Reader(Path file) {
            this.file = file;
            try {
                this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot be read (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null && !eof) {
                next = readLine();
            }
            return next != null;
        }

        @Override
        public Entry next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            Entry e = next;
            next = null;
            return e;
        }

        /** The next line's entry; null for a blank line or at the end. */
        private Entry readLine() {
            try {
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    line.write(b);
                }
                if (b < 0) {
                    eof = true;
                    if (line.size() == 0) {
                        return null;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot be read (" + e.getMessage() + ")", e);
            }
            lineNumber++;
            byte[] bytes = line.toByteArray();
            line.reset();
            return parse(lineNumber, bytes);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The entry of one line (without its newline), or null for a blank line. */
    static Entry parse(int line, byte[] bytes) {
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return failed(line, null, "line " + line + " is not valid UTF-8");
        }
        if (text.isBlank()) {
            return null;
        }
        Object value;
        try {
            value = Json.parse(text, "line " + line);
        } catch (JsonException e) {
            return failed(line, null, e.getMessage());
        }
        if (!(value instanceof Map<?, ?> object)) {
            return failed(line, null, "line " + line + " is not a JSON object");
        }
        Object id = object.get("id");
        if (id == null || id == Json.NULL) {
            return failed(line, null, "line " + line + " has no \"id\"");
        }
        if (id instanceof Map || id instanceof List) {
            return failed(line, null, "line " + line + ": \"id\" must be a string or a number");
        }
        String key = Json.write(id);
        try {
            return new Entry(line, key, id, row(key, object), null);
        } catch (IllegalArgumentException e) {
            return new Entry(line, key, id, null, e.getMessage());
        }
    }

    private static Entry failed(int line, Object id, String error) {
        return new Entry(line, "line:" + line, id, null, error);
    }

    private static BatchRow row(String key, Map<?, ?> object) {
        for (Object field : object.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field \"" + field + "\" (known: id, prompt, messages,"
                        + " max_tokens, temperature, seed)");
            }
        }
        Object prompt = object.get("prompt");
        Object messages = object.get("messages");
        if ((prompt == null) == (messages == null)) {
            throw new IllegalArgumentException("give \"prompt\" or \"messages\", exactly one of them");
        }
        if (prompt != null && !(prompt instanceof String)) {
            throw new IllegalArgumentException("\"prompt\" must be a string");
        }
        Integer maxTokens = integer(object.get("max_tokens"), "max_tokens");
        if (maxTokens != null && maxTokens < -1) {
            throw new IllegalArgumentException("\"max_tokens\" must be -1 (until the model stops) or 0 or more");
        }
        Object temperature = object.get("temperature");
        if (temperature != null && !(temperature instanceof Number)) {
            throw new IllegalArgumentException("\"temperature\" must be a number");
        }
        Long seed = integer(object.get("seed"), "seed") == null ? null : ((Number) object.get("seed")).longValue();
        return new BatchRow(key, (String) prompt, messages == null ? null : messages(messages), maxTokens,
                temperature == null ? null : ((Number) temperature).floatValue(), seed);
    }

    private static Integer integer(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Long n) || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("\"" + field + "\" must be an integer");
        }
        return n.intValue();
    }

    private static List<ChatMessage> messages(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("\"messages\" must be a non-empty array of {\"role\", \"content\"}");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m) || !(m.get("role") instanceof String role)
                    || !(m.get("content") instanceof String content)) {
                throw new IllegalArgumentException("message " + i + " must be an object with a string \"role\" and \"content\"");
            }
            ChatMessage.Role r = switch (role) {
                case "system" -> ChatMessage.Role.SYSTEM;
                case "user" -> ChatMessage.Role.USER;
                case "assistant" -> ChatMessage.Role.ASSISTANT;
                default -> throw new IllegalArgumentException("message " + i + ": role \"" + role
                        + "\" is not system, user or assistant");
            };
            messages.add(new ChatMessage(r, content));
        }
        return messages;
    }
}
