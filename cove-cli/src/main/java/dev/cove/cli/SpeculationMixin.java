package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.core.generate.speculative.Speculation;
import picocli.CommandLine.Option;

/**
 * Speculative decoding options, with llama.cpp's names where it has them: {@code --lookup N}
 * (prompt lookup, up to N drafted tokens), {@code -md/--model-draft/--draft MODEL} with
 * {@code --draft-max N} (a draft model of the same vocabulary). The output is the one plain
 * decoding gives; only the speed changes.
 */
final class SpeculationMixin {
    @Option(names = "--lookup", paramLabel = "N",
            description = "Prompt-lookup speculation: draft up to N tokens (1 to 63) that followed the last tokens earlier in the text; best when the answer repeats the input (editing code or documents).")
    Integer lookup;

    @Option(names = {"-md", "--model-draft", "--draft"}, paramLabel = "MODEL",
            description = "Speculation with a small draft model of the same vocabulary: a store name or a GGUF file.")
    String draftModel;

    @Option(names = "--draft-max", paramLabel = "N",
            description = "Tokens the draft model proposes per step, 1 to 63 (default: " + Speculation.DEFAULT_MAX_DRAFT + ").")
    Integer draftMax;

    /** Checks the combination before anything loads, so a mistake costs no time. */
    void check() {
        if (lookup != null && draftModel != null) {
            throw new IllegalArgumentException("--lookup and --model-draft are two ways to speculate: choose one");
        }
        if (draftMax != null && draftModel == null) {
            throw new IllegalArgumentException("--draft-max needs a draft model (--model-draft MODEL); --lookup takes its own N");
        }
        if (lookup != null) {
            Speculation.promptLookup(lookup); // validates N
        }
        if (draftMax != null && (draftMax < 1 || draftMax > Speculation.LIMIT)) {
            throw new IllegalArgumentException("--draft-max must be 1 to " + Speculation.LIMIT + ", not " + draftMax);
        }
    }

    boolean enabled() {
        return lookup != null || draftModel != null;
    }

    /** The draft model to load alongside the target, through the same trust policy; null without one. */
    Model loadDraft(ModelOptions modelOptions) {
        return draftModel == null ? null : modelOptions.load(draftModel);
    }

    /** The speculation for the session: null when none was asked for. */
    Speculation speculation(Model draft) {
        if (lookup != null) {
            return Speculation.promptLookup(lookup);
        }
        if (draft != null) {
            return Speculation.draftModel(draft, draftMax != null ? draftMax : Speculation.DEFAULT_MAX_DRAFT);
        }
        return null;
    }
}
