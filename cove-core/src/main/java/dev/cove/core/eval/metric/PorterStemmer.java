package dev.cove.core.eval.metric;

import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer as NLTK's {@code PorterStemmer()} runs it by default (mode
 * {@code NLTK_EXTENSIONS}, {@code nltk/stem/porter.py}): Porter's 1980 algorithm with Martin
 * Porter's later changes and NLTK's own (a table of irregular forms, "ies"/"ied" on four-letter
 * words, step 1c's y rule, "alli" first, "fulli" and "logi"). That is the stemmer Google's
 * rouge-score uses for {@code use_stemmer=True}, so ROUGE with stemming matches it.
 *
 * <p>Stateless and thread-safe.
 */
public final class PorterStemmer {
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"), Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    /** A suffix rule: {@code suffix} becomes {@code replacement} when {@code condition} holds for the stem left. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {
    }

    /** The stem of {@code word}, lowercased first (NLTK's {@code stem(word)}). */
    public String stem(String word) {
        String stem = word.toLowerCase(Locale.ROOT);
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (word.length() <= 2) {
            return stem;
        }
        stem = step1a(stem);
        stem = step1b(stem);
        stem = step1c(stem);
        stem = step2(stem);
        stem = step3(stem);
        stem = step4(stem);
        stem = step5a(stem);
        return step5b(stem);
    }

    private static boolean isConsonant(String w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !isConsonant(w, i - 1);
        }
        return true;
    }

    /** Porter's m: the number of vowel-consonant sequences, [C](VC){m}[V]. */
    private static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) {
            if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) {
                m++;
            }
        }
        return m;
    }

    private static boolean positiveMeasure(String stem) {
        return measure(stem) > 0;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** Porter's *o, with NLTK's addition of two-letter vowel-consonant stems. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            if (last != 'w' && last != 'x' && last != 'y') {
                return true;
            }
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }

    private static String cut(String word, String suffix) {
        return word.substring(0, word.length() - suffix.length());
    }

    /** The first rule whose suffix matches decides: applied when its condition holds, else the word stays. */
    private static String applyFirst(String word, Rule... rules) {
        for (Rule r : rules) {
            if (r.suffix.equals("*d") && endsDoubleConsonant(word)) {
                String stem = word.substring(0, word.length() - 2);
                return r.condition == null || r.condition.test(stem) ? stem + r.replacement : word;
            }
            if (word.endsWith(r.suffix)) {
                String stem = cut(word, r.suffix);
                return r.condition == null || r.condition.test(stem) ? stem + r.replacement : word;
            }
        }
        return word;
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) {
            return cut(w, "ies") + "ie";
        }
        return applyFirst(w, new Rule("sses", "ss", null), new Rule("ies", "i", null), new Rule("ss", "ss", null),
                new Rule("s", "", null));
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) {
            return cut(w, "ied") + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String stem = cut(w, "eed");
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (w.endsWith(suffix) && containsVowel(cut(w, suffix))) {
                stem = cut(w, suffix);
                break;
            }
        }
        if (stem == null) {
            return w;
        }
        char last = stem.charAt(stem.length() - 1);
        return applyFirst(stem,
                new Rule("at", "ate", null),
                new Rule("bl", "ble", null),
                new Rule("iz", "ize", null),
                new Rule("*d", String.valueOf(last), s -> last != 'l' && last != 's' && last != 'z'),
                new Rule("", "e", s -> measure(s) == 1 && endsCvc(s)));
    }

    private static String step1c(String w) {
        return applyFirst(w, new Rule("y", "i", s -> s.length() > 1 && isConsonant(s, s.length() - 1)));
    }

    private static String step2(String w) {
        if (w.endsWith("alli") && positiveMeasure(cut(w, "alli"))) {
            return step2(cut(w, "alli") + "al");
        }
        Predicate<String> m = PorterStemmer::positiveMeasure;
        return applyFirst(w,
                new Rule("ational", "ate", m),
                new Rule("tional", "tion", m),
                new Rule("enci", "ence", m),
                new Rule("anci", "ance", m),
                new Rule("izer", "ize", m),
                new Rule("bli", "ble", m),
                new Rule("alli", "al", m),
                new Rule("entli", "ent", m),
                new Rule("eli", "e", m),
                new Rule("ousli", "ous", m),
                new Rule("ization", "ize", m),
                new Rule("ation", "ate", m),
                new Rule("ator", "ate", m),
                new Rule("alism", "al", m),
                new Rule("iveness", "ive", m),
                new Rule("fulness", "ful", m),
                new Rule("ousness", "ous", m),
                new Rule("aliti", "al", m),
                new Rule("iviti", "ive", m),
                new Rule("biliti", "ble", m),
                new Rule("fulli", "ful", m),
                // The "l" of "logi" stays with the stem, so that short stems (geo, theo) work like long ones.
                new Rule("logi", "log", s -> positiveMeasure(w.substring(0, w.length() - 3))));
    }

    private static String step3(String w) {
        Predicate<String> m = PorterStemmer::positiveMeasure;
        return applyFirst(w,
                new Rule("icate", "ic", m),
                new Rule("ative", "", m),
                new Rule("alize", "al", m),
                new Rule("iciti", "ic", m),
                new Rule("ical", "ic", m),
                new Rule("ful", "", m),
                new Rule("ness", "", m));
    }

    private static String step4(String w) {
        Predicate<String> m = s -> measure(s) > 1;
        return applyFirst(w,
                new Rule("al", "", m),
                new Rule("ance", "", m),
                new Rule("ence", "", m),
                new Rule("er", "", m),
                new Rule("ic", "", m),
                new Rule("able", "", m),
                new Rule("ible", "", m),
                new Rule("ant", "", m),
                new Rule("ement", "", m),
                new Rule("ment", "", m),
                new Rule("ent", "", m),
                new Rule("ion", "", s -> measure(s) > 1 && (s.endsWith("s") || s.endsWith("t"))),
                new Rule("ou", "", m),
                new Rule("ism", "", m),
                new Rule("ate", "", m),
                new Rule("iti", "", m),
                new Rule("ous", "", m),
                new Rule("ive", "", m),
                new Rule("ize", "", m));
    }

    private static String step5a(String w) {
        // Both conditions are tried here (unlike step 1b's eed/ed), as Porter's examples require.
        if (w.endsWith("e")) {
            String stem = cut(w, "e");
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        return applyFirst(w, new Rule("ll", "l", s -> measure(w.substring(0, w.length() - 1)) > 1));
    }
}
