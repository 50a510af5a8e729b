// Writes cove-core/src/main/resources/dev/cove/core/tokenizer/unicode-categories.txt: the
// general category of every code point in Unicode 15.1, the version of llama.cpp's own table
// (src/unicode-data.cpp, which has CJK Extension I of 15.1 and none of 16.0's additions), so
// that Cove's pre-tokenizers split text as llama.cpp does whatever Unicode version the JDK has.
//
//   node tools/tokenizer/unicode-categories.mjs [--unicode DIR]
//
//   --unicode  the @unicode/unicode-15.1.0 npm package (default /tmp/tokjs/node_modules/@unicode/unicode-15.1.0)
//
// Format: '#' comment lines, then one line per run of code points of one class, "START CLASS"
// with START in hex and CLASS one of N L M P S Z C U (number, letter, mark, punctuation, symbol,
// separator, other = control/format/private use/surrogate, U = unassigned); a run ends where the
// next begins, the last at U+10FFFF. Whitespace is not in the table (CodepointFlags lists it).
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const argv = process.argv.slice(2);
const dir = argv[0] === "--unicode" ? argv[1] : "/tmp/tokjs/node_modules/@unicode/unicode-15.1.0";
const CLASSES = {
  N: ["Decimal_Number", "Letter_Number", "Other_Number"],
  L: ["Uppercase_Letter", "Lowercase_Letter", "Titlecase_Letter", "Modifier_Letter", "Other_Letter"],
  M: ["Nonspacing_Mark", "Spacing_Mark", "Enclosing_Mark"],
  P: ["Connector_Punctuation", "Dash_Punctuation", "Open_Punctuation", "Close_Punctuation", "Initial_Punctuation",
    "Final_Punctuation", "Other_Punctuation"],
  S: ["Math_Symbol", "Currency_Symbol", "Modifier_Symbol", "Other_Symbol"],
  Z: ["Space_Separator", "Line_Separator", "Paragraph_Separator"],
  C: ["Control", "Format", "Private_Use", "Surrogate"],
};
const cls = new Array(0x110000).fill("U");
for (const [c, cats] of Object.entries(CLASSES)) {
  for (const cat of cats) {
    const mod = await import(pathToFileURL(join(dir, "General_Category", cat, "code-points.mjs")).href);
    for (const cp of mod.default) {
      cls[cp] = c;
    }
  }
}
const lines = ["# Unicode 15.1 general categories of all code points, by runs: START(hex) CLASS",
  "# N number, L letter, M mark, P punctuation, S symbol, Z separator, C other (Cc Cf Co Cs), U unassigned",
  "# written by tools/tokenizer/unicode-categories.mjs from the @unicode/unicode-15.1.0 npm package"];
for (let cp = 0; cp < cls.length; cp++) {
  if (cp === 0 || cls[cp] !== cls[cp - 1]) {
    lines.push(cp.toString(16).toUpperCase() + " " + cls[cp]);
  }
}
writeFileSync(join(repo, "cove-core/src/main/resources/dev/cove/core/tokenizer/unicode-categories.txt"), lines.join("\n") + "\n");
console.log(`${lines.length - 3} runs`);
