package dev.cove.core.chat;

import static dev.cove.core.chat.ChatMessage.assistant;
import static dev.cove.core.chat.ChatMessage.system;
import static dev.cove.core.chat.ChatMessage.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expected strings are what each model's official Jinja template (in
 * {@code src/test/resources/dev/cove/core/chat}) renders for the same messages, without the
 * leading BOS.
 */
class ChatFormatTest {

    static final List<ChatMessage> CONVERSATION = List.of(
            system("You are a helpful assistant"),
            user("Hello"),
            assistant("Hi there"),
            user("Who are you"));

    /** Longer, with an answer padded by spaces: shows which templates trim. */
    static final List<ChatMessage> PADDED = List.of(
            system("You are a helpful assistant"),
            user("Hello"),
            assistant("Hi there"),
            user("Who are you"),
            assistant("   I am an assistant   "),
            user("Another question"));

    static Stream<Arguments> conversation() {
        return Stream.of(
                arguments(ChatFormat.LLAMA2,
                        "[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST] Hi there </s>"
                                + "<s>[INST] Who are you [/INST]"),
                arguments(ChatFormat.LLAMA3,
                        "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n"),
                arguments(ChatFormat.CHATML,
                        "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"
                                + "<|im_start|>user\nHello<|im_end|>\n"
                                + "<|im_start|>assistant\nHi there<|im_end|>\n"
                                + "<|im_start|>user\nWho are you<|im_end|>\n"
                                + "<|im_start|>assistant\n"),
                arguments(ChatFormat.ZEPHYR,
                        "<|system|>\nYou are a helpful assistant</s>\n"
                                + "<|user|>\nHello</s>\n"
                                + "<|assistant|>\nHi there</s>\n"
                                + "<|user|>\nWho are you</s>\n"
                                + "<|assistant|>\n"),
                arguments(ChatFormat.MISTRAL_V1,
                        " [INST] You are a helpful assistant\n\nHello [/INST] Hi there</s> [INST] Who are you [/INST]"),
                arguments(ChatFormat.MISTRAL_V1_LEGACY,
                        "[INST] You are a helpful assistant\n\nHello [/INST]Hi there</s>[INST] Who are you [/INST]"),
                arguments(ChatFormat.MISTRAL_V3,
                        "[INST] Hello[/INST] Hi there</s>[INST] You are a helpful assistant\n\nWho are you[/INST]"),
                arguments(ChatFormat.MISTRAL_V3_TEKKEN,
                        "[INST]Hello[/INST]Hi there</s>[INST]You are a helpful assistant\n\nWho are you[/INST]"),
                arguments(ChatFormat.MISTRAL_V7,
                        "[SYSTEM_PROMPT] You are a helpful assistant[/SYSTEM_PROMPT]"
                                + "[INST] Hello[/INST] Hi there</s>[INST] Who are you[/INST]"),
                arguments(ChatFormat.MISTRAL_V7_TEKKEN,
                        "[SYSTEM_PROMPT]You are a helpful assistant[/SYSTEM_PROMPT]"
                                + "[INST]Hello[/INST]Hi there</s>[INST]Who are you[/INST]"),
                arguments(ChatFormat.PHI3,
                        "<|system|>\nYou are a helpful assistant<|end|>\n"
                                + "<|user|>\nHello<|end|>\n"
                                + "<|assistant|>\nHi there<|end|>\n"
                                + "<|user|>\nWho are you<|end|>\n"
                                + "<|assistant|>\n"),
                arguments(ChatFormat.GEMMA,
                        "<start_of_turn>user\nYou are a helpful assistant\n\nHello<end_of_turn>\n"
                                + "<start_of_turn>model\nHi there<end_of_turn>\n"
                                + "<start_of_turn>user\nWho are you<end_of_turn>\n"
                                + "<start_of_turn>model\n"),
                arguments(ChatFormat.PLAIN,
                        "You are a helpful assistant\n\nUser: Hello\nAssistant: Hi there\nUser: Who are you\n"
                                + "Assistant:"));
    }

    static Stream<Arguments> padded() {
        return Stream.of(
                arguments(ChatFormat.LLAMA2,
                        "[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST] Hi there </s>"
                                + "<s>[INST] Who are you [/INST] I am an assistant </s>"
                                + "<s>[INST] Another question [/INST]"),
                arguments(ChatFormat.LLAMA3,
                        "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\nI am an assistant<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nAnother question<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n"),
                arguments(ChatFormat.CHATML,
                        "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"
                                + "<|im_start|>user\nHello<|im_end|>\n"
                                + "<|im_start|>assistant\nHi there<|im_end|>\n"
                                + "<|im_start|>user\nWho are you<|im_end|>\n"
                                + "<|im_start|>assistant\n   I am an assistant   <|im_end|>\n"
                                + "<|im_start|>user\nAnother question<|im_end|>\n"
                                + "<|im_start|>assistant\n"),
                arguments(ChatFormat.ZEPHYR,
                        "<|system|>\nYou are a helpful assistant</s>\n"
                                + "<|user|>\nHello</s>\n"
                                + "<|assistant|>\nHi there</s>\n"
                                + "<|user|>\nWho are you</s>\n"
                                + "<|assistant|>\n   I am an assistant   </s>\n"
                                + "<|user|>\nAnother question</s>\n"
                                + "<|assistant|>\n"),
                arguments(ChatFormat.MISTRAL_V1,
                        " [INST] You are a helpful assistant\n\nHello [/INST] Hi there</s>"
                                + " [INST] Who are you [/INST]    I am an assistant   </s>"
                                + " [INST] Another question [/INST]"),
                arguments(ChatFormat.MISTRAL_V1_LEGACY,
                        "[INST] You are a helpful assistant\n\nHello [/INST]Hi there</s>"
                                + "[INST] Who are you [/INST]   I am an assistant   </s>"
                                + "[INST] Another question [/INST]"),
                arguments(ChatFormat.MISTRAL_V3,
                        "[INST] Hello[/INST] Hi there</s>[INST] Who are you[/INST] I am an assistant</s>"
                                + "[INST] You are a helpful assistant\n\nAnother question[/INST]"),
                arguments(ChatFormat.MISTRAL_V3_TEKKEN,
                        "[INST]Hello[/INST]Hi there</s>[INST]Who are you[/INST]   I am an assistant   </s>"
                                + "[INST]You are a helpful assistant\n\nAnother question[/INST]"),
                arguments(ChatFormat.MISTRAL_V7,
                        "[SYSTEM_PROMPT] You are a helpful assistant[/SYSTEM_PROMPT][INST] Hello[/INST] Hi there</s>"
                                + "[INST] Who are you[/INST]    I am an assistant   </s>[INST] Another question[/INST]"),
                arguments(ChatFormat.MISTRAL_V7_TEKKEN,
                        "[SYSTEM_PROMPT]You are a helpful assistant[/SYSTEM_PROMPT][INST]Hello[/INST]Hi there</s>"
                                + "[INST]Who are you[/INST]   I am an assistant   </s>[INST]Another question[/INST]"),
                arguments(ChatFormat.PHI3,
                        "<|system|>\nYou are a helpful assistant<|end|>\n"
                                + "<|user|>\nHello<|end|>\n"
                                + "<|assistant|>\nHi there<|end|>\n"
                                + "<|user|>\nWho are you<|end|>\n"
                                + "<|assistant|>\n   I am an assistant   <|end|>\n"
                                + "<|user|>\nAnother question<|end|>\n"
                                + "<|assistant|>\n"),
                arguments(ChatFormat.GEMMA,
                        "<start_of_turn>user\nYou are a helpful assistant\n\nHello<end_of_turn>\n"
                                + "<start_of_turn>model\nHi there<end_of_turn>\n"
                                + "<start_of_turn>user\nWho are you<end_of_turn>\n"
                                + "<start_of_turn>model\nI am an assistant<end_of_turn>\n"
                                + "<start_of_turn>user\nAnother question<end_of_turn>\n"
                                + "<start_of_turn>model\n"),
                arguments(ChatFormat.PLAIN,
                        "You are a helpful assistant\n\nUser: Hello\nAssistant: Hi there\nUser: Who are you\n"
                                + "Assistant:    I am an assistant   \nUser: Another question\nAssistant:"));
    }

    @ParameterizedTest
    @MethodSource("conversation")
    void rendersAsTheOfficialTemplate(ChatFormat format, String expected) {
        assertThat(format.render(CONVERSATION, true)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("padded")
    void trimsExactlyWhereTheOfficialTemplateDoes(ChatFormat format, String expected) {
        assertThat(format.render(PADDED, true)).isEqualTo(expected);
    }

    @Test
    void everyFormatHasExpectedStrings() {
        Set<ChatFormat> covered = EnumSet.noneOf(ChatFormat.class);
        conversation().forEach(a -> covered.add((ChatFormat) a.get()[0]));
        assertThat(covered).containsExactlyInAnyOrder(ChatFormat.values());
        Set<ChatFormat> coveredPadded = EnumSet.noneOf(ChatFormat.class);
        padded().forEach(a -> coveredPadded.add((ChatFormat) a.get()[0]));
        assertThat(coveredPadded).containsExactlyInAnyOrder(ChatFormat.values());
    }

    @Test
    void withoutTheGenerationPromptTheTextEndsAfterTheLastMessage() {
        List<ChatMessage> c = List.of(user("Hello"));
        assertThat(ChatFormat.CHATML.render(c, false)).isEqualTo("<|im_start|>user\nHello<|im_end|>\n");
        assertThat(ChatFormat.LLAMA3.render(c, false))
                .isEqualTo("<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>");
        assertThat(ChatFormat.ZEPHYR.render(c, false)).isEqualTo("<|user|>\nHello</s>\n");
        assertThat(ChatFormat.PHI3.render(c, false)).isEqualTo("<|user|>\nHello<|end|>\n");
        assertThat(ChatFormat.GEMMA.render(c, false)).isEqualTo("<start_of_turn>user\nHello<end_of_turn>\n");
        assertThat(ChatFormat.PLAIN.render(c, false)).isEqualTo("User: Hello\n");
        for (ChatFormat f : List.of(ChatFormat.LLAMA2, ChatFormat.MISTRAL_V1, ChatFormat.MISTRAL_V1_LEGACY,
                ChatFormat.MISTRAL_V3, ChatFormat.MISTRAL_V3_TEKKEN, ChatFormat.MISTRAL_V7,
                ChatFormat.MISTRAL_V7_TEKKEN)) {
            assertThat(f.render(c, false)).as(f.id()).isEqualTo(f.render(c, true)).endsWith("[/INST]");
        }
    }

    @ParameterizedTest
    @EnumSource(ChatFormat.class)
    void aRenderedConversationIsAPrefixOfItsContinuation(ChatFormat format) {
        List<ChatMessage> messages = format == ChatFormat.MISTRAL_V3 || format == ChatFormat.MISTRAL_V3_TEKKEN
                ? PADDED.subList(1, PADDED.size()) // the v3 system prompt moves with the last user message
                : PADDED;
        for (int end = 1; end < messages.size(); end++) {
            if (messages.get(end - 1).role() != ChatMessage.Role.ASSISTANT) {
                continue;
            }
            String before = format.render(messages.subList(0, end), false);
            assertThat(format.render(messages, true)).as("after message %d", end).startsWith(before);
        }
    }

    @Test
    void conversationsWithoutASystemMessage() {
        List<ChatMessage> c = List.of(user(" Hello "), assistant("Hi"), user("Bye"));
        assertThat(ChatFormat.LLAMA2.render(c, true)).isEqualTo("[INST] Hello [/INST] Hi </s><s>[INST] Bye [/INST]");
        assertThat(ChatFormat.GEMMA.render(c, true)).isEqualTo("<start_of_turn>user\nHello<end_of_turn>\n"
                + "<start_of_turn>model\nHi<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n");
        assertThat(ChatFormat.MISTRAL_V1.render(c, true))
                .isEqualTo(" [INST]  Hello  [/INST] Hi</s> [INST] Bye [/INST]");
        assertThat(ChatFormat.MISTRAL_V3.render(c, true)).isEqualTo("[INST]  Hello [/INST] Hi</s>[INST] Bye[/INST]");
    }

    @Test
    void aSystemMessageWithNoUserMessageAfterItIsKept() {
        List<ChatMessage> c = List.of(system("Be brief"));
        assertThat(ChatFormat.LLAMA2.render(c, true)).isEqualTo("[INST] <<SYS>>\nBe brief\n<</SYS>> [/INST]");
        assertThat(ChatFormat.GEMMA.render(c, true))
                .isEqualTo("<start_of_turn>user\nBe brief<end_of_turn>\n<start_of_turn>model\n");
        assertThat(ChatFormat.MISTRAL_V1.render(c, true)).isEqualTo(" [INST] Be brief [/INST]");
        assertThat(ChatFormat.MISTRAL_V3.render(c, true)).isEqualTo("[INST] Be brief[/INST]");
        assertThat(ChatFormat.CHATML.render(c, false)).isEqualTo("<|im_start|>system\nBe brief<|im_end|>\n");
    }

    @Test
    void mistralV3KeepsTheSystemPromptWhenTheConversationEndsWithAnAnswer() {
        List<ChatMessage> c = List.of(system("S"), user("U"), assistant("A"));
        assertThat(ChatFormat.MISTRAL_V3.render(c, false)).isEqualTo("[INST] S\n\nU[/INST] A</s>");
    }

    @Test
    void anEmptyConversationIsJustTheGenerationPrompt() {
        assertThat(ChatFormat.CHATML.render(List.of(), true)).isEqualTo("<|im_start|>assistant\n");
        assertThat(ChatFormat.LLAMA2.render(List.of(), true)).isEmpty();
    }

    @Test
    void theTextNeverStartsWithBos() {
        for (ChatFormat f : ChatFormat.values()) {
            String text = f.render(PADDED, true);
            assertThat(text).as(f.id()).doesNotStartWith("<s>").doesNotStartWith("<|begin_of_text|>")
                    .doesNotStartWith("<bos>");
        }
    }

    @Test
    void nullsAreRejected() {
        List<ChatMessage> withNull = new ArrayList<>(Arrays.asList(user("a"), null));
        assertThatThrownBy(() -> ChatFormat.CHATML.render(withNull, true)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ChatFormat.CHATML.render(null, true)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> user(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ChatMessage(null, "x")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void messagesDoNotPrintTheirContent() {
        assertThat(user("my secret diagnosis").toString()).doesNotContain("secret").contains("user");
    }

    @Test
    void stopStrings() {
        assertThat(ChatFormat.LLAMA2.stopStrings()).containsExactly("</s>", "[INST]");
        assertThat(ChatFormat.LLAMA3.stopStrings()).containsExactly("<|eot_id|>", "<|end_of_text|>",
                "<|start_header_id|>");
        assertThat(ChatFormat.CHATML.stopStrings()).containsExactly("<|im_end|>", "<|im_start|>");
        assertThat(ChatFormat.ZEPHYR.stopStrings()).containsExactly("</s>", "<|user|>", "<|system|>", "<|assistant|>");
        assertThat(ChatFormat.PHI3.stopStrings()).containsExactly("<|end|>", "<|user|>", "<|assistant|>",
                "<|endoftext|>");
        assertThat(ChatFormat.GEMMA.stopStrings()).containsExactly("<end_of_turn>", "<start_of_turn>");
        assertThat(ChatFormat.PLAIN.stopStrings()).containsExactly("\nUser:");
        for (ChatFormat f : ChatFormat.values()) {
            assertThat(f.stopStrings()).as(f.id()).isNotEmpty().doesNotContain("");
            if (f.name().startsWith("MISTRAL")) {
                assertThat(f.stopStrings()).containsExactly("</s>", "[INST]");
            }
        }
    }

    @Test
    void stripIsPythonsStrip() {
        assertThat(ChatFormat.strip(" \t\n a b \u00a0\u2003\r")).isEqualTo("a b");
        assertThat(ChatFormat.strip("   ")).isEmpty();
        assertThat(ChatFormat.strip("x")).isEqualTo("x");
    }
}
