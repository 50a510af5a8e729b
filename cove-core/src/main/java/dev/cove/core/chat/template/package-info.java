/**
 * A sandboxed Jinja engine for Hugging Face chat templates: {@link
 * dev.cove.core.chat.template.ChatTemplate} compiles a template's source and renders it byte for
 * byte as transformers' {@code apply_chat_template} does (Python's jinja2 in an immutable sandbox
 * with {@code trim_blocks}, {@code lstrip_blocks}, loop controls, {@code tojson} keeping
 * non-ASCII, {@code raise_exception} and {@code strftime_now}).
 *
 * <p><b>Pieces.</b> {@code Lexer} (whitespace control as jinja2 configures it), {@code Parser}
 * (tokens to a tree of {@code Node} statements and {@code Expr} expressions), {@code Evaluator}
 * (one per render: output, scopes, limit counters), and the value model: {@code Py} (Python
 * semantics: truthiness, {@code str}/{@code repr}, equality, ordering), {@code Values} (sandboxed
 * attribute and item access, slicing, iteration), {@code Operators}, {@code Filters} and
 * {@code TextFilters}, {@code Tests}, {@code Methods} (dict/list methods) and {@code StrMethods},
 * {@code Globals}, {@code FormatSpec} (Python's format specs, for {@code str.format} and {@code %}),
 * {@code JsonWriter}; Python types beyond JSON's: {@code PyTuple} (and {@code GroupTuple}),
 * {@code PyRange}, {@code DictView}, {@code LoopContext} (recursive loops), {@code Cycler}.
 *
 * <p><b>Sandbox.</b> Templates see only maps, lists, strings, numbers, booleans, None and
 * undefined values, never Java objects; methods that mutate lists or dicts are refused with
 * jinja2's {@code SecurityError}, as transformers' immutable sandbox does.
 *
 * <p><b>Provenance.</b> Strings carry which characters came from {@link
 * dev.cove.core.chat.template.ContentString}s of the context; slicing, stripping, concatenation,
 * replacement, case changes, {@code tojson} and the like keep it per character, and a {@link
 * dev.cove.core.chat.template.Rendering} reports it for its whole text, so that the tokenizer can
 * keep special-token text typed in a message as text.
 *
 * <p><b>Limits.</b> {@link dev.cove.core.chat.template.Limits} bound each render's output, loop
 * iterations, the depth of macro calls and recursive loops, and time; jinja2's own sandbox limit on {@code range} is kept too.
 * Errors are {@link dev.cove.core.chat.template.TemplateException}s whose kind and message are
 * jinja2's.
 */
package dev.cove.core.chat.template;
