package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Unicode 15.1 category table that llama.cpp's pre-tokenizers see, independent of the JDK's Unicode version. */
class CodepointFlagsTest {

    @Test
    void asciiHasLlamaCppCategories() {
        assertThat(CodepointFlags.of('a')).isEqualTo(CodepointFlags.LETTER);
        assertThat(CodepointFlags.of('7')).isEqualTo(CodepointFlags.NUMBER);
        assertThat(CodepointFlags.of('~')).isEqualTo(CodepointFlags.SYMBOL);
        assertThat(CodepointFlags.of('$')).isEqualTo(CodepointFlags.SYMBOL);
        assertThat(CodepointFlags.of('_')).isEqualTo(CodepointFlags.PUNCTUATION);
        assertThat(CodepointFlags.of(' ')).isEqualTo(CodepointFlags.SEPARATOR | CodepointFlags.WHITESPACE);
        assertThat(CodepointFlags.of('\n')).isEqualTo(CodepointFlags.CONTROL | CodepointFlags.WHITESPACE);
        assertThat(CodepointFlags.of(0x7F)).isEqualTo(CodepointFlags.CONTROL);
    }

    @Test
    void whitespaceIsTheUnicodeWhiteSpaceProperty() {
        int count = 0;
        for (int cp = 0; cp < 0x110000; cp++) {
            if ((CodepointFlags.of(cp) & CodepointFlags.WHITESPACE) != 0) {
                count++;
            }
        }
        assertThat(count).isEqualTo(25);
        assertThat(CodepointFlags.of(0x3000)).isEqualTo(CodepointFlags.SEPARATOR | CodepointFlags.WHITESPACE);
        assertThat(CodepointFlags.of(0x85)).isEqualTo(CodepointFlags.CONTROL | CodepointFlags.WHITESPACE);
    }

    @Test
    void unicode151AdditionsAreKnownAndLaterOnesUndefined() {
        // 15.0: Kawi digits and letters; 15.1: CJK Extension I. llama.cpp's table has both.
        assertThat(CodepointFlags.of(0x11F50)).isEqualTo(CodepointFlags.NUMBER);
        assertThat(CodepointFlags.of(0x11F04)).isEqualTo(CodepointFlags.LETTER);
        assertThat(CodepointFlags.of(0x2EBF0)).isEqualTo(CodepointFlags.LETTER);
        // 16.0 (JDK 25 knows them): Garay digits, Cyrillic TJE, "face with bags under eyes"
        assertThat(Character.getType(0x10D40)).isEqualTo((int) Character.DECIMAL_DIGIT_NUMBER);
        assertThat(CodepointFlags.of(0x10D40)).isEqualTo(CodepointFlags.UNDEFINED);
        assertThat(CodepointFlags.of(0x1C89)).isEqualTo(CodepointFlags.UNDEFINED);
        assertThat(CodepointFlags.of(0x1FAE9)).isEqualTo(CodepointFlags.UNDEFINED);
    }

    @Test
    void planesAndEdges() {
        assertThat(CodepointFlags.of(0xFFFF)).isEqualTo(CodepointFlags.UNDEFINED);
        assertThat(CodepointFlags.of(0x10000)).isEqualTo(CodepointFlags.LETTER); // LINEAR B SYLLABLE B008 A
        assertThat(CodepointFlags.of(0x1F600)).isEqualTo(CodepointFlags.SYMBOL);
        assertThat(CodepointFlags.of(0xE0001)).isEqualTo(CodepointFlags.CONTROL); // LANGUAGE TAG
        assertThat(CodepointFlags.of(0xF0000)).isEqualTo(CodepointFlags.CONTROL); // private use
        assertThat(CodepointFlags.of(0x10FFFF)).isEqualTo(CodepointFlags.UNDEFINED);
        assertThat(CodepointFlags.of(0x110000)).isEqualTo(CodepointFlags.UNDEFINED);
        assertThat(CodepointFlags.of(-1)).isEqualTo(CodepointFlags.UNDEFINED);
    }

    /**
     * Where the JDK's Unicode is at least 15.1, it agrees with the table on every code point
     * assigned in 15.1 (no general category in these classes changed since): the table only
     * differs by leaving later assignments undefined.
     */
    @Test
    void agreesWithTheJdkOnEveryCodePointAssignedIn151() {
        List<String> differ = new ArrayList<>();
        int newer = 0;
        for (int cp = 0; cp < 0x110000; cp++) {
            int table = CodepointFlags.of(cp) & CodepointFlags.MASK_CATEGORIES;
            int jdk = jdkCategory(cp);
            if (table == CodepointFlags.UNDEFINED) {
                if (jdk != CodepointFlags.UNDEFINED) {
                    newer++;
                }
            } else if (table != jdk && differ.size() < 20) {
                differ.add(Integer.toHexString(cp));
            }
        }
        assertThat(differ).isEmpty();
        // JDK 25 has Unicode 16.0 (5185 more code points): the case the table is for
        assertThat(newer).as("code points the JDK knows beyond Unicode 15.1").isGreaterThanOrEqualTo(5185);
    }

    private static int jdkCategory(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> CodepointFlags.LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> CodepointFlags.ACCENT_MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> CodepointFlags.NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> CodepointFlags.SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CodepointFlags.CONTROL;
            case Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.CONNECTOR_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION -> CodepointFlags.PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> CodepointFlags.SYMBOL;
            default -> CodepointFlags.UNDEFINED;
        };
    }
}
