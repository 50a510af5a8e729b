package dev.cove.core.convert;

/**
 * The header of a legacy llama2.c checkpoint: seven int32 values. {@code vocabSize} is the
 * absolute value of the stored one; a negative stored value means the checkpoint carries its own
 * classifier ({@code wcls}) instead of sharing the token embedding table.
 */
public record Llama2cConfig(
        int dim,
        int hiddenDim,
        int layers,
        int heads,
        int kvHeads,
        int vocabSize,
        int seqLen,
        boolean sharedClassifier) {

    /** Elements of one attention head. */
    public int headSize() {
        return dim / heads;
    }

    /** Width of the key and value projections. */
    public int kvDim() {
        return kvHeads * headSize();
    }

}
