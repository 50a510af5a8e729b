package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
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

    /** LangChain4j's structured output: a ResponseFormat with a JSON schema, sent as OpenAI's json_schema (strict). */
    @Test
    void structuredOutputFollowsTheSchema() throws Exception {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey(KEY).modelName("stories")
                .temperature(1.0).seed(11).maxTokens(300).strictJsonSchema(true).timeout(Duration.ofSeconds(30)).build();
        JsonSchema schema = JsonSchema.builder().name("Answer").rootElement(JsonObjectSchema.builder()
                .addProperty("happy", JsonBooleanSchema.builder().build())
                .addProperty("mood", JsonEnumSchema.builder().enumValues("calm", "angry", "sad").build())
                .addProperty("count", JsonIntegerSchema.builder().build())
                .required("happy", "mood", "count").additionalProperties(false).build()).build();
        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build())
                .build());
        com.fasterxml.jackson.databind.JsonNode json = HttpTestClient.JSON.readTree(response.aiMessage().text());
        assertThat(json.path("happy").isBoolean()).isTrue();
        assertThat(json.path("mood").asText()).isIn("calm", "angry", "sad");
        assertThat(json.path("count").isIntegralNumber()).isTrue();
        assertThat(json.size()).isEqualTo(3);
    }

    @Test
    void embeddingModel() {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder().baseUrl(baseUrl()).apiKey(KEY)
                .modelName("stories").timeout(Duration.ofSeconds(30)).build();
        float[] vector = model.embed("a cat sat on the mat").content().vector();
        assertThat(vector).hasSize(TestModels.stories().config().embeddingLength());
    }
}
