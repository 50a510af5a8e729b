package dev.cove.core.generate.speculative;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.core.tokenizer.Vocabulary;
import java.util.Objects;

/**
 * How a session drafts tokens for speculative decoding: prompt lookup ({@link #promptLookup}) or a
 * small draft model ({@link #draftModel}). The target model verifies each draft in one batched
 * pass; the output is the one plain decoding gives (token for token when greedy, the same
 * distribution when sampling). Immutable; a {@link Drafter} is made per session.
 */
public sealed interface Speculation {
    /** Tokens a draft proposes when not given: llama.cpp's {@code --draft-max} default. */
    int DEFAULT_MAX_DRAFT = 16;
    /** The most tokens a draft may propose: one verification pass computes at most this many logit rows, less one. */
    int LIMIT = dev.cove.core.model.Transformer.MAX_LOGIT_ROWS - 1;

    /** The most tokens one draft proposes. */
    int maxDraft();

    /** A drafter for a session of {@code target} with {@code contextLength} positions. */
    Drafter newDrafter(Model target, int contextLength, SamplingOptions sampling, long seed);

    /** Prompt lookup proposing up to {@code maxDraft} tokens after the longest matching suffix of 3 to 1 tokens. */
    static Speculation promptLookup(int maxDraft) {
        return new PromptLookup(maxDraft, 1, 3);
    }

    /**
     * Drafting with {@code draft}, which must share the target's vocabulary (checked when a session
     * starts). The draft model is only read, so several sessions may share it.
     */
    static Speculation draftModel(Model draft, int maxDraft) {
        return new DraftModel(draft, maxDraft);
    }

    private static void checkMaxDraft(int maxDraft) {
        if (maxDraft < 1 || maxDraft > LIMIT) {
            throw new IllegalArgumentException("a draft proposes 1 to " + LIMIT + " tokens, not " + maxDraft);
        }
    }

    /** Prompt lookup: n-grams of {@code minNgram} to {@code maxNgram} tokens, up to {@code maxDraft} proposed. */
    record PromptLookup(int maxDraft, int minNgram, int maxNgram) implements Speculation {
        public PromptLookup {
            checkMaxDraft(maxDraft);
            if (minNgram < 1 || maxNgram < minNgram) {
                throw new IllegalArgumentException("n-gram sizes must satisfy 1 <= min <= max, not " + minNgram + ".."
                        + maxNgram);
            }
        }

        @Override
        public Drafter newDrafter(Model target, int contextLength, SamplingOptions sampling, long seed) {
            return new PromptLookupDrafter(maxDraft, minNgram, maxNgram);
        }
    }

    /** A draft model of the target's vocabulary proposing up to {@code maxDraft} tokens. */
    record DraftModel(Model model, int maxDraft) implements Speculation {
        public DraftModel {
            Objects.requireNonNull(model, "model");
            checkMaxDraft(maxDraft);
        }

        @Override
        public Drafter newDrafter(Model target, int contextLength, SamplingOptions sampling, long seed) {
            checkSameVocabulary(target, model);
            return new DraftModelDrafter(model, maxDraft, contextLength, sampling, seed);
        }

        /** Draft ids mean the target's tokens only when both vocabularies are the same list. */
        static void checkSameVocabulary(Model target, Model draft) {
            Vocabulary t = target.tokenizer().vocabulary();
            Vocabulary d = draft.tokenizer().vocabulary();
            String names = " (draft " + name(draft) + ", target " + name(target) + ")";
            if (t.size() != d.size() || target.config().vocabularySize() != draft.config().vocabularySize()) {
                throw new CoveException("the draft model has a vocabulary of " + d.size() + " tokens but the model has "
                        + t.size() + names + ": a draft model must have the same vocabulary");
            }
            for (int id = 0; id < t.size(); id++) {
                if (!t.tokenText(id).equals(d.tokenText(id))) {
                    throw new CoveException("the draft model's token " + id + " differs from the model's" + names
                            + ": a draft model must have the same vocabulary");
                }
            }
        }

        private static String name(Model m) {
            return m.path() == null || m.path().getFileName() == null ? "in memory" : m.path().getFileName().toString();
        }
    }
}
