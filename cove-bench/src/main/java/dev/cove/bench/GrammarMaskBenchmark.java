package dev.cove.bench;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.grammar.TokenConstraint;
import dev.cove.core.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The grammar's cost per generated token, without a model: a constrained generation of a JSON
 * document is replayed on a vocabulary, and each step's mask ({@link TokenConstraint#apply} on a
 * full row of logits) and advance ({@link TokenConstraint#accept}) are timed. The token at each
 * step is the longest allowed token that spells the document onward (untimed), as a model
 * writing that text would pick. Reported for a fresh grammar (every state's mask computed for the
 * first time: the first request with a schema) and for the same grammar again (masks cached: the
 * following requests).
 *
 * <pre>java -cp cove-core/target/classes:cove-bench/target/classes dev.cove.bench.GrammarMaskBenchmark VOCAB.gguf...</pre>
 */
public final class GrammarMaskBenchmark {
    private static final String SCHEMA = """
            {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},
            "email":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},
            "address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},
            "zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["street","city","zip"],"additionalProperties":false},
            "active":{"type":"boolean"},"score":{"type":"number"}},
            "required":["name","age","email","tags","address","active","score"],"additionalProperties":false}""";
    private static final String DOCUMENT = "{\"name\": \"Ada Lovelace\", \"age\": 36, \"email\": \"ada@example.org\","
            + " \"tags\": [\"mathematics\", \"engines\", \"poetry of science\"], \"address\": {\"street\":"
            + " \"12 St James's Square\", \"city\": \"London\", \"zip\": \"10001\"}, \"active\": true, \"score\": 98.25}";

    private GrammarMaskBenchmark() {
    }

    public static void main(String[] args) {
        for (String vocab : args) {
            Tokenizer tokenizer;
            try (GgufFile f = GgufFile.open(Path.of(vocab))) {
                tokenizer = Tokenizer.fromGguf(f.metadata());
            }
            int n = tokenizer.vocabulary().size();
            byte[][] bytes = new byte[n][];
            for (int t = 0; t < n; t++) {
                bytes[t] = tokenizer.tokenBytes(t);
            }
            long trieStart = System.nanoTime();
            Grammar.anyJsonObject().constrain(tokenizer); // builds the vocabulary's trie once
            double trieMs = (System.nanoTime() - trieStart) / 1e6;
            System.out.printf(Locale.ROOT, "%s: %d tokens, trie and first constraint %.0f ms%n",
                    Path.of(vocab).getFileName(), n, trieMs);
            for (String kind : new String[] {"json-object", "json-schema"}) {
                Grammar g = kind.equals("json-object") ? Grammar.anyJsonObject() : Grammar.fromJsonSchema(SCHEMA);
                for (String pass : new String[] {"fresh grammar", "cached masks", "cached masks"}) {
                    Run r = replay(g.constrain(tokenizer), bytes, n);
                    System.out.printf(Locale.ROOT, "  %-12s %-14s %4d tokens: mask %8.1f us/token (max %8.1f), accept %6.1f us/token%n",
                            kind, pass, r.tokens, r.maskNanos / 1e3 / r.tokens, r.maxMaskNanos / 1e3,
                            r.acceptNanos / 1e3 / r.tokens);
                }
            }
        }
    }

    private record Run(int tokens, long maskNanos, long maxMaskNanos, long acceptNanos) {
    }

    private static Run replay(TokenConstraint c, byte[][] bytes, int n) {
        byte[] target = DOCUMENT.getBytes(StandardCharsets.UTF_8);
        float[] logits = new float[n];
        int pos = 0;
        int tokens = 0;
        long mask = 0;
        long maxMask = 0;
        long accept = 0;
        while (pos < target.length) {
            Arrays.fill(logits, 0f);
            long t0 = System.nanoTime();
            c.apply(logits, n);
            long t1 = System.nanoTime();
            int best = -1;
            for (int t = 0; t < n; t++) {
                byte[] b = bytes[t];
                if (logits[t] == 0f && b.length > 0 && pos + b.length <= target.length
                        && (best < 0 || b.length > bytes[best].length)
                        && Arrays.equals(b, 0, b.length, target, pos, pos + b.length)) {
                    best = t;
                }
            }
            if (best < 0) {
                throw new IllegalStateException("no allowed token spells the document at byte " + pos);
            }
            long t2 = System.nanoTime();
            c.accept(best);
            long t3 = System.nanoTime();
            mask += t1 - t0;
            maxMask = Math.max(maxMask, t1 - t0);
            accept += t3 - t2;
            pos += bytes[best].length;
            tokens++;
        }
        return new Run(tokens, mask, maxMask, accept);
    }
}
