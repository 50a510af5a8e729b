package dev.cove.core.eval.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NLTK's PorterStemmer (mode NLTK_EXTENSIONS, the default rouge-score uses) on its own cases and on NLTK 3.8's stems of 6,088 words. */
class PorterStemmerTest {
    private final PorterStemmer stemmer = new PorterStemmer();

    /** nltk/test/stem.doctest, "Unit tests for the Porter stemmer", and test_stem.py's test_oed_bug and test_lowercase_option. */
    @Test
    void nltkOwnCases() {
        String[] plurals = {"caresses", "flies", "dies", "mules", "denied", "died", "agreed", "owned", "humbled", "sized",
            "meeting", "stating", "siezing", "itemization", "sensational", "traditional", "reference", "colonizer", "plotted"};
        List<String> singles = new ArrayList<>();
        for (String p : plurals) {
            singles.add(stemmer.stem(p));
        }
        assertThat(String.join(" ", singles))
                .isEqualTo("caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot");
        assertThat(stemmer.stem("oed")).isEqualTo("o");
        assertThat(stemmer.stem("On")).isEqualTo("on");
        assertThat(stemmer.stem("I")).isEqualTo("i");
        assertThat(stemmer.stem("Github")).isEqualTo("github");
    }

    /**
     * eval/porter/nltk-porter-vocabulary.tsv: words drawn from the text of NLTK's and Python's sources
     * (seed 17) plus the examples of Porter's paper, each with the stem NLTK 3.8's
     * {@code PorterStemmer().stem(word)} gives (Debian's python3-nltk).
     */
    @Test
    void matchesNltkOnItsVocabulary() {
        List<String> wrong = new ArrayList<>();
        int n = 0;
        for (String line : Resources.text("porter/nltk-porter-vocabulary.tsv").split("\n")) {
            String[] f = line.split("\t");
            String got = stemmer.stem(f[0]);
            if (!got.equals(f[1])) {
                wrong.add(f[0] + " -> " + got + " (NLTK: " + f[1] + ")");
            }
            n++;
        }
        assertThat(n).isEqualTo(6088);
        assertThat(wrong).isEmpty();
    }
}
