package dev.cove.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringFilterTest {

    @Test
    void passesTextThroughWithoutStops() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertThat(f.accept("hello")).isEqualTo("hello");
        assertThat(f.flush()).isEmpty();
    }

    @Test
    void holdsBackAPossibleStartOfAStopString() {
        StopStringFilter f = new StopStringFilter(List.of("</end>"));
        assertThat(f.accept("answer <")).isEqualTo("answer ");
        assertThat(f.accept("/e")).isEmpty();
        assertThat(f.accept("nd>")).isEmpty();
        assertThat(f.stopped()).isTrue();
        assertThat(f.flush()).isEmpty();
    }

    @Test
    void releasesHeldTextWhenItTurnsOutNotToBeAStop() {
        StopStringFilter f = new StopStringFilter(List.of("User:"));
        assertThat(f.accept("Use")).isEmpty();
        assertThat(f.accept("ful")).isEqualTo("Useful");
        assertThat(f.accept(" U")).isEqualTo(" ");
        assertThat(f.flush()).isEqualTo("U");
    }

    @Test
    void cutsAtTheEarliestOfSeveralStops() {
        StopStringFilter f = new StopStringFilter(List.of("bb", "a"));
        assertThat(f.accept("xxbbya")).isEqualTo("xx");
        assertThat(f.stopped()).isTrue();
    }

    @Test
    void stopInsideOnePiece() {
        StopStringFilter f = new StopStringFilter(List.of("\n\n"));
        assertThat(f.accept("line one\n\nline two")).isEqualTo("line one");
        assertThat(f.accept("more")).isEmpty();
    }
}
