package dev.cove.cli;

import dev.cove.core.generate.GenerationResult;
import java.util.Locale;

/** The one-line timing summary printed on stderr after generation. */
final class Timings {
    private Timings() {
    }

    static String describe(GenerationResult r, long loadNanos) {
        String stop = r.stopReason().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return String.format(Locale.ROOT,
                "load %.0f ms | prompt %d tokens (%d cached), %.1f tok/s | generation %d tokens, %.1f tok/s | stop: %s",
                loadNanos / 1e6, r.promptTokens(), r.reusedPromptTokens(), r.promptTokensPerSecond(),
                r.generatedTokens(), r.generationTokensPerSecond(), stop) + speculation(r);
    }

    /** How many drafted tokens the model kept, when it speculated. */
    private static String speculation(GenerationResult r) {
        return r.draftedTokens() == 0 ? "" : String.format(Locale.ROOT, " | drafts %d of %d kept (%.0f%%)",
                r.acceptedDraftTokens(), r.draftedTokens(), 100 * r.acceptanceRate());
    }
}
