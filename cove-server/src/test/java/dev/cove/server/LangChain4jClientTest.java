package dev.cove.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import java.util.ArrayList;
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
        server = CoveServer.builder(ServerConfig.defaults().port(0).apiKeys(List.of(KEY)).accessLog(false)
                .contextLength(2048))
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

    /** What an application offers the model: LangChain4j turns the method into a tool definition. */
    static final class WeatherTools {
        final List<String> asked = new ArrayList<>();

        @Tool("The weather in a city")
        String weather(@P("the city") String city) {
            asked.add(city);
            return "sunny in " + city;
        }
    }

    /**
     * The round trip an application makes, with LangChain4j's own pieces: the {@code @Tool}
     * method becomes a tool specification, the model is asked with {@code tool_choice: required}
     * (which makes stories260K call it, by constrained decoding), LangChain4j's executor runs the
     * method on the model's request, and the result goes back for the answer with
     * {@code tool_choice: auto}. (An AiService cannot be used: it sends {@code required} again with
     * the result, and a forced model calls again, as OpenAI's would.)
     */
    @Test
    void aToolMethodRoundTrip() throws Exception {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey(KEY).modelName("stories")
                .temperature(0.0).maxTokens(120).timeout(Duration.ofSeconds(60)).build();
        WeatherTools tools = new WeatherTools();
        List<ToolSpecification> specs = ToolSpecifications.toolSpecificationsFrom(tools);
        List<ChatMessage> history = new ArrayList<>(List.of(UserMessage.from("What is the weather in Paris?")));
        ChatResponse call = model.chat(ChatRequest.builder().messages(history)
                .parameters(ChatRequestParameters.builder().toolSpecifications(specs).toolChoice(ToolChoice.REQUIRED)
                        .build()).build());
        answerAfterTool(call, history, tools, next -> model.chat(next));
    }

    @Test
    void aToolMethodRoundTripStreamed() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(baseUrl()).apiKey(KEY)
                .modelName("stories").temperature(0.0).maxTokens(120).timeout(Duration.ofSeconds(60)).build();
        WeatherTools tools = new WeatherTools();
        List<ToolSpecification> specs = ToolSpecifications.toolSpecificationsFrom(tools);
        List<ChatMessage> history = new ArrayList<>(List.of(UserMessage.from("What is the weather in Bern?")));
        ChatResponse call = streamed(model, ChatRequest.builder().messages(history)
                .parameters(ChatRequestParameters.builder().toolSpecifications(specs).toolChoice(ToolChoice.REQUIRED)
                        .build()).build());
        answerAfterTool(call, history, tools, next -> streamed(model, next));
    }

    private static void answerAfterTool(ChatResponse call, List<ChatMessage> history, WeatherTools tools,
            java.util.function.Function<ChatRequest, ChatResponse> send) throws Exception {
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        AiMessage ai = call.aiMessage();
        assertThat(ai.toolExecutionRequests()).hasSize(1);
        ToolExecutionRequest request = ai.toolExecutionRequests().get(0);
        assertThat(request.name()).isEqualTo("weather");
        assertThat(request.id()).startsWith("call_");
        String result = new DefaultToolExecutor(tools, WeatherTools.class.getDeclaredMethod("weather", String.class))
                .execute(request, "memory");
        assertThat(tools.asked).hasSize(1);
        assertThat(result).isEqualTo("sunny in " + tools.asked.get(0));
        history.add(ai);
        history.add(ToolExecutionResultMessage.from(request, result));
        ChatResponse answer = send.apply(ChatRequest.builder().messages(history)
                .parameters(ChatRequestParameters.builder().toolSpecifications(ToolSpecifications
                        .toolSpecificationsFrom(tools)).toolChoice(ToolChoice.AUTO).maxOutputTokens(6).build()).build());
        assertThat(answer.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(answer.aiMessage().text()).isNotNull();
        assertThat(answer.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
    }

    private static ChatResponse streamed(OpenAiStreamingChatModel model, ChatRequest request) {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                done.complete(completeResponse);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            return done.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
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
