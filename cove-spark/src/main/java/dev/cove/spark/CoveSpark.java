package dev.cove.spark;

import dev.cove.core.CoveException;
import dev.cove.core.batch.BatchResult;
import dev.cove.secure.redact.Redactor;
import dev.cove.secure.store.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Cove on Apache Spark: generation over a DataFrame, and SQL functions.
 *
 * <pre>{@code
 * Map<String, String> options = Map.of("model", "/models/tinyllama.Q4_0.gguf", "max_tokens", "64");
 * Dataset<Row> answered = CoveSpark.generate(notes, "prompt", options);   // + text, prompt_tokens, ...
 * CoveSpark.register(spark, "/models/tinyllama.Q4_0.gguf", Map.of());
 * spark.sql("SELECT id, cove_generate(prompt).text FROM notes");
 * }</pre>
 *
 * <p>Each executor JVM loads the model once (memory-mapped, through the trust policy; see
 * {@link ExecutorModels}) and its tasks share it. {@link #generate} runs each partition's rows
 * through the batched decode path ({@code parallel} sequences per step); a row's result depends
 * only on the row and the seed, never on the partitioning. The SQL functions take one row per
 * call (Spark's Java UDFs are called row by row), so they give the same results unbatched.
 */
public final class CoveSpark {
    private CoveSpark() {
    }

    /**
     * {@code df} with the generation of each row of {@code column} in the columns {@code text},
     * {@code prompt_tokens}, {@code completion_tokens}, {@code finish_reason} and {@code error}
     * (null unless that row failed). A string column is a prompt to continue; an
     * {@code array<struct<role: string, content: string>>} column is a conversation to answer.
     */
    public static Dataset<Row> generate(Dataset<Row> df, String column, Map<String, String> options) {
        CoveSparkOptions parsed = CoveSparkOptions.fromMap(options);
        StructType in = df.schema();
        int index = fieldIndex(in, column);
        DataType type = in.fields()[index].dataType();
        boolean chat = isConversation(type);
        if (!chat && !type.equals(DataTypes.StringType)) {
            throw new CoveException("column " + column + " is " + type.simpleString()
                    + ": give a string (a prompt) or an array<struct<role, content>> (a conversation)");
        }
        StructType out = in;
        for (StructField f : RowGeneration.RESULT.fields()) {
            if (List.of(in.fieldNames()).contains(f.name())) {
                throw new CoveException("the DataFrame has a column " + f.name() + " already: rename it first");
            }
            out = out.add(f);
        }
        return df.mapPartitions(new Partition(parsed, index, chat), Encoders.row(out));
    }

    /** Each partition's rows through {@link RowGeneration}, each input row followed by its result's fields. */
    private record Partition(CoveSparkOptions options, int column, boolean chat)
            implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            List<Row> input = new ArrayList<>();
            List<Object> prompts = new ArrayList<>();
            while (rows.hasNext()) {
                Row row = rows.next();
                input.add(row);
                if (row.isNullAt(column)) {
                    prompts.add(null);
                } else {
                    prompts.add(chat ? RowGeneration.messages(row.getList(column)) : row.getString(column));
                }
            }
            if (input.isEmpty()) {
                return List.<Row>of().iterator();
            }
            List<BatchResult> results = RowGeneration.run(options, prompts);
            List<Row> out = new ArrayList<>(input.size());
            for (int i = 0; i < input.size(); i++) {
                Row row = input.get(i);
                Object[] values = new Object[row.length() + RowGeneration.RESULT.size()];
                for (int c = 0; c < row.length(); c++) {
                    values[c] = row.get(c);
                }
                System.arraycopy(RowGeneration.values(results.get(i)), 0, values, row.length(),
                        RowGeneration.RESULT.size());
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        }
    }

    /**
     * Registers {@code cove_generate(prompt)} and {@code cove_chat(messages)} (each a struct of
     * text, prompt_tokens, completion_tokens, finish_reason, error), {@code cove_embed(text)}
     * (array of float, null for a text that cannot be embedded) and {@code cove_redact(text)} (the
     * text with personal data masked) with {@code spark}, for the model at {@code modelPath}
     * (or, when {@code options} name one, the model they name).
     */
    public static void register(SparkSession spark, String modelPath, Map<String, String> options) {
        Map<String, String> all = new LinkedHashMap<>(options);
        all.putIfAbsent("model", modelPath);
        CoveSparkOptions parsed = CoveSparkOptions.fromMap(all);
        CoveSparkOptions oneAtATime = CoveSparkOptions.fromMap(withParallel(all));
        spark.udf().register("cove_generate", (UDF1<String, Row>) prompt ->
                RowGeneration.toRow(RowGeneration.run(oneAtATime, java.util.Collections.singletonList(prompt)).getFirst()),
                RowGeneration.RESULT);
        spark.udf().register("cove_chat", (UDF1<scala.collection.Seq<Row>, Row>) messages -> {
            Object conversation = messages == null ? null
                    : RowGeneration.messages(scala.jdk.javaapi.CollectionConverters.asJava(messages));
            return RowGeneration.toRow(RowGeneration.run(oneAtATime, java.util.Collections.singletonList(conversation))
                    .getFirst());
        }, RowGeneration.RESULT);
        spark.udf().register("cove_embed", (UDF1<String, float[]>) text -> text == null ? null : embed(parsed, text),
                DataTypes.createArrayType(DataTypes.FloatType, false));
        spark.udf().register("cove_redact", (UDF1<String, String>) text ->
                text == null ? null : Redactor.standard().redact(text).text(), DataTypes.StringType);
    }

    private static Map<String, String> withParallel(Map<String, String> options) {
        Map<String, String> m = new LinkedHashMap<>(options);
        m.put("parallel", "1");
        return m;
    }

    private static float[] embed(CoveSparkOptions options, String text) {
        ExecutorModels.Loaded loaded = ExecutorModels.get(options);
        int context = options.contextLength() > 0 ? options.contextLength()
                : Math.min(loaded.model().config().contextLength(), 4096);
        try {
            return new Embedder(loaded.model(), context).embed(text);
        } catch (IllegalArgumentException e) {
            return null; // an empty or too long text has no embedding; the row stays
        }
    }

    /**
     * Ships the model to every executor with {@code SparkContext.addFile} and returns
     * {@code options} naming Spark's copy of it and its SHA-256, which each executor checks before
     * loading it: a damaged or missing copy fails the task with the reason, never a wrong answer.
     */
    public static Map<String, String> distribute(SparkSession spark, Path model, Map<String, String> options) {
        if (!Files.isRegularFile(model)) {
            throw new CoveException(model + ": no such file");
        }
        spark.sparkContext().addFile(model.toAbsolutePath().toString());
        Map<String, String> m = new LinkedHashMap<>(options);
        m.put("model", model.getFileName().toString());
        m.put("distributed", "true");
        m.put("sha256", Sha256.of(model).sha256Hex());
        return m;
    }

    private static int fieldIndex(StructType schema, String column) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(column)) {
                return i;
            }
        }
        throw new CoveException("the DataFrame has no column " + column + " (it has " + String.join(", ",
                schema.fieldNames()) + ")");
    }

    private static boolean isConversation(DataType type) {
        if (!(type instanceof ArrayType array) || !(array.elementType() instanceof StructType message)) {
            return false;
        }
        List<String> names = List.of(message.fieldNames());
        return names.contains("role") && names.contains("content");
    }
}
