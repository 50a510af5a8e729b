package dev.cove.core.grammar.json;

/** Limits of the GBNF parser that schema conversion must respect. */
final class GbnfLimits {
    /** llama.cpp refuses a bounded repetition of 2000 or more (and so does {@link dev.cove.core.grammar.Grammar}). */
    static final int REPETITION = 2000;

    private GbnfLimits() {
    }
}
