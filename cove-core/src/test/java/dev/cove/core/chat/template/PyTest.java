package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python value semantics: float and string repr, truthiness, equality, ordering (expected values from CPython). */
class PyTest {

    @ParameterizedTest
    @CsvSource({"1.0,1.0", "0.1,0.1", "1e16,1e+16", "1e15,1000000000000000.0", "123.456,123.456", "1e-4,0.0001",
        "1e-5,1e-05", "4.9e-324,5e-324", "1.7976931348623157e308,1.7976931348623157e+308", "-2.5,-2.5",
        "100.0,100.0", "12345678901234567.0,1.2345678901234568e+16", "-0.0,-0.0"})
    void floatsPrintAsPythonReprDoes(double value, String python) {
        assertThat(Py.floatRepr(value)).isEqualTo(python);
    }

    @Test
    void floatRepOfSpecialValues() {
        assertThat(Py.floatRepr(Double.NaN)).isEqualTo("nan");
        assertThat(Py.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(Py.floatRepr(1.0 / 3)).isEqualTo("0.3333333333333333");
    }

    @Test
    void stringReprChoosesQuotesAndEscapesNonPrintables() {
        assertThat(Py.quoteRepr("a\u00a0b\u200dc\uD83D\uDE00\u007f\u2028'")).isEqualTo("\"a\\xa0b\\u200dc\uD83D\uDE00\\x7f\\u2028'\"");
        assertThat(Py.quoteRepr("\"")).isEqualTo("'\"'");
        assertThat(Py.quoteRepr("'\"")).isEqualTo("'\\'\"'");
    }

    @Test
    void containersPrintAsPythonRepr() {
        Object v = Values.fromJava(Map.of("k", List.of(1, "x", true)), 0);
        assertThat(Py.str(v).text()).isEqualTo("{'k': [1, 'x', True]}");
        assertThat(Py.str(new PyTuple(1L)).text()).isEqualTo("(1,)");
        assertThat(Py.str(null).text()).isEqualTo("None");
    }

    @Test
    void truthinessAndEqualityFollowPython() {
        assertThat(Py.truthy(PyStr.EMPTY)).isFalse();
        assertThat(Py.truthy(List.of())).isFalse();
        assertThat(Py.truthy(0.0)).isFalse();
        assertThat(Py.truthy(Undefined.name("x"))).isFalse();
        assertThat(Py.truthy(PyStr.of(" "))).isTrue();
        assertThat(Py.equal(1L, 1.0)).isTrue();
        assertThat(Py.equal(true, 1L)).isTrue();
        assertThat(Py.equal(List.of(1L), new PyTuple(1L))).isFalse();
        assertThat(Py.equal(PyStr.content("a"), PyStr.of("a"))).isTrue();
    }

    @Test
    void stringsOrderByCodePointNotUtf16() {
        // U+FF5C sorts before U+1F600 by code point, after it by UTF-16 unit.
        assertThat(Py.compare(PyStr.of("\uFF5C"), PyStr.of("\uD83D\uDE00"), "<")).isNegative();
    }

    @Test
    void whitespaceIsPythonsIsspace() {
        for (char c : new char[] {' ', '\t', '\n', '\u000b', '\u000c', '\r', '\u001c', '\u0085', '\u00a0', '\u2028', '\u3000'}) {
            assertThat(Py.isSpace(c)).as("U+%04X", (int) c).isTrue();
        }
        assertThat(Py.isSpace('\u200b')).isFalse();
        assertThat(Py.isSpace('x')).isFalse();
    }
}
