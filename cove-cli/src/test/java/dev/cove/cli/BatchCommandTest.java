package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cove batch} end to end on stories260K: row errors, the same output at any parallelism, resuming. */
class BatchCommandTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void privateStore(@TempDir Path home) {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("COVE_HOME", home.toString());
        SecureCli.useEnvironment(env);
    }

    @AfterAll
    static void restoreEnvironment() {
        SecureCli.useEnvironment(System.getenv());
    }

    private static final String[] STARTS = {"Once upon a time", "The little dog", "Lily and Ben went to the park",
        "One day, a cat", "Tom had a red ball"};

    /** 40 good rows (prompts, conversations, per-row options) and, among them, rows that cannot run. */
    private Path input() throws IOException {
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String line = i % 7 == 3
                    ? "{\"id\": " + i + ", \"messages\": [{\"role\": \"user\", \"content\": \"" + STARTS[i % 5] + "\"}]}"
                    : "{\"id\": \"row-" + i + "\", \"prompt\": \"" + STARTS[i % 5] + "\", \"max_tokens\": " + (4 + i % 9)
                            + (i % 4 == 0 ? ", \"temperature\": 0" : ", \"seed\": " + i) + "}";
            lines.add(line.getBytes(StandardCharsets.UTF_8));
            if (i == 10) {
                lines.add("{\"id\": \"broken\", \"prompt\": ".getBytes(StandardCharsets.UTF_8));
            }
            if (i == 20) {
                lines.add(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
                lines.add(new byte[0]);
                lines.add(("{\"id\": \"long\", \"prompt\": \"" + "The dog ran. ".repeat(60) + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
                lines.add("{\"id\": \"typo\", \"prompt\": \"Hi\", \"max_token\": 3}".getBytes(StandardCharsets.UTF_8));
            }
        }
        Path in = dir.resolve("in.jsonl");
        try (var out = Files.newOutputStream(in)) {
            for (byte[] line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
        return in;
    }

    private static CliTest.Outcome batch(Path in, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("batch", in.toString(), out.toString(), "-m", CliTest.stories(),
                "-c", "128", "-n", "12", "-t", "2"));
        args.addAll(List.of(extra));
        return CliTest.cove(args.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Path out) throws IOException {
        return Files.readAllLines(out).stream().map(l -> (Map<String, Object>) Json.parse(l, "out")).toList();
    }

    @Test
    void everyRowIsAnsweredInOrderAndBadRowsGetTheirOwnError() throws IOException {
        Path in = input();
        Path out = dir.resolve("out.jsonl");
        CliTest.Outcome run = batch(in, out, "--parallel", "16");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("44 rows (4 with an error)");
        assertThat(BatchJournal.partialOf(out)).doesNotExist();
        List<Map<String, Object>> rows = rows(out);
        assertThat(rows).hasSize(44);
        assertThat(rows.get(0).get("id")).isEqualTo("row-0");
        assertThat(rows.get(3).get("id")).isEqualTo(3L);
        assertThat(rows.get(11)).containsEntry("id", Json.NULL).containsEntry("line", 12L).doesNotContainKey("text");
        assertThat((String) rows.get(11).get("error")).startsWith("line 12: invalid JSON");
        assertThat(rows.get(22)).containsEntry("id", Json.NULL).containsEntry("line", 23L)
                .containsEntry("error", "line 23 is not valid UTF-8");
        assertThat((String) rows.get(23).get("error")).contains("tokens but the context holds 128")
                .doesNotContain("dog");
        assertThat((String) rows.get(24).get("error")).contains("unknown field \"max_token\"");
        for (Map<String, Object> row : rows) {
            if (!row.containsKey("error")) {
                assertThat(row).containsKeys("text", "prompt_tokens", "completion_tokens", "finish_reason");
                assertThat((Long) row.get("completion_tokens")).isPositive();
            }
        }
        assertThat(rows.get(0).get("completion_tokens")).isEqualTo(4L);
        assertThat(rows.get(0).get("finish_reason")).isEqualTo("length");
    }

    @Test
    void theOutputIsTheSameOneAtATimeAndSixteenAtOnce() throws IOException {
        Path in = input();
        Path one = dir.resolve("one.jsonl");
        Path sixteen = dir.resolve("sixteen.jsonl");
        assertThat(batch(in, one, "--parallel", "1", "-q").exitCode()).isZero();
        assertThat(batch(in, sixteen, "--parallel", "16", "-q").exitCode()).isZero();
        assertThat(Files.readString(sixteen)).isEqualTo(Files.readString(one));
    }

    @Test
    void anInterruptedJobResumesWithNoRowLostOrDoneTwice() throws IOException {
        Path in = input();
        Path whole = dir.resolve("whole.jsonl");
        assertThat(batch(in, whole, "-q").exitCode()).isZero();

        Path out = dir.resolve("out.jsonl");
        CliTest.Outcome first = batch(in, out, "--max-rows", "7");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("stopped after 7 rows with 37 to go");
        assertThat(out).doesNotExist();
        Path partial = BatchJournal.partialOf(out);
        assertThat(Files.readAllLines(partial)).hasSize(7);
        // The process dies while writing a line: the torn line is not a finished row.
        Files.writeString(partial, "{\"id\": \"row-9\", \"te", StandardOpenOption.APPEND);

        CliTest.Outcome second = batch(in, out, "--max-rows", "20");
        assertThat(second.err()).contains("resuming: 7 of 44 rows are done already");
        assertThat(Files.readAllLines(partial)).hasSize(27);
        CliTest.Outcome third = batch(in, out);
        assertThat(third.exitCode()).as(third.err()).isZero();
        assertThat(third.err()).contains("17 rows");
        assertThat(partial).doesNotExist();
        assertThat(Files.readString(out)).isEqualTo(Files.readString(whole));
    }

    @Test
    void repeatedIdsAndAnExistingOutputAreRefusedBeforeAnyWork() throws IOException {
        Path in = dir.resolve("dup.jsonl");
        Files.writeString(in, "{\"id\": 1, \"prompt\": \"a\"}\n{\"id\": 2, \"prompt\": \"b\"}\n{\"id\": 1, \"prompt\": \"c\"}\n");
        Path out = dir.resolve("out.jsonl");
        CliTest.Outcome dup = batch(in, out);
        assertThat(dup.exitCode()).isEqualTo(1);
        assertThat(dup.err()).contains("lines 1 and 3 have the same id 1");
        assertThat(BatchJournal.partialOf(out)).doesNotExist();

        Files.writeString(out, "keep me");
        CliTest.Outcome exists = batch(in, out);
        assertThat(exists.exitCode()).isEqualTo(1);
        assertThat(exists.err()).contains("exists already");
        assertThat(Files.readString(out)).isEqualTo("keep me");
        assertThat(batch(in, dir.resolve("x.jsonl"), "--parallel", "0").err()).contains("between 1 and 256");
    }
}
