package dev.cove.core.chat.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.chat.template.Token.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokens and jinja2's whitespace rules (trim_blocks, lstrip_blocks, '-' and '+' markers). */
class LexerTest {

    private static List<String> data(String source) {
        return Lexer.tokenize(source).stream().filter(t -> t.type() == Type.DATA).map(Token::text).toList();
    }

    @Test
    void trimBlocksDropsTheNewlineAfterABlockTagOnly() {
        assertThat(data("{% if x %}\na{{ y }}\nb{# c #}\nd")).containsExactly("a", "\nb", "d");
    }

    @Test
    void lstripBlocksDropsIndentBeforeABlockTagAtLineStart() {
        assertThat(data("a\n    {% if x %}b")).containsExactly("a\n", "b");
        assertThat(data("a  {% if x %}b")).containsExactly("a  ", "b");
        assertThat(data("    {{ x }}")).containsExactly("    ");
        assertThat(data("\n  {%+ if x %}")).containsExactly("\n  ");
    }

    @Test
    void minusMarkersStripAllWhitespaceOnTheirSide() {
        assertThat(data("a \n {%- if x -%} \n b")).containsExactly("a", "b");
        assertThat(data("a \n {{- x -}} \n b")).containsExactly("a", "b");
    }

    @Test
    void newlinesAreNormalizedAndOneTrailingNewlineDropped() {
        assertThat(data("a\r\nb\rc\n")).containsExactly("a\nb\nc");
        assertThat(data("a\n\n")).containsExactly("a\n");
    }

    @Test
    void expressionTokensCarryDecodedStringsAndLines() {
        List<Token> tokens = Lexer.tokenize("x\n{{ 'a\\n\\u00e9' ~ 1_000 + 2.5e3 }}");
        assertThat(tokens).extracting(Token::type).containsExactly(Type.DATA, Type.VAR_BEGIN, Type.STRING, Type.OP,
                Type.INT, Type.OP, Type.FLOAT, Type.VAR_END, Type.EOF);
        assertThat(tokens.get(2).text()).isEqualTo("a\n\u00e9");
        assertThat(tokens.get(2).line()).isEqualTo(2);
        assertThat(tokens.get(4).text()).isEqualTo("1000");
    }

    @Test
    void closingBracesInsideADictDoNotEndTheTag() {
        assertThat(Lexer.tokenize("{{ {'a': {'b': 1}} }}").stream().filter(t -> t.type() == Type.VAR_END)).hasSize(1);
    }

    @Test
    void rawBlocksAreText() {
        assertThat(data("{% raw %}{{ x }}{% endraw %}")).containsExactly("{{ x }}");
    }
}
