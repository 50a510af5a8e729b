package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.batch.BatchGenerator;
import dev.cove.core.batch.BatchResult;
import dev.cove.core.batch.BatchRow;
import dev.cove.core.batch.BatchStats;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.json.Json;
import dev.cove.core.sample.SamplingOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove batch IN.jsonl OUT.jsonl -m MODEL}: every row of IN through the model, several
 * sequences decoding at once ({@link BatchGenerator}); OUT gets one line per row, in IN's order.
 * Finished rows go to {@code OUT.partial} as they end ({@link BatchJournal}), so an interrupted
 * job, run again, does only the rows not yet done.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Generate an answer for every line of a JSONL file: {\"id\": ..., \"prompt\": \"...\"} (continued as is)"
                + " or {\"id\": ..., \"messages\": [{\"role\": \"user\", \"content\": \"...\"}]} (answered with the model's chat"
                + " format), optionally with max_tokens, temperature and seed.",
            "Each output line keeps the id and adds text, prompt_tokens, completion_tokens and finish_reason, or an error"
                + " for that row alone. A row's text depends only on the row and its seed (default 0), never on the rows"
                + " beside it. Interrupted, the same command resumes from OUT.partial; OUT appears when every row is done."})
final class BatchCommand implements Callable<Integer> {
    /** The seed of rows that give none when --seed is not given either: a batch job is repeatable by default. */
    static final long DEFAULT_SEED = 0;

    @Parameters(index = "0", paramLabel = "IN.jsonl", description = "The rows: one JSON object per line.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.jsonl", description = "Where the results go (must not exist yet).")
    Path output;

    @Option(names = {"-m", "--model"}, required = true, description = "The model: a store name or a GGUF file.")
    String model;

    @Option(names = "--parallel", description = "Sequences generating at once; each weight is read once per step"
            + " for all of them (default: ${DEFAULT-VALUE}).", defaultValue = "16")
    int parallel;

    @Option(names = {"-n", "--n-predict"}, description = "Tokens to generate per row unless the row says; -1 until"
            + " the model stops or the context is full (default: ${DEFAULT-VALUE}).", defaultValue = "256")
    int maxTokens;

    @Option(names = "--max-rows", paramLabel = "N", description = "Finish at most N more rows in this run, then stop"
            + " (run the command again to continue).")
    Integer maxRows;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    SamplingMixin sampling = new SamplingMixin();

    @Mixin
    GrammarMixin grammar = new GrammarMixin();

    @Override
    public Integer call() throws IOException {
        ModelOptions.checkMaxTokens(maxTokens);
        if (parallel < 1 || parallel > 256) {
            throw new CoveException("--parallel must be between 1 and 256, not " + parallel);
        }
        if (maxRows != null && maxRows < 1) {
            throw new CoveException("--max-rows must be 1 or more, not " + maxRows);
        }
        if (!Files.isRegularFile(input)) {
            throw new CoveException(input + ": no such file");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new CoveException("the output must not be the input file");
        }
        if (Files.exists(output)) {
            throw new CoveException(output + " exists already: remove it, or choose another output file");
        }
        dev.cove.core.grammar.Grammar constraint = grammar.load();
        List<String> keys = keysOf(input);
        try (BatchJournal journal = BatchJournal.open(output)) {
            int todo = (int) keys.stream().filter(k -> !journal.isDone(k)).count();
            if (journal.size() > 0) {
                Notices.notice("resuming: " + (keys.size() - todo) + " of " + keys.size() + " rows are done already"
                        + " (" + BatchJournal.partialOf(output).getFileName() + ")");
            }
            int toRun = maxRows == null ? todo : Math.min(todo, maxRows);
            if (toRun > 0) {
                run(journal, toRun, constraint);
            }
            if (keys.stream().allMatch(journal::isDone)) {
                int stale = journal.complete(keys);
                if (stale > 0) {
                    Notices.notice(stale + " finished rows of an earlier run are no longer in " + input.getFileName()
                            + " and were left out");
                }
                return 0;
            }
            int left = (int) keys.stream().filter(k -> !journal.isDone(k)).count();
            Notices.notice("stopped after " + toRun + " rows with " + left + " to go: run the same command again to"
                    + " continue");
            return 0;
        }
    }

    private void run(BatchJournal journal, int toRun, dev.cove.core.grammar.Grammar constraint) {
        SamplingOptions samplingOptions = sampling.toOptions();
        if (sampling.seed == null) {
            samplingOptions = samplingOptions.seed(DEFAULT_SEED);
        }
        try (Model m = modelOptions.load(model);
             JsonlRows.Reader reader = new JsonlRows.Reader(input)) {
            GenerationOptions options = GenerationOptions.defaults()
                    .sampling(samplingOptions)
                    .contextLength(modelOptions.contextFor(m))
                    .maxTokens(maxTokens)
                    .stopStrings(sampling.stop)
                    .grammar(constraint);
            BatchGenerator generator = new BatchGenerator(m, options, parallel);
            RowProgress progress = new RowProgress(toRun);
            Iterator<BatchRow> rows = new PendingRows(reader, journal, toRun, progress);
            BatchStats stats = generator.run(rows, result -> {
                journal.append(result.id(), toJson(result));
                progress.rowDone(result.completionTokens(), result.failed());
            });
            progress.finished();
            if (!Notices.quiet()) {
                System.err.println(summary(stats, ((PendingRows) rows).unreadable));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(input + ": " + e.getMessage(), e);
        }
    }

    /** The keys of the input's rows in order; refuses a file where two rows share an id. */
    static List<String> keysOf(Path file) throws IOException {
        List<String> keys = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        try (JsonlRows.Reader reader = new JsonlRows.Reader(file)) {
            while (reader.hasNext()) {
                JsonlRows.Entry e = reader.next();
                Integer earlier = lines.put(e.key(), e.line());
                if (earlier != null) {
                    throw new CoveException(file + ": lines " + earlier + " and " + e.line() + " have the same id "
                            + e.key() + ": ids must be unique, so that a resumed job knows which rows are done");
                }
                keys.add(e.key());
            }
        }
        return keys;
    }

    /**
     * The input's rows not yet done, at most {@code limit} of them; a line that is no row (not
     * UTF-8, not JSON, a bad field) is journalled with its error as it goes by and counts as done.
     */
    private static final class PendingRows implements Iterator<BatchRow> {
        private final JsonlRows.Reader reader;
        private final BatchJournal journal;
        private final RowProgress progress;
        private int left;
        private BatchRow next;
        int unreadable;

        PendingRows(JsonlRows.Reader reader, BatchJournal journal, int limit, RowProgress progress) {
            this.reader = reader;
            this.journal = journal;
            this.left = limit;
            this.progress = progress;
        }

        @Override
        public boolean hasNext() {
            while (next == null && left > 0 && reader.hasNext()) {
                JsonlRows.Entry e = reader.next();
                if (journal.isDone(e.key())) {
                    continue;
                }
                left--;
                if (e.row() != null) {
                    next = e.row();
                } else {
                    unreadable++;
                    journal.append(e.key(), errorJson(e));
                    progress.rowDone(0, true);
                }
            }
            return next != null;
        }

        @Override
        public BatchRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            BatchRow row = next;
            next = null;
            return row;
        }
    }

    static String toJson(BatchResult r) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", Json.parse(r.id(), "id"));
        if (r.failed()) {
            line.put("error", r.error());
            if (r.promptTokens() > 0) {
                line.put("prompt_tokens", (long) r.promptTokens());
            }
        } else {
            line.put("text", r.text());
            line.put("prompt_tokens", (long) r.promptTokens());
            line.put("completion_tokens", (long) r.completionTokens());
            line.put("finish_reason", r.finishReason().wireName());
        }
        return Json.write(line);
    }

    private static String errorJson(JsonlRows.Entry e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", e.id() == null ? Json.NULL : e.id());
        if (e.id() == null) {
            line.put("line", (long) e.line());
        }
        line.put("error", e.error());
        return Json.write(line);
    }

    private static String summary(BatchStats stats, int unreadable) {
        int failed = stats.failedRows() + unreadable;
        return String.format(Locale.ROOT, "%d rows%s: %d prompt and %d generated tokens in %.1f s, %.1f generated tokens/s",
                stats.rows() + unreadable, failed > 0 ? " (" + failed + " with an error)" : "", stats.promptTokens(),
                stats.completionTokens(), stats.nanos() / 1e9, stats.completionTokensPerSecond());
    }
}
