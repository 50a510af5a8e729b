package dev.cove.core.eval.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * rouge-score's default tokenizer ({@code rouge_score/tokenize.py}), which replicates ROUGE-1.5.5:
 * lowercase, every run of characters other than a-z and 0-9 a separator, and with stemming
 * every word longer than three letters through the Porter stemmer.
 */
public final class RougeTokenizer {
    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
    private static final Pattern VALID_TOKEN = Pattern.compile("[a-z0-9]+");

    private final PorterStemmer stemmer; // null: no stemming

    public RougeTokenizer(boolean stem) {
        this.stemmer = stem ? new PorterStemmer() : null;
    }

    public List<String> tokenize(String text) {
        String cleaned = NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> out = new ArrayList<>();
        for (String token : cleaned.split(" ")) {
            String t = stemmer != null && token.length() > 3 ? stemmer.stem(token) : token;
            if (VALID_TOKEN.matcher(t).matches()) {
                out.add(t);
            }
        }
        return out;
    }
}
