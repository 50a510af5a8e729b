package dev.cove.core.tokenizer;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.gguf.GgufValue.GgufArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The token list of a model and its special tokens, read from GGUF metadata with llama.cpp's
 * rules ({@code llama_vocab::impl::load}): defaults per tokenizer model, the
 * {@code tokenizer.ggml.*_token_id} keys, the end-of-generation set (EOS, EOT, EOM and tokens
 * such as {@code <|im_end|>} recognised by their text), and token attributes.
 *
 * <p>Ids absent from a model are {@link #NONE}. Immutable and thread-safe.
 */
public final class Vocabulary {
    /** The id of a special token the model does not have. */
    public static final int NONE = -1;

    /** The two tokenizer models Cove implements. */
    public enum Model {
        /** {@code tokenizer.ggml.model = "llama"}: SentencePiece with byte fallback. */
        SPM,
        /** {@code tokenizer.ggml.model = "gpt2"}: byte-level BPE. */
        BPE
    }

    // llama.cpp's llama_token_attr bits
    static final int ATTR_UNDEFINED = 0;
    static final int ATTR_UNKNOWN = 1;
    static final int ATTR_UNUSED = 1 << 1;
    static final int ATTR_NORMAL = 1 << 2;
    static final int ATTR_CONTROL = 1 << 3;
    static final int ATTR_USER_DEFINED = 1 << 4;
    static final int ATTR_BYTE = 1 << 5;
    static final int ATTR_LSTRIP = 1 << 7;
    static final int ATTR_RSTRIP = 1 << 8;

    private static final System.Logger LOG = System.getLogger(Vocabulary.class.getName());

    private final Model model;
    private final String[] texts;
    private final float[] scores;
    private final int[] attrs;
    private final Map<String, Integer> ids;
    private final int maxTokenLength;

    private final PreTokenizer.Resolved pre;
    private final boolean addSpacePrefix;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSep;
    private final boolean cleanSpaces;
    private final boolean ignoreMerges;

    private final int bos;
    private final int eos;
    private final int eot;
    private final int eom;
    private final int unk;
    private final int sep;
    private final int pad;
    private final int mask;
    private final int fimPre;
    private final int fimSuf;
    private final int fimMid;
    private final int fimPad;
    private final int fimRep;
    private final int fimSep;
    private final int newline;
    private final BitSet endOfGeneration;
    private final int[] specialTokens;
    private final int[] byteTokens;

    private Vocabulary(GgufMetadata md) {
        String modelName = md.getString("tokenizer.ggml.model", null);
        if (modelName == null) {
            throw new CoveException("the model has no tokenizer: metadata key tokenizer.ggml.model is missing");
        }
        String preName = md.getString("tokenizer.ggml.pre", null);

        // special ids, llama.cpp's defaults per model
        int[] special = new int[Special.values().length];
        Arrays.fill(special, NONE);
        boolean spacePrefix;
        boolean bosFlag;
        boolean eosFlag = false;
        boolean clean;
        boolean ignore = false;
        switch (modelName) {
            case "llama" -> {
                model = Model.SPM;
                special[Special.BOS.ordinal()] = 1;
                special[Special.EOS.ordinal()] = 2;
                special[Special.UNK.ordinal()] = 0;
                pre = null;
                spacePrefix = true;
                clean = false;
                bosFlag = true;
            }
            case "gpt2" -> {
                model = Model.BPE;
                special[Special.BOS.ordinal()] = 11;
                special[Special.EOS.ordinal()] = 11;
                if (preName == null || preName.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING,
                            "missing pre-tokenizer type (tokenizer.ggml.pre), using 'default': generation quality will be degraded;"
                                    + " consider regenerating the model file");
                }
                pre = PreTokenizer.resolve(preName);
                if (pre.noBos()) {
                    special[Special.BOS.ordinal()] = NONE;
                }
                spacePrefix = false;
                clean = pre.cleanSpaces();
                ignore = pre.ignoreMerges();
                bosFlag = pre.addBos();
            }
            case "no_vocab", "none" -> throw new CoveException("the model has no vocabulary (tokenizer.ggml.model = '"
                    + modelName + "'): it cannot turn text into tokens");
            default -> throw new CoveException("tokenizer model '" + modelName + "' (tokenizer.ggml.model) is not supported;"
                    + " Cove supports 'llama' (SentencePiece) and 'gpt2' (byte-level BPE)");
        }
        spacePrefix = md.getBoolean("tokenizer.ggml.add_space_prefix", spacePrefix);

        // tokens, scores, types
        String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
        int n = tokens.length;
        float[] sc = optionalFloats(md, "tokenizer.ggml.scores", n);
        int[] types = md.contains("tokenizer.ggml.token_type") ? md.getIntArray("tokenizer.ggml.token_type") : null;
        if (types != null && types.length < n) {
            throw new CoveException("tokenizer.ggml.token_type has " + types.length + " entries but the vocabulary has "
                    + n + " tokens");
        }
        texts = new String[n];
        scores = new float[n];
        attrs = new int[n];
        ids = HashMap.newHashMap(n);
        int maxLen = 0;
        for (int i = 0; i < n; i++) {
            String word = tokens[i];
            if (word.isEmpty()) {
                word = "[EMPTY_" + i + "]";
            }
            Integer previous = ids.putIfAbsent(word, i);
            if (previous != null) {
                throw new CoveException("duplicate token in vocabulary: '" + word + "' has ids " + previous + " and " + i);
            }
            texts[i] = word;
            maxLen = Math.max(maxLen, utf8Length(word));
            scores[i] = sc == null ? 0f : sc[i];
            attrs[i] = types == null ? ATTR_NORMAL : attrOfType(types[i]);
        }
        maxTokenLength = maxLen;

        // special ids from metadata
        for (Special s : Special.values()) {
            int id = special[s.ordinal()];
            if (id >= n) {
                LOG.log(System.Logger.Level.WARNING, "default special token " + s.key + " = " + id
                        + " is out of the vocabulary's range, disabling it");
                special[s.ordinal()] = NONE;
            }
            if (!md.contains(s.key)) {
                continue;
            }
            long newId;
            try {
                newId = md.getLong(s.key);
            } catch (CoveException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring metadata key " + s.key + ": " + e.getMessage());
                continue;
            }
            if (newId < 0 || newId >= n) {
                // 0xFFFFFFFF (-1 as u32) is how some converters write "no such token"
                LOG.log(newId == 0xFFFF_FFFFL || newId == -1 ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                        "bad special token " + s.key + " = " + newId + ", using default id " + special[s.ordinal()]);
            } else {
                special[s.ordinal()] = (int) newId;
            }
        }
        // the deprecated keys are read after the new ones and so win, as in llama.cpp
        for (Special[] pair : new Special[][] {{Special.PREFIX, Special.FIM_PRE}, {Special.SUFFIX, Special.FIM_SUF},
                {Special.MIDDLE, Special.FIM_MID}}) {
            if (special[pair[0].ordinal()] != NONE) {
                special[pair[1].ordinal()] = special[pair[0].ordinal()];
            }
        }
        bosFlag = md.getBoolean("tokenizer.ggml.add_bos_token", bosFlag);
        eosFlag = md.getBoolean("tokenizer.ggml.add_eos_token", eosFlag);
        boolean sepFlag = md.getBoolean("tokenizer.ggml.add_sep_token", false);
        requireSpecial(bosFlag, special[Special.BOS.ordinal()], "tokenizer.ggml.add_bos_token", "tokenizer.ggml.bos_token_id");
        requireSpecial(eosFlag, special[Special.EOS.ordinal()], "tokenizer.ggml.add_eos_token", "tokenizer.ggml.eos_token_id");
        requireSpecial(sepFlag, special[Special.SEP.ordinal()], "tokenizer.ggml.add_sep_token", "tokenizer.ggml.seperator_token_id");

        // special tokens recognised by their text, as llama.cpp does while converters catch up
        detectByText(special, Special.EOT, "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
        detectByText(special, Special.EOM, "<|eom_id|>");
        detectByText(special, Special.FIM_PRE, "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>",
                "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
        detectByText(special, Special.FIM_SUF, "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>",
                "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
        detectByText(special, Special.FIM_MID, "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>",
                "▁<MID>", "<|code_middle|>", "<|middle|>");
        detectByText(special, Special.FIM_PAD, "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
        detectByText(special, Special.FIM_REP, "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
        detectByText(special, Special.FIM_SEP, "<|file_sep|>");

        // control tokens named "unused" are unused
        for (int i = 0; i < n; i++) {
            if ((attrs[i] & ATTR_CONTROL) != 0 && (attrs[i] & ATTR_UNUSED) == 0 && texts[i].contains("unused")) {
                attrs[i] |= ATTR_UNUSED;
            }
        }

        // end-of-generation tokens
        BitSet eog = new BitSet(n);
        for (Special s : new Special[] {Special.FIM_PAD, Special.FIM_REP, Special.FIM_SEP}) {
            if (special[s.ordinal()] != NONE) {
                eog.set(special[s.ordinal()]);
            }
        }
        for (String t : EOG_TEXTS) {
            Integer id = ids.get(t);
            if (id != null) {
                eog.set(id);
                makeControl(id);
            }
        }
        // gpt-oss: these render as text
        for (String t : new String[] {"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"}) {
            Integer id = ids.get(t);
            if (id != null) {
                attrs[id] = ATTR_USER_DEFINED;
            }
        }
        for (Special s : new Special[] {Special.EOS, Special.EOT, Special.EOM}) {
            if (special[s.ordinal()] != NONE) {
                eog.set(special[s.ordinal()]);
            }
        }
        // o200k_harmony and solar-open: "<|end|>" ends a message, not the generation
        Integer end = ids.get("<|end|>");
        if (end != null && eog.get(end)) {
            boolean hasReturn = eogHas(eog, "<|return|>");
            boolean hasCall = eogHas(eog, "<|call|>") || eogHas(eog, "<|calls|>");
            boolean hasFlush = eogHas(eog, "<|flush|>");
            if ((hasReturn && hasCall) || (hasCall && hasFlush)) {
                eog.clear(end);
                attrs[end] = ATTR_USER_DEFINED;
            }
        }
        // gemma4 and paddleocr: "</s>" is not an end of generation there
        Integer closeS = ids.get("</s>");
        if (closeS != null && eog.get(closeS) && eogHas(eog, "<|tool_response>")) {
            eog.clear(closeS);
            attrs[closeS] = ATTR_NORMAL;
        }
        endOfGeneration = eog;

        // special tokens that pre-empt tokenization, longest text first
        List<Integer> cache = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if ((attrs[i] & (ATTR_CONTROL | ATTR_USER_DEFINED | ATTR_UNKNOWN)) != 0) {
                cache.add(i);
            }
        }
        cache.sort((a, b) -> {
            int c = Integer.compare(utf8Length(texts[b]), utf8Length(texts[a]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        specialTokens = cache.stream().mapToInt(Integer::intValue).toArray();

        // per-model attribute fixes, as llama.cpp
        String generalName = md.getString("general.name", "").toLowerCase(Locale.ROOT);
        String arch = md.getString("general.architecture", "");
        String preString = preName == null ? "" : preName;
        if (preString.contains("jina-v2-de") || preString.contains("jina-v2-es") || preString.contains("jina-v2-code")
                || arch.contains("nomic-bert-moe") || arch.contains("jina-bert-v3")) {
            Integer m = ids.get("<mask>");
            if (m != null) {
                attrs[m] |= ATTR_LSTRIP;
            }
        } else if (generalName.contains("phi-3") || generalName.contains("phi3")) {
            for (int id : specialTokens) {
                attrs[id] |= ATTR_RSTRIP;
            }
            setAttr("</s>", ATTR_RSTRIP, true);
            for (String t : new String[] {"<unk>", "<s>", "<|endoftext|>"}) {
                setAttr(t, ATTR_RSTRIP, false);
            }
        } else if (generalName.contains("modern-bert")) {
            Integer m = ids.get("[MASK]");
            if (m != null) {
                attrs[m] |= ATTR_LSTRIP;
            }
        }

        bos = special[Special.BOS.ordinal()];
        eos = special[Special.EOS.ordinal()];
        eot = special[Special.EOT.ordinal()];
        eom = special[Special.EOM.ordinal()];
        unk = special[Special.UNK.ordinal()];
        sep = special[Special.SEP.ordinal()];
        pad = special[Special.PAD.ordinal()];
        mask = special[Special.MASK.ordinal()];
        fimPre = special[Special.FIM_PRE.ordinal()];
        fimSuf = special[Special.FIM_SUF.ordinal()];
        fimMid = special[Special.FIM_MID.ordinal()];
        fimPad = special[Special.FIM_PAD.ordinal()];
        fimRep = special[Special.FIM_REP.ordinal()];
        fimSep = special[Special.FIM_SEP.ordinal()];
        addSpacePrefix = spacePrefix;
        addBos = bosFlag;
        addEos = eosFlag;
        addSep = sepFlag;
        cleanSpaces = clean;
        ignoreMerges = ignore;

        byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = findByteToken(b);
        }
        if (model == Model.SPM) {
            int nl = byteTokens['\n'];
            newline = nl != NONE ? nl : pad;
        } else {
            // the byte-level spelling of "\n" ("Ċ"): what tokenizing "\n" gives with every pre-tokenizer
            Integer nl = ids.get(String.valueOf(ByteLevel.encode('\n')));
            newline = nl != null ? nl : pad;
        }
    }

    /** Reads the vocabulary of a model. */
    public static Vocabulary fromGguf(GgufMetadata metadata) {
        return new Vocabulary(metadata);
    }

    private enum Special {
        BOS("tokenizer.ggml.bos_token_id"),
        EOS("tokenizer.ggml.eos_token_id"),
        EOT("tokenizer.ggml.eot_token_id"),
        EOM("tokenizer.ggml.eom_token_id"),
        UNK("tokenizer.ggml.unknown_token_id"),
        SEP("tokenizer.ggml.seperator_token_id"),
        PAD("tokenizer.ggml.padding_token_id"),
        MASK("tokenizer.ggml.mask_token_id"),
        FIM_PRE("tokenizer.ggml.fim_pre_token_id"),
        FIM_SUF("tokenizer.ggml.fim_suf_token_id"),
        FIM_MID("tokenizer.ggml.fim_mid_token_id"),
        FIM_PAD("tokenizer.ggml.fim_pad_token_id"),
        FIM_REP("tokenizer.ggml.fim_rep_token_id"),
        FIM_SEP("tokenizer.ggml.fim_sep_token_id"),
        // deprecated spellings, read after the new ones as llama.cpp does
        PREFIX("tokenizer.ggml.prefix_token_id"),
        SUFFIX("tokenizer.ggml.suffix_token_id"),
        MIDDLE("tokenizer.ggml.middle_token_id");

        final String key;

        Special(String key) {
            this.key = key;
        }
    }

    private static final String[] EOG_TEXTS = {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    };

    private void detectByText(int[] special, Special which, String... candidates) {
        if (special[which.ordinal()] != NONE) {
            return;
        }
        // llama.cpp takes whichever candidate its hash map yields first; Cove takes the first in list order
        for (String c : candidates) {
            Integer id = ids.get(c);
            if (id != null) {
                special[which.ordinal()] = id;
                makeControl(id);
                return;
            }
        }
    }

    /**
     * Makes a token found by its text ({@code </s>}, {@code <|im_end|>}, ...) a control token the
     * way llama.cpp does: a token that is not one already gets the type CONTROL in place of its
     * own ("control-looking token ... its type will be overridden"), so a user-defined
     * {@code </s>} (Gemma 3) is then matched in text only with special-token parsing.
     */
    private void makeControl(int id) {
        if ((attrs[id] & ATTR_CONTROL) == 0) {
            attrs[id] = ATTR_CONTROL;
        }
    }

    private boolean eogHas(BitSet eog, String text) {
        Integer id = ids.get(text);
        return id != null && eog.get(id);
    }

    private void setAttr(String text, int attr, boolean value) {
        Integer id = ids.get(text);
        if (id != null) {
            attrs[id] = value ? attrs[id] | attr : attrs[id] & ~attr;
        }
    }

    private static void requireSpecial(boolean add, int id, String addKey, String idKey) {
        if (add && id == NONE) {
            throw new CoveException(addKey + " is true, but " + idKey + " is not set");
        }
    }

    private static int attrOfType(int type) {
        return switch (TokenType.ofCode(type)) {
            case UNKNOWN -> ATTR_UNKNOWN;
            case UNUSED -> ATTR_UNUSED;
            case NORMAL -> ATTR_NORMAL;
            case CONTROL -> ATTR_CONTROL;
            case USER_DEFINED -> ATTR_USER_DEFINED;
            case BYTE -> ATTR_BYTE;
            case UNDEFINED -> ATTR_UNDEFINED;
        };
    }

    private static float[] optionalFloats(GgufMetadata md, String key, int n) {
        if (!md.contains(key)) {
            return null;
        }
        float[] out;
        if (md.get(key) instanceof GgufArray a && a.values() instanceof int[] ints) {
            out = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                out[i] = ints[i];
            }
        } else {
            out = md.getFloatArray(key);
        }
        if (out.length < n) {
            throw new CoveException(key + " has " + out.length + " entries but the vocabulary has " + n + " tokens");
        }
        return out;
    }

    private int findByteToken(int b) {
        if (model == Model.SPM) {
            Integer id = ids.get(String.format("<0x%02X>", b));
            if (id == null && b < 0x80) {
                id = ids.get(String.valueOf((char) b));
            }
            return id == null ? NONE : id;
        }
        Integer id = ids.get(String.valueOf(ByteLevel.encode(b)));
        return id == null ? NONE : id;
    }

    static int utf8Length(String s) {
        int len = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                len += 1;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                len += 4;
                i++;
            } else {
                len += 3;
            }
        }
        return len;
    }

    // ------------------------------------------------------------------ public API

    public Model model() {
        return model;
    }

    /** Number of tokens. */
    public int size() {
        return texts.length;
    }

    /** The token's text as stored in the model (SentencePiece's U+2581 for spaces, GPT-2's byte map for BPE). */
    public String tokenText(int id) {
        return texts[checkId(id)];
    }

    /** The id of the token with exactly this text, or {@link #NONE}. */
    public int tokenId(String text) {
        Integer id = ids.get(text);
        return id == null ? NONE : id;
    }

    public float score(int id) {
        return scores[checkId(id)];
    }

    /** The token's type, after llama.cpp's adjustments (end-of-generation tokens are control tokens, for instance). */
    public TokenType tokenType(int id) {
        int a = attrs[checkId(id)];
        if ((a & ATTR_BYTE) != 0) {
            return TokenType.BYTE;
        }
        if ((a & ATTR_CONTROL) != 0) {
            return TokenType.CONTROL;
        }
        if ((a & ATTR_USER_DEFINED) != 0) {
            return TokenType.USER_DEFINED;
        }
        if ((a & ATTR_UNKNOWN) != 0) {
            return TokenType.UNKNOWN;
        }
        if ((a & ATTR_UNUSED) != 0) {
            return TokenType.UNUSED;
        }
        if ((a & ATTR_NORMAL) != 0) {
            return TokenType.NORMAL;
        }
        return TokenType.UNDEFINED;
    }

    public boolean isControl(int id) {
        return (attrs[checkId(id)] & ATTR_CONTROL) != 0;
    }

    public boolean isByte(int id) {
        return (attrs[checkId(id)] & ATTR_BYTE) != 0;
    }

    public boolean isUserDefined(int id) {
        return (attrs[checkId(id)] & ATTR_USER_DEFINED) != 0;
    }

    public boolean isUnknown(int id) {
        return (attrs[checkId(id)] & ATTR_UNKNOWN) != 0;
    }

    public boolean isUnused(int id) {
        return (attrs[checkId(id)] & ATTR_UNUSED) != 0;
    }

    /** Whether generating this token ends the generation (EOS, EOT, EOM, {@code <|im_end|>}, ...). */
    public boolean isEndOfGeneration(int id) {
        return id >= 0 && endOfGeneration.get(id);
    }

    /** All end-of-generation ids, ascending. */
    public int[] endOfGenerationIds() {
        return endOfGeneration.stream().toArray();
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    /** End of turn ({@code <|eot_id|>}, {@code <|im_end|>}, ...), or {@link #NONE}. */
    public int eot() {
        return eot;
    }

    /** End of message ({@code <|eom_id|>}), or {@link #NONE}. */
    public int eom() {
        return eom;
    }

    public int unk() {
        return unk;
    }

    public int sep() {
        return sep;
    }

    public int pad() {
        return pad;
    }

    public int mask() {
        return mask;
    }

    /** The token of a line feed. */
    public int newline() {
        return newline;
    }

    public int fimPrefix() {
        return fimPre;
    }

    public int fimSuffix() {
        return fimSuf;
    }

    public int fimMiddle() {
        return fimMid;
    }

    public int fimPad() {
        return fimPad;
    }

    public int fimRepo() {
        return fimRep;
    }

    public int fimSeparator() {
        return fimSep;
    }

    /** Whether the model wants BOS in front of a prompt ({@code tokenizer.ggml.add_bos_token}). */
    public boolean addBos() {
        return addBos;
    }

    /** Whether the model wants EOS after a prompt ({@code tokenizer.ggml.add_eos_token}). */
    public boolean addEos() {
        return addEos;
    }

    public boolean addSep() {
        return addSep;
    }

    /** Whether SentencePiece text gets a leading space ({@code tokenizer.ggml.add_space_prefix}). */
    public boolean addSpacePrefix() {
        return addSpacePrefix;
    }

    /** The {@code tokenizer.ggml.pre} name in effect for a BPE model ("default" when absent); null for SPM. */
    public String preTokenizer() {
        return pre == null ? null : pre.name();
    }

    /** Longest token text in UTF-8 bytes. */
    public int maxTokenLength() {
        return maxTokenLength;
    }

    // ------------------------------------------------------------------ package-private

    PreTokenizer.Resolved pre() {
        return pre;
    }

    int attrs(int id) {
        return attrs[id];
    }

    boolean cleanSpaces() {
        return cleanSpaces;
    }

    boolean ignoreMerges() {
        return ignoreMerges;
    }

    /** Ids of control, user-defined and unknown tokens, longest text first. */
    int[] specialTokens() {
        return specialTokens;
    }

    /** The token for one byte: {@code <0xNN>} (or the byte itself) for SPM, its GPT-2 spelling for BPE. */
    int byteToken(int b) {
        return byteTokens[b & 0xFF];
    }

    private int checkId(int id) {
        if (id < 0 || id >= texts.length) {
            throw new CoveException("token id " + id + " is outside the vocabulary (0.." + (texts.length - 1) + ")");
        }
        return id;
    }

    @Override
    public String toString() {
        return "Vocabulary[" + model + ", " + texts.length + " tokens" + (pre == null ? "" : ", pre " + pre.name()) + "]";
    }
}
