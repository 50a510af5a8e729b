package dev.cove.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading suites: each case's fields and checks, and a clear error with the line for each kind of bad input. */
class EvalSuiteTest {

    private static EvalSuite parse(String jsonl) {
        return EvalSuite.parseJsonLines("s.jsonl", jsonl, "rougeL");
    }

    private static void refused(String jsonl, String message) {
        assertThatThrownBy(() -> parse(jsonl)).isInstanceOf(EvalSuiteException.class).hasMessageContaining(message);
    }

    @Test
    void readsCasesAndTheirChecks() {
        EvalSuite s = parse("""
                {"id": "a", "prompt": "Hi", "expected": "there", "tags": ["t1"], "max_tokens": 5, "stop": ["."]}

                {"prompt": "Hi", "expected": ["x", "y"], "metrics": ["exact", {"name": "bleu", "tokenize": "intl", "threshold": 20}]}
                {"messages": [{"role": "user", "content": "q"}], "metric": "json_schema", "schema": {"type": "object"}, "threshold": 1}
                {"prompt": "Hi", "expected": "a", "metric": {"name": "rougeL", "stem": true}, "threshold": 0.5}
                """);
        assertThat(s.cases()).hasSize(4);
        EvalCase a = s.cases().get(0);
        assertThat(a.id()).isEqualTo("a");
        assertThat(a.checks()).extracting(Check::label).containsExactly("rougeL");
        assertThat(a.checks().get(0).threshold()).isNull();
        assertThat(a.maxTokens()).isEqualTo(5);
        EvalCase b = s.cases().get(1);
        assertThat(b.id()).isEqualTo("line-3");
        assertThat(b.line()).isEqualTo(3);
        assertThat(b.checks()).extracting(Check::label).containsExactly("exact", "bleu[tokenize=intl]");
        assertThat(b.checks().get(1).threshold()).isEqualTo(20.0);
        assertThat(s.cases().get(2).messages()).hasSize(1);
        assertThat(s.cases().get(3).checks().get(0).label()).isEqualTo("rougeL[stem=true]");
        assertThat(s.cases().get(3).checks().get(0).threshold()).isEqualTo(0.5);
    }

    @Test
    void textMetricsScore() {
        EvalSuite s = parse("""
                {"prompt": "p", "expected": ["Paris", "paris."], "metrics": ["exact", {"name": "exact", "ignore_case": true, "label": "ci"}]}
                {"prompt": "p", "expected": "\\\\d{4}", "metric": "regex"}
                {"prompt": "p", "metric": "json_schema", "schema": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}}
                """);
        Check exact = s.cases().get(0).checks().get(0);
        Check ignoreCase = s.cases().get(0).checks().get(1);
        assertThat(exact.text().score("  Paris\n")).isEqualTo(1);
        assertThat(exact.text().score("PARIS")).isEqualTo(0);
        assertThat(ignoreCase.text().score("PARIS.")).isEqualTo(1);
        Check regex = s.cases().get(1).checks().get(0);
        assertThat(regex.text().score("in 1969 they")).isEqualTo(1);
        assertThat(regex.text().score("in the sixties")).isEqualTo(0);
        Check schema = s.cases().get(2).checks().get(0);
        assertThat(schema.text().score("{\"a\": 3}")).isEqualTo(1);
        assertThat(schema.text().score("{\"a\": \"3\"}")).isEqualTo(0);
        assertThat(schema.text().score("{\"a\": 3} and more")).isEqualTo(0);
    }

    @Test
    void thresholdsPassInTheMetricsDirection() {
        Check rouge = parse("{\"prompt\": \"p\", \"expected\": \"e\", \"threshold\": 0.5}").cases().get(0).checks().get(0);
        assertThat(rouge.passes(0.5)).isTrue();
        assertThat(rouge.passes(0.49)).isFalse();
        assertThat(rouge.passes(Double.NaN)).isFalse();
        Check kl = parse("{\"prompt\": \"p\", \"expected\": \"e\", \"metric\": \"kl\", \"threshold\": 0.1}").cases().get(0).checks().get(0);
        assertThat(kl.passes(0.05)).isTrue();
        assertThat(kl.passes(0.2)).isFalse();
    }

    @Test
    void badInputNamesTheLine() {
        refused("{\"prompt\": \"p\", \"expected\": \"e\"}\n{\"prompt\": \"p\", \"expected\": }", "s.jsonl:2: not a JSON object");
        refused("[1, 2]", "s.jsonl:1: a case is a JSON object, not an array");
        refused("{\"prompt\": \"p\", \"expected\": \"e\", \"metric\": \"meteor\"}", "s.jsonl:1: unknown metric 'meteor'");
        refused("{\"prompt\": \"p\", \"metric\": \"rougeL\"}", "s.jsonl:1: metric rougeL needs \"expected\"");
        refused("{\"prompt\": \"p\", \"expected\": \"e\", \"treshold\": 1}", "unknown field \"treshold\"");
        refused("{\"expected\": \"e\"}", "needs a \"prompt\" or \"messages\"");
        refused("{\"prompt\": \"p\", \"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"expected\": \"e\"}", "both \"prompt\" and \"messages\"");
        refused("{\"messages\": [{\"role\": \"robot\", \"content\": \"q\"}], \"expected\": \"e\"}", "unknown role \"robot\"");
        refused("{\"id\": \"x\", \"prompt\": \"p\", \"expected\": \"e\"}\n{\"id\": \"x\", \"prompt\": \"q\", \"expected\": \"e\"}",
                "s.jsonl:2: the id \"x\" is already used");
        refused("{\"prompt\": \"p\", \"expected\": \"(\", \"metric\": \"regex\"}", "is not a valid regular expression");
        refused("{\"prompt\": \"p\", \"expected\": \"e\", \"threshold\": \"high\"}", "\"threshold\" must be a number");
        refused("{\"prompt\": \"p\", \"metric\": \"json_schema\"}", "needs a \"schema\" object");
        refused("{\"prompt\": \"p\", \"metric\": \"json_schema\", \"schema\": {\"type\": \"object\", \"patternProperties\": {}}}",
                "the schema cannot be checked");
        refused("{\"prompt\": \"p\", \"expected\": \"e\", \"metric\": {\"name\": \"bleu\", \"stem\": true}}",
                "metric bleu has no parameter \"stem\"");
        refused("{\"prompt\": \"p\", \"expected\": \"e\", \"metric\": {\"name\": \"bleu\", \"tokenize\": \"moses\"}}",
                "unknown BLEU tokenizer 'moses'");
        refused("{\"prompt\": \"p\", \"expected\": \"e\", \"metrics\": [\"bleu\", \"bleu\"]}", "the metric bleu is given twice");
        refused("{\"prompt\": \"p\", \"expected\": \"e\", \"max_tokens\": 0}", "\"max_tokens\" must be a whole number");
        refused("{\"prompt\": \"\", \"expected\": \"e\"}", "the prompt is empty");
        refused("\n\n", "s.jsonl: the suite has no cases");
    }

    @Test
    void errorsDoNotQuoteThePrompt() {
        assertThatThrownBy(() -> parse("{\"prompt\": \"my secret note\", \"expected\": \"e\", \"metric\": \"nope\"}"))
                .message().doesNotContain("secret");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> EvalSuite.read(dir.resolve("none.jsonl"), "rougeL")).hasMessageContaining("no such suite file");
    }
}
