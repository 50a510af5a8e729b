package dev.cove.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.Model;
import dev.cove.core.batch.BatchGenerator;
import dev.cove.core.batch.BatchResult;
import dev.cove.core.batch.BatchRow;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.secure.sign.CoveSignature;
import dev.cove.secure.sign.KeyAlgorithm;
import dev.cove.secure.sign.PemKeys;
import dev.cove.secure.sign.Signer;
import dev.cove.secure.sign.TrustPolicy;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.Sha256;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cove on Spark in local[2] with stories260K: the DataFrame API, the SQL functions, distribution and the trust policy. */
class CoveSparkTest {
    private static final String[] STARTS = {"Once upon a time", "The little dog", "Lily and Ben went to the park",
        "One day, a cat", "Tom had a red ball", "The sun was"};
    private static final int ROWS = 2000;
    private static SparkSession spark;
    private static Path stories;
    @TempDir
    static Path home;

    @BeforeAll
    static void start() {
        stories = storiesPath();
        spark = SparkSession.builder().master("local[2]").appName("cove-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static Path storiesPath() {
        for (Path p : new Path[] {Path.of("../../shared/models/stories260K/stories260K.gguf"),
                Path.of("../shared/models/stories260K/stories260K.gguf")}) {
            if (Files.exists(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        assumeTrue(false, "../shared is absent: skipping");
        return null;
    }

    private static Map<String, String> options() {
        return Map.of("model", stories.toString(), "max_tokens", "8", "context", "128", "threads", "1",
                "trust_policy", "off", "cove_home", home.resolve("store").toString());
    }

    private static String prompt(int i) {
        return i == 77 ? "The dog ran. ".repeat(60) : i == 1234 ? null : STARTS[i % STARTS.length];
    }

    private static Dataset<Row> prompts() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create("id-" + i, prompt(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType, false).add("prompt", DataTypes.StringType, true);
        return spark.createDataFrame(rows, schema);
    }

    /** id to the result fields text, prompt_tokens, completion_tokens, finish_reason, error. */
    private static Map<String, List<Object>> byId(Dataset<Row> answered) {
        Map<String, List<Object>> m = new HashMap<>();
        for (Row r : answered.collectAsList()) {
            List<Object> fields = List.of(String.valueOf((Object) r.getAs("text")), r.getAs("prompt_tokens"),
                    r.getAs("completion_tokens"), String.valueOf((Object) r.getAs("finish_reason")), String.valueOf((Object) r.getAs("error")));
            assertThat(m.put(r.getAs("id"), fields)).as("each id once").isNull();
        }
        return m;
    }

    @Test
    void everyRowIsAnsweredAsTheBatchGeneratorAnswersItOnAnyPartitioning() {
        Map<String, List<Object>> two = byId(CoveSpark.generate(prompts().repartition(2), "prompt", options()));
        assertThat(two).hasSize(ROWS);
        assertThat(byId(CoveSpark.generate(prompts().coalesce(1), "prompt", options()))).isEqualTo(two);
        assertThat(byId(CoveSpark.generate(prompts().repartition(4), "prompt", options()))).isEqualTo(two);

        // What cove batch's generator gives for the same rows, options and seed, in this JVM.
        List<BatchRow> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if (prompt(i) != null) {
                rows.add(BatchRow.ofPrompt("id-" + i, prompt(i)));
            }
        }
        GenerationOptions generation = GenerationOptions.defaults().sampling(SamplingOptions.defaults().seed(0))
                .maxTokens(8).contextLength(128);
        try (Model model = Model.load(stories, 1)) {
            for (BatchResult r : new BatchGenerator(model, generation, 16).runAll(rows)) {
                assertThat(two.get(r.id())).as(r.id()).isEqualTo(List.of(String.valueOf(r.text()), r.promptTokens(),
                        r.completionTokens(), String.valueOf(r.finishReason() == null ? null : r.finishReason().wireName()),
                        String.valueOf(r.error())));
            }
        }
        assertThat(two.get("id-77").get(4).toString()).contains("tokens but the context holds 128");
        assertThat(two.get("id-1234").get(4)).isEqualTo("the prompt is null");
        assertThat(two.get("id-0").get(4)).isEqualTo("null");
        assertThat((Integer) two.get("id-0").get(2)).isEqualTo(8);
    }

    @Test
    void conversationsAndTheSqlFunctions() {
        CoveSpark.register(spark, stories.toString(), options());
        spark.createDataFrame(List.of(RowFactory.create(1, "Once upon a time", "Mail jane.doe@example.com today")),
                new StructType().add("id", DataTypes.IntegerType).add("prompt", DataTypes.StringType)
                        .add("note", DataTypes.StringType)).createOrReplaceTempView("notes");
        Row r = spark.sql("SELECT cove_generate(prompt) AS g, cove_redact(note) AS masked, cove_embed(prompt) AS e,"
                + " cove_chat(array(named_struct('role', 'user', 'content', prompt))) AS c,"
                + " cove_chat(array(named_struct('role', 'robot', 'content', prompt))) AS bad FROM notes").first();
        Row g = r.getAs("g");
        assertThat((String) g.getAs("text")).isNotEmpty();
        assertThat((Integer) g.getAs("completion_tokens")).isEqualTo(8);
        assertThat((String) r.getAs("masked")).doesNotContain("jane.doe@example.com").contains("[EMAIL_1]");
        List<Float> embedding = r.getList(r.fieldIndex("e"));
        assertThat(embedding).hasSize(64);
        double norm = embedding.stream().mapToDouble(f -> f * f).sum();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        Row c = r.getAs("c");
        assertThat((String) c.getAs("error")).isNull();
        assertThat((Integer) c.getAs("prompt_tokens")).isGreaterThan(4);
        assertThat((String) ((Row) r.getAs("bad")).getAs("error")).contains("robot");

        // The same text from the DataFrame API as from the SQL function.
        Row batched = CoveSpark.generate(spark.table("notes"), "prompt", options()).first();
        assertThat((String) batched.getAs("text")).isEqualTo(g.getAs("text"));
    }

    @Test
    void aModelDistributedWithAddFileIsCheckedByDigest() throws IOException {
        Path copy = home.resolve("shipped").resolve("stories-copy.gguf");
        Files.createDirectories(copy.getParent());
        Files.copy(stories, copy);
        Map<String, String> shipped = CoveSpark.distribute(spark, copy, options());
        assertThat(shipped).containsEntry("distributed", "true").containsEntry("sha256", Sha256.of(stories).sha256Hex());
        Dataset<Row> few = prompts().limit(10);
        assertThat(CoveSpark.generate(few, "prompt", shipped).filter("error IS NULL").count()).isEqualTo(10);

        Map<String, String> wrongDigest = new HashMap<>(shipped);
        wrongDigest.put("sha256", "0".repeat(64));
        assertThatThrownBy(() -> CoveSpark.generate(few, "prompt", wrongDigest).count())
                .hasMessageContaining("not the " + "0".repeat(64) + " the job expects");
        Map<String, String> missing = new HashMap<>(options());
        missing.put("model", home.resolve("nowhere.gguf").toString());
        assertThatThrownBy(() -> CoveSpark.generate(few, "prompt", missing).count())
                .hasMessageContaining("nowhere.gguf is not there");
    }

    @Test
    void aTamperedSignedModelFailsTheJobWithTheSignatureError() throws IOException {
        Path storeHome = home.resolve("strict");
        ModelStore store = ModelStore.open(storeHome);
        store.config().setTrustPolicy(TrustPolicy.REQUIRE);
        KeyPair signer = PemKeys.generate(KeyAlgorithm.ED25519);
        store.trustStore().add(signer.getPublic(), "release");
        Path signed = home.resolve("signed.gguf");
        Files.copy(stories, signed);
        CoveSignature sig = Signer.sign(signer, Sha256.of(signed), Files.size(signed), "release", Instant.now());
        Files.writeString(signed.resolveSibling("signed.gguf.sig"), sig.toText());
        Map<String, String> strict = Map.of("model", signed.toString(), "max_tokens", "4", "context", "128",
                "threads", "1", "cove_home", storeHome.toString());
        Dataset<Row> few = prompts().limit(6);
        assertThat(CoveSpark.generate(few, "prompt", strict).filter("error IS NULL").count()).as("signed, trusted")
                .isEqualTo(6);

        Path tampered = home.resolve("tampered.gguf");
        Files.copy(signed, tampered);
        Files.copy(signed.resolveSibling("signed.gguf.sig"), tampered.resolveSibling("tampered.gguf.sig"));
        try (RandomAccessFile f = new RandomAccessFile(tampered.toFile(), "rw")) {
            long at = f.length() - 100; // inside the last tensor: the file still parses
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        Map<String, String> tamperedOptions = new HashMap<>(strict);
        tamperedOptions.put("model", tampered.toString());
        assertThatThrownBy(() -> CoveSpark.generate(few, "prompt", tamperedOptions).count())
                .hasMessageContaining("signature");
    }

    @Test
    void badOptionsAndColumnsAreRefusedOnTheDriver() {
        Map<String, String> typo = new HashMap<>(options());
        typo.put("max_token", "3");
        assertThatThrownBy(() -> CoveSpark.generate(prompts(), "prompt", typo)).hasMessageContaining("unknown option \"max_token\"");
        assertThatThrownBy(() -> CoveSpark.generate(prompts(), "nope", options())).hasMessageContaining("no column nope");
        assertThatThrownBy(() -> CoveSpark.generate(prompts().withColumnRenamed("id", "text"), "prompt", options()))
                .hasMessageContaining("has a column text already");
        Map<String, String> badNumber = new HashMap<>(options());
        badNumber.put("temperature", "hot");
        assertThatThrownBy(() -> CoveSpark.generate(prompts(), "prompt", badNumber)).hasMessageContaining("temperature must be a number");
    }
}
