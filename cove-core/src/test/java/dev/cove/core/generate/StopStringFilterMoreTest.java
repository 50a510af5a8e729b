package dev.cove.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringFilterMoreTest {
    @Test
    void releasesTextThatCannotStartAStop() {
        StopStringFilter m = new StopStringFilter(List.of("\nUser:"));
        assertThat(m.accept("Hello")).isEqualTo("Hello");
        assertThat(m.accept(" world\n")).isEqualTo(" world");
        assertThat(m.accept("Us")).isEmpty();
        assertThat(m.accept("ual")).isEqualTo("\nUsual");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void stopsAtTheEarliestStopAndWithholdsIt() {
        StopStringFilter m = new StopStringFilter(List.of("END", "STOP"));
        assertThat(m.accept("abc ST")).isEqualTo("abc ");
        assertThat(m.accept("OP and END")).isEmpty();
        assertThat(m.stopped()).isTrue();
        assertThat(m.accept("more")).isEmpty();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void aStopSpanningPiecesIsFound() {
        StopStringFilter m = new StopStringFilter(List.of("<|im_end|>"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("Hi", " there", "<|", "im", "_", "end", "|>", "tail")) {
            out.append(m.accept(piece));
        }
        assertThat(out).hasToString("Hi there");
        assertThat(m.stopped()).isTrue();
    }

    @Test
    void flushReleasesAnUnfinishedPrefixAtTheEnd() {
        StopStringFilter m = new StopStringFilter(List.of("###"));
        assertThat(m.accept("a ##")).isEqualTo("a ");
        assertThat(m.flush()).isEqualTo("##");
    }

    @Test
    void withoutStopsEverythingPassesThrough() {
        StopStringFilter m = new StopStringFilter(List.of("", ""));
        assertThat(m.accept("anything")).isEqualTo("anything");
        assertThat(m.flush()).isEmpty();
    }
}
