/**
 * Constrained decoding: llama.cpp's GBNF grammars and JSON schemas, applied to the logits so that
 * the output is always a string of the grammar.
 *
 * <ul>
 *   <li>{@link dev.cove.core.grammar.Grammar}: parse GBNF ({@code Grammar.parse}), convert a JSON
 *       schema ({@code Grammar.fromJsonSchema}, see {@link dev.cove.core.grammar.json.JsonSchemaGrammar})
 *       or take any JSON object ({@code Grammar.anyJsonObject}); {@code Grammar.jsonSchemaBetween}
 *       puts fixed text around a schema's JSON (a forced tool call). Compiled once, immutable,
 *       shared.</li>
 *   <li>{@link dev.cove.core.grammar.TokenConstraint}: one generation's automaton state; masks a
 *       row of logits and advances by the sampled token. Set it through
 *       {@link dev.cove.core.generate.GenerationOptions#grammar} rather than by hand.</li>
 * </ul>
 *
 * <p>How it runs. The grammar is llama.cpp's pushdown automaton: a state is a set of parse stacks
 * (persistent linked lists sharing their tails) plus a pending partial UTF-8 character, advanced
 * byte by byte with strict UTF-8. Per vocabulary a {@code TokenTrie} holds the token bytes in
 * sorted order; the mask of a state walks it once, reusing the state reached after each shared
 * prefix, skipping every token below a rejected byte, and computing each byte transition once
 * per walk. Masks are cached per state (64 MiB per grammar and vocabulary, least recently used
 * out), so repeated states (inside strings, digit runs, the same object shape again) cost a
 * lookup and one pass over the row. Limits keep hostile input bounded: see {@code Grammar}.
 */
package dev.cove.core.grammar;
