package dev.cove.spark;

import dev.cove.core.batch.BatchGenerator;
import dev.cove.core.batch.BatchResult;
import dev.cove.core.batch.BatchRow;
import dev.cove.core.batch.BatchStats;
import dev.cove.core.chat.ChatMessage;
import dev.cove.secure.RequestKind;
import dev.cove.secure.redact.Redactor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runs rows of a Spark job through {@link BatchGenerator} on this executor's shared model:
 * masking personal data first when the job asks, and writing one audit record per call when it
 * asks. A row that cannot run gets its error in the {@code error} field of its own result.
 */
final class RowGeneration {
    /** The fields {@code CoveSpark.generate} adds and {@code cove_generate} / {@code cove_chat} return. */
    static final StructType RESULT = new StructType(new StructField[] {
        DataTypes.createStructField("text", DataTypes.StringType, true),
        DataTypes.createStructField("prompt_tokens", DataTypes.IntegerType, false),
        DataTypes.createStructField("completion_tokens", DataTypes.IntegerType, false),
        DataTypes.createStructField("finish_reason", DataTypes.StringType, true),
        DataTypes.createStructField("error", DataTypes.StringType, true)});

    /** A row that cannot run, and why. */
    record RowError(String message) {
    }

    private RowGeneration() {
    }

    /**
     * The results of {@code rows}, in their order. Each element is a prompt (String) or a
     * conversation ({@code List<ChatMessage>}); null or a {@link RowError} gives an error result.
     */
    static List<BatchResult> run(CoveSparkOptions options, List<Object> rows) {
        ExecutorModels.Loaded loaded = ExecutorModels.get(options);
        BatchGenerator generator = new BatchGenerator(loaded.model(),
                options.generation(loaded.model().config().contextLength()), options.parallel());
        Redactor redactor = options.redact() ? Redactor.standard() : null;
        List<BatchRow> batch = new ArrayList<>(rows.size());
        BatchResult[] results = new BatchResult[rows.size()];
        boolean chat = false;
        for (int i = 0; i < rows.size(); i++) {
            String id = Integer.toString(i);
            Object row = rows.get(i);
            if (row instanceof String prompt) {
                batch.add(BatchRow.ofPrompt(id, redactor == null ? prompt : redactor.redact(prompt).text()));
            } else if (row instanceof List<?> list) {
                chat = true;
                List<ChatMessage> messages = new ArrayList<>();
                for (Object m : list) {
                    ChatMessage message = (ChatMessage) m;
                    messages.add(redactor == null ? message
                            : new ChatMessage(message.role(), redactor.redact(message.content()).text()));
                }
                batch.add(BatchRow.ofMessages(id, messages));
            } else {
                results[i] = BatchResult.failed(id, 0, row instanceof RowError e ? e.message() : "the prompt is null");
            }
        }
        Instant started = Instant.now();
        BatchStats stats = generator.run(batch.iterator(), r -> results[Integer.parseInt(r.id())] = r);
        if (options.audit()) {
            PartitionAudit.record(options, loaded.digest(), chat ? RequestKind.CHAT : RequestKind.COMPLETION, started,
                    stats);
        }
        return List.of(results);
    }

    /** A result as the {@link #RESULT} struct's values. */
    static Object[] values(BatchResult r) {
        return new Object[] {r.text(), r.promptTokens(), r.completionTokens(),
            r.finishReason() == null ? null : r.finishReason().wireName(), r.error()};
    }

    static Row toRow(BatchResult r) {
        return RowFactory.create(values(r));
    }

    /** A conversation column's value ({@code array<struct<role, content>>}) as messages, or the {@link RowError} that says what is wrong. */
    static Object messages(List<Row> value) {
        if (value == null || value.isEmpty()) {
            return new RowError("the conversation is empty");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (Row m : value) {
            String role = m == null ? null : m.getAs("role");
            String content = m == null ? null : m.getAs("content");
            if (role == null || content == null) {
                return new RowError("each message needs a role and a content");
            }
            ChatMessage.Role r;
            switch (role.toLowerCase(Locale.ROOT)) {
                case "system" -> r = ChatMessage.Role.SYSTEM;
                case "user" -> r = ChatMessage.Role.USER;
                case "assistant" -> r = ChatMessage.Role.ASSISTANT;
                default -> {
                    return new RowError("role \"" + role + "\" is not system, user or assistant");
                }
            }
            messages.add(new ChatMessage(r, content));
        }
        return messages;
    }
}
