package dev.cove.core.tokenizer;

import dev.cove.core.CoveException;
import java.io.ByteArrayOutputStream;
import java.util.List;

/** What the SentencePiece and BPE tokenizers share: special tokens, pieces, decoding. */
abstract sealed class BaseTokenizer implements Tokenizer permits SpmTokenizer, BpeTokenizer {
    private static final byte[] EMPTY = new byte[0];
    /** Tokens that special-token splitting cuts out of the text. */
    private static final int SPECIAL_FRAGMENT = Vocabulary.ATTR_CONTROL | Vocabulary.ATTR_USER_DEFINED | Vocabulary.ATTR_UNKNOWN;

    final Vocabulary vocab;
    /** Each token's bytes with special tokens rendered: llama.cpp's {@code cache_token_to_piece}. */
    private final byte[][] pieces;

    BaseTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = computePiece(id);
        }
    }

    /** The bytes of a token with special tokens rendered (llama.cpp's {@code token_to_piece}, special = true). */
    abstract byte[] computePiece(int id);

    /** Tokenizes the fragments left by special-token splitting, adding BOS/EOS when {@code addSpecial}. */
    abstract void encodeFragments(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial,
            IntList out);

    @Override
    public final int[] encode(String text, boolean addBos, boolean parseSpecial) {
        return encode(text, addBos, parseSpecial, null);
    }

    @Override
    public final int[] encode(String text, boolean addBos, java.util.BitSet literal) {
        return encode(text, addBos, true, java.util.Objects.requireNonNull(literal, "literal"));
    }

    private int[] encode(String text, boolean addBos, boolean parseSpecial, java.util.BitSet literal) {
        String input = Utf8.wellFormed(text); // same length: positions in literal stay valid
        List<SpecialTokenSplitter.Fragment> fragments = SpecialTokenSplitter.split(input, vocab, parseSpecial, literal);
        IntList out = new IntList(Math.max(16, input.length() / 3));
        encodeFragments(input, fragments, addBos, out);
        return out.toArray();
    }

    /** A token's bytes; control and unknown tokens are empty unless {@code special}. */
    final byte[] piece(int token, boolean special) {
        checkToken(token);
        int attr = vocab.attrs(token);
        if (!special && (attr & (Vocabulary.ATTR_UNKNOWN | Vocabulary.ATTR_CONTROL)) != 0) {
            return EMPTY;
        }
        return pieces[token];
    }

    @Override
    public final byte[] tokenBytes(int token) {
        return piece(token, true).clone();
    }

    @Override
    public final String decode(int[] tokens) {
        return decode(tokens, false);
    }

    @Override
    public final String decode(int[] tokens, boolean renderSpecial) {
        // A sequence starting with BOS is taken for a whole encoded text: the space the
        // tokenizer put in front of the text and after each special token is removed again.
        boolean wholeText = vocab.addSpacePrefix() && tokens.length > 0 && tokens[0] == vocab.bos();
        boolean stripNext = false;
        ByteArrayOutputStream buf = new ByteArrayOutputStream(tokens.length * 4);
        for (int token : tokens) {
            byte[] p = piece(token, renderSpecial);
            if ((vocab.attrs(token) & SPECIAL_FRAGMENT) != 0) {
                buf.writeBytes(p);
                stripNext = wholeText;
                continue;
            }
            int skip = stripNext && p.length > 0 && p[0] == ' ' ? 1 : 0;
            stripNext = false;
            buf.write(p, skip, p.length - skip);
        }
        return finishText(buf.toByteArray());
    }

    @Override
    public final String detokenize(int[] tokens, boolean removeSpecial, boolean unparseSpecial) {
        boolean removeSpace = vocab.addSpacePrefix();
        int start = 0;
        int end = tokens.length;
        if (removeSpecial && vocab.addBos() && end > 0 && tokens[0] == vocab.bos()) {
            removeSpace = false;
            start++;
        }
        if (removeSpecial && vocab.addEos() && end > start && tokens[end - 1] == vocab.eos()) {
            end--;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(tokens.length * 4);
        for (int i = start; i < end; i++) {
            byte[] p = piece(tokens[i], unparseSpecial);
            int skip = removeSpace && p.length > 0 && p[0] == ' ' ? 1 : 0;
            removeSpace = false;
            buf.write(p, skip, p.length - skip);
        }
        return finishText(buf.toByteArray());
    }

    private String finishText(byte[] text) {
        int total = text.length;
        if (vocab.cleanSpaces()) {
            total = cleanSpaces(text, total);
        }
        return Utf8.decode(text, total);
    }

    /** llama.cpp's three clean-up passes of {@code llama_detokenize}, in place; returns the new length. */
    static int cleanSpaces(byte[] text, int length) {
        // first pass: " ?", " !", " .", " ,"
        int total1 = length;
        int total = total1 > 0 ? 1 : 0;
        for (int i = 1; i < total1; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--;
            }
            text[total++] = x;
        }
        // second pass: a single apostrophe between spaces
        int total2 = total;
        total = total2 > 0 ? 1 : 0;
        for (int i = 1; i < total2; i++) {
            byte x = text[i];
            if (x == '\'' && i + 1 < total2 && text[i - 1] == ' ' && text[i + 1] == ' ') {
                total--;
                text[++i] = 0;
            }
            text[total++] = x;
        }
        // third pass: contractions " 's", " 'm", " 're", " 've"
        int total3 = total;
        total = total3 > 0 ? 1 : 0;
        for (int i = 1; i < total3; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < total3) {
                byte x1 = text[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (x1 != 't' && x1 != 'd' && i + 2 < total3) {
                    byte x2 = text[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
                        total--;
                    }
                }
            }
            text[total++] = x;
        }
        return total;
    }

    @Override
    public final StreamingDecoder newStreamingDecoder() {
        return new StreamingDecoder(this, false);
    }

    @Override
    public final StreamingDecoder newStreamingDecoder(boolean renderSpecial) {
        return new StreamingDecoder(this, renderSpecial);
    }

    @Override
    public final Vocabulary vocabulary() {
        return vocab;
    }

    final void checkToken(int token) {
        if (token < 0 || token >= pieces.length) {
            throw new CoveException("token id " + token + " is outside the vocabulary (0.." + (pieces.length - 1) + ")");
        }
    }

    /** The byte of a {@code <0xNN>} token, or -1 when the text is not of that form. */
    static int hexByte(String text) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(text.charAt(3), 16);
        int lo = Character.digit(text.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + vocab + "]";
    }
}
