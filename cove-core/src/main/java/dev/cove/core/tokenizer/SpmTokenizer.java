package dev.cove.core.tokenizer;

import dev.cove.core.CoveException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SentencePiece tokenization as llama.cpp's {@code llm_tokenizer_spm}: spaces become U+2581 (and
 * the text gets one in front when {@code tokenizer.ggml.add_space_prefix}, the default), then
 * adjacent symbols, starting from single characters, are merged best-score-first (ties to the
 * leftmost pair) as long as the merged text is a token. A remaining symbol that is not a token
 * is spelled with byte tokens {@code <0xNN>}. The work queue holds each candidate pair once, so
 * tokenizing n characters costs O(n log n).
 */
final class SpmTokenizer extends BaseTokenizer {
    private static final char SPACE_MARK = '\u2581';

    SpmTokenizer(Vocabulary vocab) {
        super(vocab);
    }

    @Override
    byte[] computePiece(int id) {
        int attr = vocab.attrs(id);
        String text = vocab.tokenText(id);
        if ((attr & (Vocabulary.ATTR_UNKNOWN | Vocabulary.ATTR_CONTROL | Vocabulary.ATTR_USER_DEFINED)) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & Vocabulary.ATTR_NORMAL) != 0) {
            return text.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & Vocabulary.ATTR_BYTE) != 0) {
            int b = hexByte(text);
            return b < 0 ? new byte[0] : new byte[] {(byte) b};
        }
        return new byte[0];
    }

    @Override
    void encodeFragments(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial, IntList out) {
        boolean previousSpecial = true;
        if (addSpecial && vocab.addBos()) {
            out.add(vocab.bos());
        }
        Session session = new Session();
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (f.isText()) {
                String piece = text.substring(f.start(), f.end());
                if (vocab.addSpacePrefix() && previousSpecial) {
                    piece = " " + piece;
                }
                session.tokenize(piece.replace(' ', SPACE_MARK), out);
                previousSpecial = false;
            } else {
                out.add(f.token());
                previousSpecial = true;
            }
        }
        if (addSpecial && vocab.addEos()) {
            out.add(vocab.eos());
        }
    }

    /** The working state of one tokenization: symbols as a linked list over the text, and the queue. */
    private final class Session extends SymbolMerger {
        private String text;

        void tokenize(String s, IntList out) {
            text = s;
            int n = s.codePointCount(0, s.length());
            if (n == 0) {
                return;
            }
            reserve(n);
            for (int i = 0, offset = 0; i < n; i++) {
                int len = Character.charCount(s.codePointAt(offset));
                start[i] = offset;
                length[i] = len;
                offset += len;
            }
            mergeAll(n);
            for (int i = 0; i != -1; i = next[i]) {
                resegment(i, out);
            }
        }

        @Override
        void queueBigram(int left, int right) {
            if (left == -1 || right == -1) {
                return;
            }
            int size = length[left] + length[right];
            int id = vocab.tokenId(text.substring(start[left], start[left] + size));
            if (id == Vocabulary.NONE) {
                return;
            }
            queue.push(-(double) vocab.score(id), left, right, size);
        }

        /**
         * Emits a final symbol. Every merged symbol is a token (a pair is only queued when its
         * text is one), so a symbol that is not a token is a single character: it is spelled in
         * byte tokens. (llama.cpp's fallback through its reverse-merge map is never reached.)
         */
        private void resegment(int i, IntList out) {
            String symbol = text.substring(start[i], start[i] + length[i]);
            int id = vocab.tokenId(symbol);
            if (id != Vocabulary.NONE) {
                out.add(id);
                return;
            }
            for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                int byteToken = vocab.byteToken(b);
                if (byteToken == Vocabulary.NONE) {
                    byteToken = vocab.unk();
                }
                if (byteToken == Vocabulary.NONE) {
                    throw new CoveException(String.format(
                            "the vocabulary has no token for byte 0x%02X (no <0x%02X> token and no unknown token)", b & 0xFF,
                            b & 0xFF));
                }
                out.add(byteToken);
            }
        }
    }
}
