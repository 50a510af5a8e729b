package dev.cove.core.eval.metric;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * sacreBLEU's tokenizers ({@code sacrebleu/tokenizers/}): what a line becomes before its words are
 * counted. {@link #V13A} (mteval-v13a.pl's, sacreBLEU's default) is the one WMT scores use.
 */
public enum BleuTokenizer {
    /** No tokenization: the words are what white space separates. */
    NONE("none") {
        @Override
        public String tokenize(String line) {
            return line;
        }
    },
    /** mteval-v13a: punctuation split off, except commas and periods inside numbers and dashes after digits. */
    V13A("13a") {
        @Override
        public String tokenize(String line) {
            line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
            if (line.indexOf('&') >= 0) {
                line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            }
            line = " " + line + " ";
            line = SYMBOLS.matcher(line).replaceAll(" $1 ");
            line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
            line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
            line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
            return PythonText.normalizeSpaces(line);
        }
    },
    /** mteval-v14's international tokenization: Unicode punctuation and symbols split off. */
    INTL("intl") {
        @Override
        public String tokenize(String line) {
            line = PUNCTUATION_AFTER_NON_NUMBER.matcher(line).replaceAll("$1 $2 ");
            line = PUNCTUATION_BEFORE_NON_NUMBER.matcher(line).replaceAll(" $1 $2");
            line = SYMBOL.matcher(line).replaceAll(" $1 ");
            return PythonText.normalizeSpaces(line);
        }
    },
    /** Every character a word. */
    CHAR("char") {
        @Override
        public String tokenize(String line) {
            StringBuilder b = new StringBuilder(line.length() * 2);
            line.codePoints().forEach(c -> {
                if (!b.isEmpty()) {
                    b.append(' ');
                }
                b.appendCodePoint(c);
            });
            return b.toString();
        }
    };

    // sacrebleu/tokenizers/tokenizer_re.py, in its order; Java's replaceAll matches as Python's re.sub does.
    private static final Pattern SYMBOLS = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");
    // sacrebleu/tokenizers/tokenizer_intl.py
    private static final Pattern PUNCTUATION_AFTER_NON_NUMBER = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern PUNCTUATION_BEFORE_NON_NUMBER = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern SYMBOL = Pattern.compile("(\\p{S})");

    private final String id;

    BleuTokenizer(String id) {
        this.id = id;
    }

    /** The tokenized line: words separated by single spaces. */
    public abstract String tokenize(String line);

    /** sacreBLEU's name for it ({@code 13a}, {@code none}, {@code intl}, {@code char}). */
    public String id() {
        return id;
    }

    /** The tokenizer sacreBLEU calls {@code name}. */
    public static BleuTokenizer named(String name) {
        for (BleuTokenizer t : values()) {
            if (t.id.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown BLEU tokenizer '" + name + "': use 13a, none, intl or char");
    }
}
