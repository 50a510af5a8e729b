package dev.cove.core.convert;

import dev.cove.core.tokenizer.TokenType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}, with {@code tokenizer_config.json} and
 * {@code config.json} for special tokens and the chat template) in the form GGUF stores it, as
 * llama.cpp's {@code convert_hf_to_gguf.py} writes it.
 *
 * <p>Two kinds are converted:
 * <ul>
 *   <li>BPE with byte fallback (Llama 2, Mistral, TinyLlama, ...): {@code tokenizer.ggml.model =
 *       "llama"}. llama.cpp's SentencePiece tokenizer picks merges by token score; the scores are
 *       derived from the merge list (a token made by merge number r gets score -r), which makes
 *       the SentencePiece algorithm choose exactly the merges the BPE model would. (llama.cpp's
 *       converter gives every token -1000 when it has only tokenizer.json, which loses that
 *       order.)</li>
 *   <li>byte-level BPE (Llama 3, Qwen2, GPT-2 style): {@code tokenizer.ggml.model = "gpt2"} with
 *       the merges, and {@code tokenizer.ggml.pre} recognised from the pre-tokenizer's regular
 *       expression (llama.cpp hashes the output of the Python tokenizer instead, which needs
 *       Python).</li>
 * </ul>
 */
record HfTokenizer(String model, String pre, String[] tokens, float[] scores, int[] types, String[] merges,
                   Map<String, Integer> specialIds, Map<String, Boolean> addFlags, Boolean addSpacePrefix,
                   List<NamedTemplate> chatTemplates) {

    /** A chat template; the one named "default" becomes {@code tokenizer.chat_template}. */
    record NamedTemplate(String name, String template) {
    }

    /** Llama 3's pre-tokenizer expression, as tokenizer.json spells it. */
    static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Qwen2's: Llama 3's with single digits. */
    static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** GPT-2's, when spelled out in a Split (normally implied by ByteLevel's use_regex). */
    static final String GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Map<String, String> KNOWN_PRE = Map.of(
            LLAMA3_REGEX, "llama-bpe",
            QWEN2_REGEX, "qwen2",
            GPT2_REGEX, "gpt-2");

    /** The special-token kinds llama.cpp's SpecialVocab reads, with their GGUF keys. */
    static final Map<String, String> SPECIAL_KEYS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bos", "tokenizer.ggml.bos_token_id");
        m.put("eos", "tokenizer.ggml.eos_token_id");
        m.put("unk", "tokenizer.ggml.unknown_token_id");
        m.put("sep", "tokenizer.ggml.seperator_token_id");
        m.put("pad", "tokenizer.ggml.padding_token_id");
        m.put("cls", "tokenizer.ggml.cls_token_id");
        m.put("mask", "tokenizer.ggml.mask_token_id");
        SPECIAL_KEYS = m;
    }

    /**
     * Reads the tokenizer.
     *
     * @param tokenizerJson   the text of tokenizer.json
     * @param tokenizerConfig the text of tokenizer_config.json, or null when absent
     * @param chatTemplateJinja the text of chat_template.jinja, or null when absent
     * @param chatTemplateJson the text of chat_template.json, or null when absent (used when there is no .jinja)
     * @param config          the model's config (for {@code vocab_size}, the family and token ids)
     * @param preOverride     a {@code tokenizer.ggml.pre} to use instead of recognising it, or null
     */
    static HfTokenizer read(String tokenizerJson, String tokenizerConfig, String chatTemplateJinja, String chatTemplateJson,
                            HfConfig config, String preOverride) {
        String file = "tokenizer.json";
        Map<String, Object> tj = Json.object(Json.parse(tokenizerJson, file), file, "the file");
        Map<String, Object> tc = tokenizerConfig == null ? Map.of()
                : Json.object(Json.parse(tokenizerConfig, "tokenizer_config.json"), "tokenizer_config.json", "the file");
        Map<String, Object> model = Json.object(tj.get("model"), file, "\"model\"");
        Object type = model.get("type");
        if (!"BPE".equals(type)) {
            throw new ConvertException(file + ": the tokenizer model is " + (type instanceof String s ? s : Json.kind(type))
                    + "; Cove converts BPE tokenizers (SentencePiece-style with byte fallback, and byte-level)");
        }
        boolean byteFallback = Boolean.TRUE.equals(model.get("byte_fallback"));
        boolean byteLevel = mentionsByteLevel(tj.get("decoder")) || mentionsByteLevel(tj.get("pre_tokenizer"));
        if (!byteFallback && !byteLevel) {
            throw new ConvertException(file + ": a BPE tokenizer with neither byte_fallback nor a ByteLevel decoder;"
                    + " Cove converts Llama 2/Mistral-style and byte-level (Llama 3, Qwen2, GPT-2) tokenizers");
        }

        // token texts by id: the model's vocabulary and the added tokens
        Map<String, Object> vocab = Json.object(model.get("vocab"), file, "\"model.vocab\"");
        List<Object> added = tj.get("added_tokens") == null ? List.of() : Json.array(tj.get("added_tokens"), file, "\"added_tokens\"");
        int maxId = -1;
        Map<Integer, String> byId = new HashMap<>();
        for (Map.Entry<String, Object> e : vocab.entrySet()) {
            int id = tokenIdOf(e.getValue(), file, "the id of token " + e.getKey());
            byId.put(id, e.getKey());
            maxId = Math.max(maxId, id);
        }
        Map<Integer, Map<String, Object>> addedById = new HashMap<>();
        for (Object o : added) {
            Map<String, Object> a = Json.object(o, file, "an entry of \"added_tokens\"");
            int id = tokenIdOf(a.get("id"), file, "the id of an added token");
            if (!(a.get("content") instanceof String content)) {
                throw new ConvertException(file + ": added token " + id + " has no \"content\"");
            }
            addedById.put(id, a);
            byId.put(id, content);
            maxId = Math.max(maxId, id);
        }
        if (maxId + 1 > config.vocabSize()) {
            throw new ConvertException(file + ": the tokenizer has token ids up to " + maxId + " but config.json says vocab_size is "
                    + config.vocabSize() + ": the tokenizer does not belong to this model");
        }
        int n = config.vocabSize();
        String[] tokens = new String[n];
        int[] types = new int[n];
        String unk = model.get("unk_token") instanceof String s ? s : null;
        for (int id = 0; id < n; id++) {
            String text = byId.get(id);
            Map<String, Object> a = addedById.get(id);
            if (text == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = TokenType.UNUSED.code();
            } else if (a != null && (Boolean.TRUE.equals(a.get("special")) || looksSpecial(text))) {
                tokens[id] = text;
                types[id] = byteFallback && text.equals(unk) ? TokenType.UNKNOWN.code() : TokenType.CONTROL.code();
            } else if (a != null && !vocab.containsKey(text)) {
                tokens[id] = byteLevel ? text.replace('\u2581', ' ') : text;
                types[id] = TokenType.USER_DEFINED.code();
            } else if (byteFallback && isByteToken(text)) {
                tokens[id] = text;
                types[id] = TokenType.BYTE.code();
            } else if (byteFallback && text.equals(unk)) {
                tokens[id] = text;
                types[id] = TokenType.UNKNOWN.code();
            } else {
                tokens[id] = text;
                types[id] = TokenType.NORMAL.code();
            }
        }
        checkDuplicates(tokens, file);

        String[] merges = merges(model, file);
        Map<String, Integer> specialIds = new LinkedHashMap<>();
        Map<String, Boolean> addFlags = new LinkedHashMap<>();
        List<NamedTemplate> templates = new ArrayList<>();
        String jinja = chatTemplateJinja;
        if (jinja == null && chatTemplateJson != null) {
            Map<String, Object> ct = Json.object(Json.parse(chatTemplateJson, "chat_template.json"), "chat_template.json",
                    "the file");
            if (ct.get("chat_template") instanceof String t) {
                jinja = t;
            }
        }
        specialTokens(tj, tc, config, added, specialIds, addFlags, templates, jinja, n);
        HfFamily family = config.family();
        if (byteFallback && (family.gemma() || family == HfFamily.PHI3)) {
            float[] scores = sentencePieceTypes(tokens, types, merges, tj, tc, added, family, n, file);
            checkDuplicates(tokens, file);
            if (!specialIds.containsKey("unk") && unk != null) {
                int id = indexOf(tokens, unk);
                if (id >= 0) {
                    specialIds.put("unk", id);
                }
            }
            // llama.cpp's Gemma2Model/Gemma3Model.set_vocab: add_add_space_prefix(False)
            return new HfTokenizer("llama", "default", tokens, scores, types, null, specialIds, addFlags,
                    family.gemma() ? Boolean.FALSE : spaceprefix(tj), templates);
        }
        if (byteFallback) {
            if (!specialIds.containsKey("unk") && unk != null) {
                int id = indexOf(tokens, unk);
                if (id >= 0) {
                    specialIds.put("unk", id);
                }
            }
            return new HfTokenizer("llama", "default", tokens, spmScores(tokens, types, merges), types, null, specialIds,
                    addFlags, spaceprefix(tj), templates);
        }
        String pre = preOverride != null ? preOverride : preTokenizer(tj.get("pre_tokenizer"), file);
        float[] none = null;
        return new HfTokenizer("gpt2", pre, tokens, none, types, merges, specialIds, addFlags, null, templates);
    }

    /**
     * Token types and scores as llama.cpp's {@code _create_vocab_sentencepiece} (Gemma) and
     * {@code Phi3MiniModel.set_vocab} write them, with tokenizer.json standing in for the
     * SentencePiece model: the pieces are NORMAL (BYTE for {@code <0xNN>}, UNKNOWN for the unknown
     * piece, CONTROL for special added tokens) with scores from the merge order, ids beyond the
     * tokenizer UNUSED with score -10000; then every added token (tokenizer_config.json's
     * {@code added_tokens_decoder}, else tokenizer.json's {@code added_tokens}; Phi-3 reads both)
     * is CONTROL when special (Gemma: or when it looks special), else USER_DEFINED, with score
     * -1000; Gemma's user-defined tokens have U+2581 replaced by a space.
     */
    private static float[] sentencePieceTypes(String[] tokens, int[] types, String[] merges, Map<String, Object> tj,
                                              Map<String, Object> tc, List<Object> added, HfFamily family, int n,
                                              String file) {
        Map<String, Object> model = Json.object(tj.get("model"), file, "\"model\"");
        String unk = model.get("unk_token") instanceof String u ? u : null;
        for (int id = 0; id < n; id++) {
            if (types[id] == TokenType.UNUSED.code()) {
                continue;
            }
            types[id] = isByteToken(tokens[id]) ? TokenType.BYTE.code()
                    : tokens[id].equals(unk) ? TokenType.UNKNOWN.code() : TokenType.NORMAL.code();
        }
        for (Object o : added) {
            if (o instanceof Map<?, ?> a && a.get("id") instanceof Long id && id < n && Boolean.TRUE.equals(a.get("special"))
                    && types[id.intValue()] == TokenType.NORMAL.code()) {
                types[id.intValue()] = TokenType.CONTROL.code();
            }
        }
        float[] scores = spmScores(tokens, types, merges);
        for (int id = 0; id < n; id++) {
            if (types[id] == TokenType.UNUSED.code()) {
                scores[id] = -10000f;
            }
        }
        List<Map<?, ?>> overrides = new ArrayList<>();
        Object decoder = tc.get("added_tokens_decoder");
        if (decoder instanceof Map<?, ?> d) {
            for (Map.Entry<?, ?> e : d.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> m) {
                    int id;
                    try {
                        id = Integer.parseInt(String.valueOf(e.getKey()));
                    } catch (NumberFormatException bad) {
                        throw new ConvertException("tokenizer_config.json: added_tokens_decoder has the key \"" + e.getKey()
                                + "\", which is not a token id");
                    }
                    Map<String, Object> entry = new LinkedHashMap<>();
                    m.forEach((k, v) -> entry.put(String.valueOf(k), v));
                    entry.put("id", (long) id);
                    overrides.add(entry);
                }
            }
        }
        if (decoder == null || family == HfFamily.PHI3) {
            for (Object o : added) {
                if (o instanceof Map<?, ?> a) {
                    overrides.add(a);
                }
            }
        }
        for (Map<?, ?> a : overrides) {
            if (!(a.get("id") instanceof Long id) || id < 0 || id >= n || !(a.get("content") instanceof String content)) {
                continue; // llama.cpp ignores ids beyond the vocabulary
            }
            int i = id.intValue();
            boolean special = Boolean.TRUE.equals(a.get("special")) || (family.gemma() && looksSpecial(content));
            if (special) {
                types[i] = TokenType.CONTROL.code();
                tokens[i] = content;
            } else {
                types[i] = TokenType.USER_DEFINED.code();
                tokens[i] = family.gemma() ? content.replace('\u2581', ' ') : content;
            }
            scores[i] = -1000f;
        }
        return scores;
    }

    private static int tokenIdOf(Object v, String file, String what) {
        if (!(v instanceof Long id) || id < 0 || id >= Integer.MAX_VALUE) {
            throw new ConvertException(file + ": " + what + " must be a non-negative integer, not " + Json.kind(v));
        }
        return id.intValue();
    }

    private static void checkDuplicates(String[] tokens, String file) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            Integer previous = seen.putIfAbsent(tokens[i], i);
            if (previous != null) {
                throw new ConvertException(file + ": the token '" + tokens[i] + "' has two ids, " + previous + " and " + i);
            }
        }
    }

    private static int indexOf(String[] tokens, String text) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(text)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code <0xNN>}: a byte token of a byte-fallback vocabulary. */
    static boolean isByteToken(String t) {
        return t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")
                && Character.digit(t.charAt(3), 16) >= 0 && Character.digit(t.charAt(4), 16) >= 0;
    }

    /** llama.cpp's {@code does_token_look_special}. */
    static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>")) || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }

    private static boolean mentionsByteLevel(Object node) {
        if (node instanceof Map<?, ?> m) {
            if ("ByteLevel".equals(m.get("type"))) {
                return true;
            }
            for (Object v : m.values()) {
                if (mentionsByteLevel(v)) {
                    return true;
                }
            }
        } else if (node instanceof List<?> l) {
            for (Object v : l) {
                if (mentionsByteLevel(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The merges as "left right" strings; the newer pair form has spaces inside parts encoded as U+0120, as llama.cpp does. */
    private static String[] merges(Map<String, Object> model, String file) {
        Object m = model.get("merges");
        if (m == null || m == Json.NULL) {
            return new String[0];
        }
        List<Object> list = Json.array(m, file, "\"model.merges\"");
        String[] out = new String[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (e instanceof String s) {
                out[i] = s;
            } else if (e instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String a
                    && pair.get(1) instanceof String b) {
                out[i] = a.replace(' ', '\u0120') + " " + b.replace(' ', '\u0120');
            } else {
                throw new ConvertException(file + ": merge " + i + " is neither \"a b\" nor [\"a\", \"b\"]: " + Json.kind(e));
            }
        }
        return out;
    }

    /**
     * SentencePiece scores that reproduce the BPE merge order: the token made by merge r (its
     * first merge, when several pairs make it) scores -r; other normal tokens score below every
     * merged one, by id; byte, control and unknown tokens score 0.
     */
    static float[] spmScores(String[] tokens, int[] types, String[] merges) {
        Map<String, Integer> id = new HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            id.put(tokens[i], i);
        }
        int[] rank = new int[tokens.length];
        Arrays.fill(rank, -1);
        for (int r = 0; r < merges.length; r++) {
            String m = merges[r];
            int space = m.indexOf(' ');
            if (space < 0) {
                continue;
            }
            Integer t = id.get(m.substring(0, space) + m.substring(space + 1));
            if (t != null && rank[t] < 0) {
                rank[t] = r;
            }
        }
        float[] scores = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] != TokenType.NORMAL.code() && types[i] != TokenType.USER_DEFINED.code()) {
                scores[i] = 0f;
            } else if (rank[i] >= 0) {
                scores[i] = -rank[i];
            } else {
                scores[i] = -(float) (merges.length + i);
            }
        }
        return scores;
    }

    /**
     * Whether a SentencePiece-style tokenizer adds a space in front of the text: yes with the
     * classic normalizer (Prepend "▁") or a Metaspace pre-tokenizer that prepends; null (the GGUF
     * default, yes) when nothing says; no for a Metaspace with prepend_scheme "never".
     */
    private static Boolean spaceprefix(Map<String, Object> tj) {
        if (containsType(tj.get("normalizer"), "Prepend")) {
            return null;
        }
        Map<?, ?> meta = findType(tj.get("pre_tokenizer"), "Metaspace");
        if (meta != null) {
            Object scheme = meta.get("prepend_scheme");
            if ("never".equals(scheme) || Boolean.FALSE.equals(meta.get("add_prefix_space"))) {
                return Boolean.FALSE;
            }
            return null;
        }
        // Neither prepends: the tokenizer adds no space in front of the text.
        return Boolean.FALSE;
    }

    private static boolean containsType(Object node, String type) {
        return findType(node, type) != null;
    }

    private static Map<?, ?> findType(Object node, String type) {
        if (node instanceof Map<?, ?> m) {
            if (type.equals(m.get("type"))) {
                return m;
            }
            for (Object v : m.values()) {
                Map<?, ?> f = findType(v, type);
                if (f != null) {
                    return f;
                }
            }
        } else if (node instanceof List<?> l) {
            for (Object v : l) {
                Map<?, ?> f = findType(v, type);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    /** {@code tokenizer.ggml.pre} from the pre-tokenizer's split expressions. */
    static String preTokenizer(Object pre, String file) {
        if (pre == null || pre == Json.NULL) {
            throw new ConvertException(file + ": the byte-level tokenizer has no pre_tokenizer, so Cove cannot tell how it"
                    + " splits words; give the pre-tokenizer name (--pre, e.g. gpt-2, llama-bpe, qwen2)");
        }
        List<String> regexes = new ArrayList<>();
        boolean byteLevelRegex = collectSplits(pre, regexes);
        if (regexes.isEmpty() && byteLevelRegex) {
            return "gpt-2";
        }
        if (regexes.size() == 1 && !byteLevelRegex) {
            String known = KNOWN_PRE.get(regexes.get(0));
            if (known != null) {
                return known;
            }
        }
        throw new ConvertException(file + ": the pre-tokenizer splits with " + regexes + ", which Cove does not recognise"
                + " (it recognises GPT-2, Llama 3 and Qwen2); give the llama.cpp pre-tokenizer name with --pre");
    }

    /** Collects Split regexes; returns whether a ByteLevel step applies GPT-2's own regex. */
    private static boolean collectSplits(Object node, List<String> out) {
        boolean gpt2 = false;
        if (node instanceof Map<?, ?> m) {
            Object type = m.get("type");
            if ("Split".equals(type) && m.get("pattern") instanceof Map<?, ?> p) {
                if (p.get("Regex") instanceof String r) {
                    out.add(r);
                } else if (p.get("String") instanceof String s) {
                    out.add(java.util.regex.Pattern.quote(s));
                }
            } else if ("ByteLevel".equals(type)) {
                gpt2 = !Boolean.FALSE.equals(m.get("use_regex"));
            } else if ("Sequence".equals(type) && m.get("pretokenizers") instanceof List<?> l) {
                for (Object o : l) {
                    gpt2 |= collectSplits(o, out);
                }
            }
        }
        return gpt2;
    }

    /** llama.cpp's SpecialVocab: token ids, add_*_token flags and chat templates. */
    private static void specialTokens(Map<String, Object> tj, Map<String, Object> tc, HfConfig config, List<Object> added,
                                      Map<String, Integer> ids, Map<String, Boolean> flags, List<NamedTemplate> templates,
                                      String chatTemplateJinja, int n) {
        String specialBos = contentOf(tc.get("bos_token"));
        String specialEos = contentOf(tc.get("eos_token"));
        // A TemplateProcessing post-processor says whether BOS/EOS are added around a text.
        Object post = tj.get("post_processor");
        if (post instanceof Map<?, ?> pp) {
            List<Object> processors = new ArrayList<>();
            if (pp.get("processors") instanceof List<?> l) {
                processors.addAll(l);
            } else {
                processors.add(pp);
            }
            String specialSep = contentOf(tc.get("sep_token"));
            for (Object o : processors) {
                if (!(o instanceof Map<?, ?> proc) || !"TemplateProcessing".equals(proc.get("type"))) {
                    continue;
                }
                String first = null;
                String last = null;
                if (proc.get("single") instanceof List<?> single && single.size() > 1) {
                    first = specialTokenId(single.get(0));
                    last = specialTokenId(single.get(single.size() - 1));
                    if (first != null) {
                        if (specialBos == null && tc.isEmpty()) {
                            specialBos = first;
                        }
                        flags.put("bos", first.equals(specialBos));
                    }
                    if (last != null) {
                        if (specialEos == null && tc.isEmpty()) {
                            specialEos = last;
                        }
                        flags.put("eos", last.equals(specialEos));
                    }
                }
                // gguf-py's SpecialVocab: "A [sep] [eos] B" in the pair template says whether a separator is added
                if (proc.get("pair") instanceof List<?> pair && !pair.isEmpty()) {
                    int from = first != null && first.equals(specialTokenId(pair.get(0))) ? 1 : 0;
                    int to = last != null && last.equals(specialTokenId(pair.get(pair.size() - 1))) ? pair.size() - 1
                            : pair.size();
                    List<?> body = from < to ? pair.subList(from, to) : List.of();
                    if (body.size() > 2 && "A".equals(sequenceId(body.get(0))) && "B".equals(sequenceId(body.get(body.size() - 1)))) {
                        List<?> middle = body.subList(1, body.size() - 1);
                        boolean addSep = false;
                        String e0 = specialTokenId(middle.get(0));
                        if (e0 != null && (e0.equals(specialSep) || e0.equals(specialEos)) && last == null) {
                            addSep = true;
                        }
                        if (middle.size() == 2) {
                            String e1 = specialTokenId(middle.get(1));
                            if (e1 != null && (e1.equals(specialSep) || e1.equals(specialEos))) {
                                addSep = true;
                            }
                        }
                        flags.put("sep", addSep);
                    }
                }
            }
        }
        // chat template: tokenizer_config.json, else chat_template.jinja, else chat_template.json
        Object template = tc.get("chat_template");
        if (template instanceof String s) {
            templates.add(new NamedTemplate("default", s));
        } else if (template instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("name") instanceof String name && m.get("template") instanceof String t) {
                    templates.add(new NamedTemplate(name, t));
                }
            }
        } else if (chatTemplateJinja != null) {
            templates.add(new NamedTemplate("default", chatTemplateJinja));
        }
        for (String typ : SPECIAL_KEYS.keySet()) {
            if (tc.get("add_" + typ + "_token") instanceof Boolean b) {
                flags.put(typ, b);
            }
            String content = contentOf(tc.get(typ + "_token"));
            if (content == null) {
                if (typ.equals("bos")) {
                    content = specialBos;
                } else if (typ.equals("eos")) {
                    content = specialEos;
                }
            }
            if (content == null) {
                continue;
            }
            for (Object o : added) {
                if (o instanceof Map<?, ?> a && content.equals(a.get("content")) && a.get("id") instanceof Long id) {
                    if (id < n) {
                        ids.putIfAbsent(typ, id.intValue());
                    }
                    break;
                }
            }
        }
        for (String typ : SPECIAL_KEYS.keySet()) {
            int id = config.tokenId(typ + "_token_id");
            if (id >= 0 && id < n) {
                ids.putIfAbsent(typ, id);
            }
        }
        // llama.cpp writes only these three flags
        flags.keySet().retainAll(List.of("bos", "eos", "sep"));
    }

    private static String contentOf(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) {
            return s;
        }
        return null;
    }

    private static String sequenceId(Object item) {
        if (item instanceof Map<?, ?> m && m.get("Sequence") instanceof Map<?, ?> seq && seq.get("id") instanceof String id) {
            return id;
        }
        return null;
    }

    private static String specialTokenId(Object item) {
        if (item instanceof Map<?, ?> m && m.get("SpecialToken") instanceof Map<?, ?> st && st.get("id") instanceof String id) {
            return id;
        }
        return null;
    }
}
