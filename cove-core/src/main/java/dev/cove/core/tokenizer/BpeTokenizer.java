package dev.cove.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-level BPE as llama.cpp's {@code llm_tokenizer_bpe}: the text is split into words by the
 * model's pre-tokenizer ({@code tokenizer.ggml.pre}), each word's UTF-8 bytes are spelled with
 * GPT-2's byte-to-unicode map, and adjacent symbols are merged lowest-rank-first (ties to the
 * leftmost pair) by the ranked merges of {@code tokenizer.ggml.merges}. The work queue holds each
 * candidate pair once, so a word of n characters costs O(n log n).
 */
final class BpeTokenizer extends BaseTokenizer {
    private final Map<String, Integer> ranks;
    private final PreTokenizer preTokenizer;

    BpeTokenizer(Vocabulary vocab, String[] merges) {
        super(vocab);
        this.preTokenizer = PreTokenizer.of(vocab.pre().type());
        this.ranks = HashMap.newHashMap(merges.length);
        for (int i = 0; i < merges.length; i++) {
            String merge = merges[i];
            int pos = merge.indexOf(' ', 1);
            String key = pos >= 0 ? merge : " ";
            // llama.cpp keeps the first rank of a repeated merge
            ranks.putIfAbsent(key, i);
        }
    }

    @Override
    byte[] computePiece(int id) {
        int attr = vocab.attrs(id);
        String text = vocab.tokenText(id);
        if ((attr & (Vocabulary.ATTR_UNKNOWN | Vocabulary.ATTR_CONTROL | Vocabulary.ATTR_USER_DEFINED)) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & Vocabulary.ATTR_NORMAL) != 0) {
            return decodeByteLevel(text);
        }
        if ((attr & Vocabulary.ATTR_BYTE) != 0) {
            int b = hexByte(text);
            return b < 0 ? new byte[0] : new byte[] {(byte) b};
        }
        return new byte[0];
    }

    /** llama.cpp's {@code llama_decode_text}: GPT-2 spelling back to bytes. */
    private static byte[] decodeByteLevel(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder unk = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    unk.append(String.format("%02x", u & 0xFF));
                }
                unk.append(text).append(']');
                out.writeBytes(unk.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Override
    void encodeFragments(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial, IntList out) {
        if (addSpecial && vocab.addBos()) {
            out.add(vocab.bos());
        }
        Session session = new Session();
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (f.isText()) {
                for (String word : preTokenizer.split(text.substring(f.start(), f.end()))) {
                    session.tokenizeWord(ByteLevel.encodeUtf8(word), out);
                }
            } else {
                out.add(f.token());
            }
        }
        if (addSpecial && vocab.addEos()) {
            out.add(vocab.eos());
        }
    }

    /** The merge state of one word: symbols as a linked list over the word, and the queue. */
    private final class Session extends SymbolMerger {
        private String word;

        /** Tokenizes one byte-level-encoded word (every char is one symbol: the alphabet is U+0021..U+0143). */
        void tokenizeWord(String w, IntList out) {
            int n = w.length();
            if (n == 0) {
                return;
            }
            if (vocab.ignoreMerges()) {
                int id = vocab.tokenId(w);
                if (id != Vocabulary.NONE) {
                    out.add(id);
                    return;
                }
            }
            word = w;
            reserve(n);
            for (int i = 0; i < n; i++) {
                start[i] = i;
                length[i] = 1;
            }
            mergeAll(n);
            for (int i = 0; i != -1; i = next[i]) {
                String symbol = w.substring(start[i], start[i] + length[i]);
                int id = vocab.tokenId(symbol);
                if (id != Vocabulary.NONE) {
                    out.add(id);
                    continue;
                }
                // llama.cpp looks up each UTF-8 byte of the spelled symbol as a one-byte token:
                // only ASCII spellings can match
                for (int k = 0; k < symbol.length(); k++) {
                    char c = symbol.charAt(k);
                    if (c < 0x80) {
                        int single = vocab.tokenId(String.valueOf(c));
                        if (single != Vocabulary.NONE) {
                            out.add(single);
                        }
                    }
                }
            }
        }

        @Override
        void queueBigram(int left, int right) {
            if (left == -1 || right == -1) {
                return;
            }
            String leftText = word.substring(start[left], start[left] + length[left]);
            String rightText = word.substring(start[right], start[right] + length[right]);
            Integer rank = ranks.get(leftText + " " + rightText);
            if (rank == null) {
                return;
            }
            queue.push(rank, left, right, length[left] + length[right]);
        }
    }
}
