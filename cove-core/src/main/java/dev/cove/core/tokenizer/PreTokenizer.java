package dev.cove.core.tokenizer;

import dev.cove.core.CoveException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, exactly as llama.cpp's {@code unicode_regex_split}
 * does for the pre-tokenizer named by {@code tokenizer.ggml.pre}.
 *
 * <p>A pre-tokenizer is a list of regular expressions applied in sequence: each one splits every
 * piece left by the previous one into its matches and the text between them (both kept). Like
 * llama.cpp:
 * <ul>
 *   <li>the GPT-2 and Llama 3 expressions run as hand-written scanners (llama.cpp's
 *       {@code unicode_regex_split_custom_gpt2/llama3});</li>
 *   <li>an expression using Unicode categories ({@code \p{L}}, {@code \p{N}}, ...) runs on a
 *       "collapsed" copy of the text where every non-ASCII code point is replaced by one
 *       placeholder character per category (whitespace by U+000B), the categories in the
 *       expression being rewritten to match those placeholders plus their ASCII members. This
 *       reproduces llama.cpp's quirks, for instance that {@code \p{S}} does not match '~';</li>
 *   <li>other expressions run on the code points with non-ASCII whitespace replaced by U+000B.</li>
 * </ul>
 * {@code java.util.regex} without {@code UNICODE_CHARACTER_CLASS} has the same {@code \s}
 * ({@code [ \t\n\x0B\f\r]}) and the same leftmost-first backtracking as the ECMAScript
 * {@code std::regex} llama.cpp uses. A few expressions are written in an equivalent Java form
 * that runs in linear time and without recursion: deepseek-llm's {@code \s+$} as
 * {@code (?<!\s)\s++\z} (the same match, without retrying from every position inside a run
 * of spaces), and {@code ((?=[\p{L}])([^a-z]))*} as the intersection {@code [\p{L}&&[^a-z]]*}.
 *
 * <p>Immutable and thread-safe.
 */
final class PreTokenizer {

    /** llama.cpp's GPT-2 expression; always run by the scanner {@link #splitGpt2}. */
    static final String GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    /** llama.cpp's Llama 3 expression (case-insensitive contractions spelled out); run by {@link #splitLlama3}. */
    static final String LLAMA3_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String QWEN2_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String SEED_CODER_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String CJK_REGEX = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

    private static final String DEEPSEEK_LLM_LETTERS_REGEX = "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF"
            + "\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C"
            + "\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5"
            + "\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15"
            + "\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4"
            + "\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4"
            + "\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D"
            + "\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4"
            + "\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E"
            + "\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\\x{10400}-\\x{1044F}"
            + "\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}"
            + "\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]+";

    private static final String PORO_REGEX = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";

    private static final String CONTRACTIONS_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

    private static final String TEKKEN_REGEX = "[^\\r\\n\\p{L}\\p{N}]?[\\p{L}&&[^a-z]]*[\\p{L}&&[^A-Z]]+"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}&&[^a-z]]+[\\p{L}&&[^A-Z]]*"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String GPT4O_REGEX = "[^\\r\\n\\p{L}\\p{N}]?[\\p{L}&&[^a-z]]*[\\p{L}&&[^A-Z]]+" + CONTRACTIONS_REGEX + "?"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}&&[^a-z]]+[\\p{L}&&[^A-Z]]*" + CONTRACTIONS_REGEX + "?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String DEEPSEEK3_REGEX = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
            + "|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

    /** The llama.cpp pre-tokenizer types Cove knows, with the per-type vocabulary settings. */
    enum Type {
        DEFAULT(List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2_REGEX, "\\p{N}+", "[0-9][0-9][0-9]"), true, false, false),
        LLAMA3(List.of(LLAMA3_REGEX), true, true, true),
        DBRX(List.of(LLAMA3_REGEX), true, false, false),
        DEEPSEEK_LLM(List.of("[\r\n]", DEEPSEEK_LLM_LETTERS_REGEX,
                "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+", "(?<!\\s)\\s++\\z", CJK_REGEX, "\\p{N}+"),
                false, false, false),
        DEEPSEEK_CODER(List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK_REGEX, "\\p{N}"), false, false, false),
        DEEPSEEK3_LLM(List.of("\\p{N}{1,3}", "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+", DEEPSEEK3_REGEX), false, false, false),
        FALCON(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2_REGEX, "[0-9][0-9][0-9]"), true, false, false),
        STARCODER(List.of("\\p{N}", GPT2_REGEX), true, false, false),
        GPT2(List.of(GPT2_REGEX), true, false, false),
        QWEN2(List.of(QWEN2_REGEX), false, false, false),
        STABLELM2(List.of(QWEN2_REGEX), true, false, false),
        PORO(List.of(PORO_REGEX), false, false, false),
        BLOOM(List.of(PORO_REGEX), true, false, false),
        VIKING(List.of(PORO_REGEX, "\\p{N}"), false, false, false),
        TEKKEN(List.of(TEKKEN_REGEX), false, true, true),
        GPT4O(List.of(GPT4O_REGEX), false, false, false),
        SEED_CODER(List.of(SEED_CODER_REGEX), false, false, false);

        final List<String> regexes;
        final boolean cleanSpaces;
        final boolean ignoreMerges;
        final boolean addBos;

        Type(List<String> regexes, boolean cleanSpaces, boolean ignoreMerges, boolean addBos) {
            this.regexes = regexes;
            this.cleanSpaces = cleanSpaces;
            this.ignoreMerges = ignoreMerges;
            this.addBos = addBos;
        }
    }

    /**
     * A {@code tokenizer.ggml.pre} name resolved to its type and to the settings llama.cpp
     * attaches to that name (which can differ between names sharing a type).
     */
    record Resolved(String name, Type type, boolean cleanSpaces, boolean ignoreMerges, boolean addBos, boolean noBos) {
    }

    private static final Map<String, Type> NAMES = Map.ofEntries(
            Map.entry("default", Type.DEFAULT),
            Map.entry("llama3", Type.LLAMA3), Map.entry("llama-v3", Type.LLAMA3), Map.entry("llama-bpe", Type.LLAMA3),
            Map.entry("falcon3", Type.LLAMA3), Map.entry("falcon-h1", Type.LLAMA3), Map.entry("pixtral", Type.LLAMA3),
            Map.entry("midm-2.0", Type.LLAMA3), Map.entry("lfm2", Type.LLAMA3), Map.entry("jina-v5-nano", Type.LLAMA3),
            Map.entry("dbrx", Type.DBRX), Map.entry("smaug-bpe", Type.DBRX), Map.entry("glm4", Type.DBRX),
            Map.entry("chatglm-bpe", Type.DBRX),
            Map.entry("deepseek-llm", Type.DEEPSEEK_LLM),
            Map.entry("deepseek-coder", Type.DEEPSEEK_CODER),
            Map.entry("deepseek-v3", Type.DEEPSEEK3_LLM), Map.entry("hunyuan-dense", Type.DEEPSEEK3_LLM),
            Map.entry("falcon", Type.FALCON),
            Map.entry("mpt", Type.GPT2), Map.entry("olmo", Type.GPT2), Map.entry("jais", Type.GPT2),
            Map.entry("gpt-2", Type.GPT2), Map.entry("phi-2", Type.GPT2), Map.entry("jina-es", Type.GPT2),
            Map.entry("jina-de", Type.GPT2), Map.entry("gigachat", Type.GPT2),
            Map.entry("jina-v2-es", Type.GPT2), Map.entry("jina-v2-de", Type.GPT2),
            Map.entry("jina-v1-en", Type.GPT2), Map.entry("jina-v2-code", Type.GPT2),
            Map.entry("roberta-bpe", Type.GPT2), Map.entry("a.x-4.0", Type.GPT2),
            Map.entry("mellum", Type.GPT2), Map.entry("modern-bert", Type.GPT2),
            Map.entry("exaone4", Type.GPT2), Map.entry("trillion", Type.GPT2),
            Map.entry("granite-docling", Type.GPT2),
            // Not a llama.cpp name: GPT-NeoX's tokenizer.json uses the GPT-2 byte-level pre-tokenizer.
            Map.entry("gpt-neox", Type.GPT2),
            Map.entry("starcoder", Type.STARCODER), Map.entry("refact", Type.STARCODER),
            Map.entry("command-r", Type.STARCODER), Map.entry("smollm", Type.STARCODER),
            Map.entry("codeshell", Type.STARCODER), Map.entry("exaone", Type.STARCODER),
            Map.entry("minerva-7b", Type.STARCODER), Map.entry("mellum2", Type.STARCODER),
            Map.entry("qwen2", Type.QWEN2), Map.entry("deepseek-r1-qwen", Type.QWEN2),
            Map.entry("kormo", Type.QWEN2), Map.entry("f2llmv2", Type.QWEN2), Map.entry("megrez", Type.QWEN2),
            Map.entry("hunyuan", Type.QWEN2), Map.entry("solar-open", Type.QWEN2),
            Map.entry("stablelm2", Type.STABLELM2),
            Map.entry("poro-chat", Type.PORO),
            Map.entry("bloom", Type.BLOOM), Map.entry("gpt3-finnish", Type.BLOOM),
            Map.entry("viking", Type.VIKING),
            Map.entry("tekken", Type.TEKKEN),
            Map.entry("gpt-4o", Type.GPT4O), Map.entry("llama4", Type.GPT4O),
            Map.entry("kanana2", Type.GPT4O), Map.entry("minimax-m2", Type.GPT4O),
            Map.entry("seed-coder", Type.SEED_CODER));

    /** Names llama.cpp gives {@code clean_spaces = false} although their type defaults to true, or the reverse. */
    private static final java.util.Set<String> NO_CLEAN_SPACES = java.util.Set.of(
            "command-r", "smollm", "trillion", "granite-docling");
    private static final java.util.Set<String> CLEAN_SPACES = java.util.Set.of("megrez");

    /**
     * Resolves a {@code tokenizer.ggml.pre} value; null or empty means "default", as in llama.cpp.
     *
     * @throws CoveException naming the value when Cove does not know it
     */
    static Resolved resolve(String pre) {
        String name = pre == null || pre.isEmpty() ? "default" : pre;
        Type type = NAMES.get(name);
        if (type == null) {
            throw new CoveException("unknown pre-tokenizer type '" + name + "' (tokenizer.ggml.pre); Cove knows: "
                    + String.join(", ", new java.util.TreeSet<>(NAMES.keySet())));
        }
        boolean clean = type.cleanSpaces;
        if (NO_CLEAN_SPACES.contains(name)) {
            clean = false;
        } else if (CLEAN_SPACES.contains(name)) {
            clean = true;
        }
        // chatglm-bpe / glm4: llama.cpp's CHATGLM4 type has no BOS
        boolean noBos = name.equals("glm4") || name.equals("chatglm-bpe");
        return new Resolved(name, type, clean, type.ignoreMerges, type.addBos, noBos);
    }

    static PreTokenizer of(Type type) {
        return new PreTokenizer(type.regexes);
    }

    // ---------------------------------------------------------------------------------------

    private sealed interface Step permits Gpt2Step, Llama3Step, RegexStep {
    }

    private record Gpt2Step() implements Step {
    }

    private record Llama3Step() implements Step {
    }

    private record RegexStep(String source, Pattern pattern, boolean collapsed) implements Step {
    }

    private final List<Step> steps;
    private final boolean needsCollapsed;
    private final boolean needsWide;

    PreTokenizer(List<String> regexes) {
        List<Step> s = new ArrayList<>();
        boolean collapsed = false;
        boolean wide = false;
        for (String regex : regexes) {
            if (regex.equals(GPT2_REGEX)) {
                s.add(new Gpt2Step());
            } else if (regex.equals(LLAMA3_REGEX)) {
                s.add(new Llama3Step());
            } else if (usesCategories(regex)) {
                for (int i = 0; i < regex.length(); i++) {
                    if (regex.charAt(i) >= 128) {
                        throw new IllegalArgumentException("regex uses both unicode categories and non-ASCII characters: " + regex);
                    }
                }
                s.add(new RegexStep(regex, Pattern.compile(collapseRegex(regex)), true));
                collapsed = true;
            } else {
                s.add(new RegexStep(regex, Pattern.compile(regex), false));
                wide = true;
            }
        }
        this.steps = List.copyOf(s);
        this.needsCollapsed = collapsed;
        this.needsWide = wide;
    }

    /** The words of {@code text}, in order; their concatenation is {@code text}. */
    List<String> split(String text) {
        int[] cps = text.codePoints().toArray();
        IntList offsets = new IntList(4);
        offsets.add(cps.length);
        String collapsed = needsCollapsed ? collapsedText(cps) : null;
        WideText wide = needsWide ? new WideText(cps) : null;
        for (Step step : steps) {
            offsets = switch (step) {
                case Gpt2Step g -> splitGpt2(cps, offsets);
                case Llama3Step l -> splitLlama3(cps, offsets);
                case RegexStep r -> r.collapsed()
                        ? splitRegex(r.pattern(), collapsed, null, offsets)
                        : splitRegex(r.pattern(), wide.text, wide, offsets);
            };
        }
        List<String> words = new ArrayList<>(offsets.size());
        int start = 0;
        for (int i = 0; i < offsets.size(); i++) {
            int len = offsets.get(i);
            if (len > 0) {
                words.add(new String(cps, start, len));
            }
            start += len;
        }
        return words;
    }

    // ---------------------------------------------------------------- unicode categories

    private static final String[][] CATEGORIES = {
        {"\\p{N}", "N"}, {"\\p{L}", "L"}, {"\\p{P}", "P"}, {"\\p{M}", "M"}, {"\\p{S}", "S"},
        {"\\p{Lu}", "L"}, {"\\p{Ll}", "L"}, {"\\p{Lt}", "L"}, {"\\p{Lm}", "L"}, {"\\p{Lo}", "L"},
    };

    private static boolean usesCategories(String regex) {
        for (String[] c : CATEGORIES) {
            if (regex.contains(c[0])) {
                return true;
            }
        }
        return false;
    }

    private static String category(String pattern) {
        for (String[] c : CATEGORIES) {
            if (c[0].equals(pattern)) {
                return c[1];
            }
        }
        return null;
    }

    private static final char PLACEHOLDER_OTHER = '\u00D0';

    private static char placeholder(String category) {
        return switch (category) {
            case "N" -> '\u00D1';
            case "L" -> '\u00D2';
            case "P" -> '\u00D3';
            case "M" -> '\u00D4';
            case "S" -> '\u00D5';
            default -> throw new IllegalArgumentException(category);
        };
    }

    /** The ASCII members of each category, as llama.cpp's {@code k_ucat_map}, in Java class syntax. */
    private static String asciiMembers(String category) {
        return switch (category) {
            case "N" -> "0-9";
            case "L" -> "A-Za-z";
            case "P" -> "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}";
            case "M" -> "";
            case "S" -> "\\$\\+<->\\^`\\|";
            default -> throw new IllegalArgumentException(category);
        };
    }

    /** llama.cpp's rewriting of an expression for the collapsed text. */
    static String collapseRegex(String regex) {
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '[' && (i == 0 || regex.charAt(i - 1) != '\\')) {
                out.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && regex.charAt(i - 1) != '\\') {
                out.append(']');
                inside = false;
                continue;
            }
            if (c == '\\' && i + 3 < regex.length() && regex.charAt(i + 1) == 'p' && regex.charAt(i + 2) == '{') {
                int close = regex.indexOf('}', i + 3);
                if (close >= 0 && close <= i + 10) {
                    String cat = category(regex.substring(i, close + 1));
                    if (cat != null) {
                        if (!inside) {
                            out.append('[');
                        }
                        out.append(placeholder(cat)).append(asciiMembers(cat));
                        if (!inside) {
                            out.append(']');
                        }
                        i = close;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** One char per code point: ASCII as is, other code points as their category's placeholder. */
    static String collapsedText(int[] cps) {
        char[] out = new char[cps.length];
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            if (cp < 128) {
                out[i] = (char) cp;
                continue;
            }
            int flags = CodepointFlags.of(cp);
            if ((flags & CodepointFlags.WHITESPACE) != 0) {
                out[i] = '\u000B';
                continue;
            }
            out[i] = switch (flags & CodepointFlags.MASK_CATEGORIES) {
                case CodepointFlags.NUMBER -> '\u00D1';
                case CodepointFlags.LETTER -> '\u00D2';
                case CodepointFlags.PUNCTUATION -> '\u00D3';
                case CodepointFlags.ACCENT_MARK -> '\u00D4';
                case CodepointFlags.SYMBOL -> '\u00D5';
                default -> PLACEHOLDER_OTHER;
            };
        }
        return new String(out);
    }

    /** The code points as a Java string (non-ASCII whitespace as U+000B) with index maps both ways. */
    private static final class WideText {
        final String text;
        final int[] cpToChar;
        final int[] charToCp;

        WideText(int[] cps) {
            StringBuilder sb = new StringBuilder(cps.length + 8);
            cpToChar = new int[cps.length + 1];
            for (int i = 0; i < cps.length; i++) {
                cpToChar[i] = sb.length();
                int cp = cps[i];
                if (cp > 0x7F && CodepointFlags.isWhitespace(cp)) {
                    cp = 0x0B;
                }
                sb.appendCodePoint(cp);
            }
            cpToChar[cps.length] = sb.length();
            text = sb.toString();
            charToCp = new int[text.length() + 1];
            for (int i = 0; i < cps.length; i++) {
                for (int c = cpToChar[i]; c < cpToChar[i + 1]; c++) {
                    charToCp[c] = i;
                }
            }
            charToCp[text.length()] = cps.length;
        }
    }

    private static IntList splitRegex(Pattern pattern, String text, WideText wide, IntList offsets) {
        IntList out = new IntList(offsets.size() * 4);
        Matcher m = pattern.matcher(text);
        int start = 0;
        for (int k = 0; k < offsets.size(); k++) {
            int len = offsets.get(k);
            int end = start + len;
            if (len == 0) {
                continue;
            }
            m.region(wide == null ? start : wide.cpToChar[start], wide == null ? end : wide.cpToChar[end]);
            int last = start;
            while (m.find()) {
                int ms = wide == null ? m.start() : wide.charToCp[m.start()];
                int me = wide == null ? m.end() : wide.charToCp[m.end()];
                if (me == ms) {
                    continue;
                }
                if (ms > last) {
                    out.add(ms - last);
                }
                out.add(me - ms);
                last = me;
            }
            if (last < end) {
                out.add(end - last);
            }
            start = end;
        }
        return out;
    }

    // ---------------------------------------------------------------- hand-written scanners

    private static final int OUT_OF_RANGE = -1;

    /** Port of llama.cpp's {@code unicode_regex_split_custom_gpt2}. */
    static IntList splitGpt2(int[] cps, IntList offsets) {
        IntList out = new IntList(offsets.size() * 4);
        int start = 0;
        for (int k = 0; k < offsets.size(); k++) {
            final int ini = start;
            final int end = start + offsets.get(k);
            start = end;
            Piece p = new Piece(cps, ini, end, out);
            int pos = ini;
            while (pos < end) {
                int cpt = p.cpt(pos);
                int flags = p.flags(pos);

                // 's|'t|'re|'ve|'m|'ll|'d
                if (cpt == '\'' && pos + 1 < end) {
                    int next = p.cpt(pos + 1);
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos = p.add(pos + 2);
                        continue;
                    }
                    if (pos + 2 < end) {
                        int nextNext = p.cpt(pos + 2);
                        if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                                || (next == 'l' && nextNext == 'l')) {
                            pos = p.add(pos + 3);
                            continue;
                        }
                    }
                }

                int flags2 = cpt == ' ' ? p.flags(pos + 1) : flags;
                // <space>?\p{L}+
                if (isLetter(flags2)) {
                    pos += cpt == ' ' ? 1 : 0;
                    while (isLetter(flags2)) {
                        flags2 = p.flags(++pos);
                    }
                    p.add(pos);
                    continue;
                }
                // <space>?\p{N}+
                if (isNumber(flags2)) {
                    pos += cpt == ' ' ? 1 : 0;
                    while (isNumber(flags2)) {
                        flags2 = p.flags(++pos);
                    }
                    p.add(pos);
                    continue;
                }
                // <space>?[^\s\p{L}\p{N}]+
                if (isOther(flags2)) {
                    pos += cpt == ' ' ? 1 : 0;
                    while (isOther(flags2)) {
                        flags2 = p.flags(++pos);
                    }
                    p.add(pos);
                    continue;
                }

                int whitespaces = 0;
                while (isWhitespace(p.flags(pos + whitespaces))) {
                    whitespaces++;
                }
                // \s+(?!\S)
                if (whitespaces > 1 && p.cpt(pos + whitespaces) != OUT_OF_RANGE) {
                    pos += whitespaces - 1;
                    p.add(pos);
                    continue;
                }
                // \s+
                if (whitespaces > 0) {
                    pos += whitespaces;
                    p.add(pos);
                    continue;
                }
                // no match
                p.add(++pos);
            }
        }
        return out;
    }

    /** Port of llama.cpp's {@code unicode_regex_split_custom_llama3}. */
    static IntList splitLlama3(int[] cps, IntList offsets) {
        IntList out = new IntList(offsets.size() * 4);
        int start = 0;
        for (int k = 0; k < offsets.size(); k++) {
            final int ini = start;
            final int end = start + offsets.get(k);
            start = end;
            Piece p = new Piece(cps, ini, end, out);
            int pos = ini;
            while (pos < end) {
                int cpt = p.cpt(pos);
                int flags = p.flags(pos);

                // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                if (cpt == '\'' && pos + 1 < end) {
                    int next = toLower(p.cpt(pos + 1));
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos = p.add(pos + 2);
                        continue;
                    }
                    if (pos + 2 < end) {
                        int nextNext = toLower(p.cpt(pos + 2));
                        if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                                || (next == 'l' && nextNext == 'l')) {
                            pos = p.add(pos + 3);
                            continue;
                        }
                    }
                }

                // [^\r\n\p{L}\p{N}]?\p{L}+
                if (!(cpt == '\r' || cpt == '\n' || isNumber(flags))) {
                    if (isLetter(flags) || isLetter(p.flags(pos + 1))) {
                        pos++;
                        while (isLetter(p.flags(pos))) {
                            pos++;
                        }
                        p.add(pos);
                        continue;
                    }
                }

                // \p{N}{1,3}
                if (isNumber(flags)) {
                    int first = pos;
                    while (isNumber(p.flags(pos))) {
                        if (++pos - first >= 3) {
                            p.add(pos);
                            first = pos;
                        }
                    }
                    p.add(pos);
                    continue;
                }

                // <space>?[^\s\p{L}\p{N}]+[\r\n]*
                int flags2 = cpt == ' ' ? p.flags(pos + 1) : flags;
                if (!(isWhitespace(flags2) || isLetter(flags2) || isNumber(flags2)) && flags != CodepointFlags.NONE) {
                    pos += cpt == ' ' ? 1 : 0;
                    while (isOther(flags2)) {
                        flags2 = p.flags(++pos);
                    }
                    int cpt2 = p.cpt(pos);
                    while (cpt2 == '\r' || cpt2 == '\n') {
                        cpt2 = p.cpt(++pos);
                    }
                    p.add(pos);
                    continue;
                }

                int whitespaces = 0;
                int lastEndOfNewline = 0;
                while (isWhitespace(p.flags(pos + whitespaces))) {
                    int cpt2 = p.cpt(pos + whitespaces);
                    if (cpt2 == '\r' || cpt2 == '\n') {
                        lastEndOfNewline = pos + whitespaces + 1;
                    }
                    whitespaces++;
                }
                // \s*[\r\n]+
                if (lastEndOfNewline > 0) {
                    pos = lastEndOfNewline;
                    p.add(pos);
                    continue;
                }
                // \s+(?!\S)
                if (whitespaces > 1 && p.cpt(pos + whitespaces) != OUT_OF_RANGE) {
                    pos += whitespaces - 1;
                    p.add(pos);
                    continue;
                }
                // \s+
                if (whitespaces > 0) {
                    pos += whitespaces;
                    p.add(pos);
                    continue;
                }
                // no match
                p.add(++pos);
            }
        }
        return out;
    }

    private static int toLower(int cp) {
        return cp == OUT_OF_RANGE ? cp : Character.toLowerCase(cp);
    }

    private static boolean isLetter(int flags) {
        return (flags & CodepointFlags.LETTER) != 0;
    }

    private static boolean isNumber(int flags) {
        return (flags & CodepointFlags.NUMBER) != 0;
    }

    private static boolean isWhitespace(int flags) {
        return (flags & CodepointFlags.WHITESPACE) != 0;
    }

    /** {@code [^\s\p{L}\p{N}]} inside the piece. */
    private static boolean isOther(int flags) {
        return (flags & (CodepointFlags.WHITESPACE | CodepointFlags.LETTER | CodepointFlags.NUMBER)) == 0
                && flags != CodepointFlags.NONE;
    }

    /** One piece being scanned: code point access limited to the piece, and word emission. */
    private static final class Piece {
        final int[] cps;
        final int ini;
        final int end;
        final IntList out;
        int prevEnd;

        Piece(int[] cps, int ini, int end, IntList out) {
            this.cps = cps;
            this.ini = ini;
            this.end = end;
            this.out = out;
            this.prevEnd = ini;
        }

        int cpt(int pos) {
            return pos >= ini && pos < end ? cps[pos] : OUT_OF_RANGE;
        }

        int flags(int pos) {
            return pos >= ini && pos < end ? CodepointFlags.of(cps[pos]) : CodepointFlags.NONE;
        }

        /** Ends a word at {@code wordEnd}; returns {@code wordEnd}. */
        int add(int wordEnd) {
            int len = wordEnd - prevEnd;
            if (len > 0) {
                out.add(len);
            }
            prevEnd = wordEnd;
            return wordEnd;
        }
    }

    @Override
    public String toString() {
        return "PreTokenizer" + steps.stream().map(s -> switch (s) {
            case Gpt2Step g -> "gpt2";
            case Llama3Step l -> "llama3";
            case RegexStep r -> r.source();
        }).toList().toString().toLowerCase(Locale.ROOT);
    }
}
