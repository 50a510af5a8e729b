package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LangChain4j's OpenAI models, unchanged, against the server. */
class LangChain4jClientTest {
    private static final String KEY = "langchain4j-key-0123456789";
    private static CoveServer server;

    @BeforeAll
    static void start() {
        server = CoveServer.builder(ServerConfig.defaults().port(0).apiKeys(List.of(KEY)).accessLog(false))
                .model("stories", TestModels.stories()).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String baseUrl() {
        return server.baseUri() + "/v1";
    }

    @Test
    void chatModel() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey(KEY).modelName("stories")
                .temperature(0.0).maxTokens(12).timeout(Duration.ofSeconds(30)).build();
        ChatResponse response = model.chat(UserMessage.from("Once upon a time"));
        assertThat(response.aiMessage().text()).isNotEmpty();
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(12);
        assertThat(model.chat("Tell me a story")).isNotEmpty();
    }

    @Test
    void streamingChatModel() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(baseUrl()).apiKey(KEY)
                .modelName("stories").temperature(0.0).maxTokens(12).timeout(Duration.ofSeconds(30)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("Once upon a time", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(30, TimeUnit.SECONDS);
        assertThat(partial).isNotEmpty();
        assertThat(response.aiMessage().text()).isEqualTo(partial.toString());
    }

    @Test
    void embeddingModel() {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder().baseUrl(baseUrl()).apiKey(KEY)
                .modelName("stories").timeout(Duration.ofSeconds(30)).build();
        float[] vector = model.embed("a cat sat on the mat").content().vector();
        assertThat(vector).hasSize(TestModels.stories().config().embeddingLength());
    }
}
