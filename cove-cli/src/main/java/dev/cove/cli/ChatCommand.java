package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.core.chat.ChatRenderer;
import dev.cove.core.chat.ChatMessage;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.Session;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove chat MODEL}: an interactive conversation in the terminal. Each turn re-renders the
 * whole conversation with the model's chat format; the session reuses the cached prefix, so only
 * the new turn is evaluated.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with a model in the terminal. /reset starts over, /bye (or Ctrl-D) quits.")
final class ChatCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The model: a store name or a GGUF file.")
    String model;

    @Option(names = "--system", description = "System prompt.")
    String system;

    @Option(names = {"-n", "--n-predict"}, description = "Most tokens per answer; -1 for no limit (default: ${DEFAULT-VALUE}).", defaultValue = "-1")
    int maxTokens;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    SamplingMixin sampling = new SamplingMixin();

    @Override
    public Integer call() throws IOException {
        ModelOptions.checkMaxTokens(maxTokens);
        try (Model m = modelOptions.load(model);
             Lines lines = Lines.open()) {
            ChatRenderer format = ChatTemplates.forChat(m);
            List<String> stops = new ArrayList<>(sampling.stop);
            stops.addAll(format.stopStrings());
            GenerationOptions options = GenerationOptions.defaults()
                    .sampling(sampling.toOptions())
                    .contextLength(modelOptions.contextFor(m))
                    .contextShift(modelOptions.contextShift)
                    .maxTokens(maxTokens)
                    .stopStrings(stops);
            Session session = m.newSession(options);
            PrintWriter out = lines.writer();
            List<ChatMessage> conversation = new ArrayList<>();
            if (system != null) {
                conversation.add(ChatMessage.system(system));
            }
            out.println("Chatting with " + java.nio.file.Path.of(model).getFileName() + " (" + format + " format). /reset starts over, /bye quits.");
            out.flush();
            while (true) {
                String line = lines.readLine("> ");
                if (line == null) {
                    break;
                }
                String input = line.strip();
                if (input.isEmpty()) {
                    continue;
                }
                if (input.equals("/bye") || input.equals("/exit")) {
                    break;
                }
                if (input.equals("/reset")) {
                    conversation.removeIf(msg -> msg.role() != ChatMessage.Role.SYSTEM);
                    session.reset();
                    continue;
                }
                conversation.add(ChatMessage.user(input));
                // Room for an answer: the oldest turns go (never the system prompt) when the context would not hold it.
                int context = session.contextLength();
                int dropped = ConversationTrimmer.trim(conversation,
                        c -> format.renderPrompt(c, true).tokenize(m.tokenizer(), options.addBos()).length,
                        context - answerRoom(context));
                if (dropped > 0) {
                    out.println("[" + dropped + " of the oldest messages left the conversation to make room: the context"
                            + " holds " + context + " tokens]");
                    out.flush();
                }
                CleanEnding print = new CleanEnding(session, !modelOptions.contextShift, piece -> {
                    out.print(piece);
                    out.flush();
                });
                GenerationResult result;
                try {
                    result = session.generate(format.renderPrompt(conversation, true), print);
                } catch (dev.cove.core.CoveException e) {
                    conversation.removeLast();
                    out.println("cove: " + e.getMessage());
                    out.flush();
                    continue;
                }
                CleanEnding.Ending ending = print.finish(result);
                out.println();
                conversation.add(ChatMessage.assistant(print.shownText().strip()));
                if (ending != CleanEnding.Ending.NATURAL) {
                    out.println("[the answer ended early: the context of " + context + " tokens is full; the oldest"
                            + " messages make room for the next one]");
                }
                out.flush();
            }
            return 0;
        }
    }

    /** Tokens kept free for an answer: half a small context, at most 512. */
    static int answerRoom(int context) {
        return Math.min(512, context / 2);
    }

    /**
     * Where the conversation is typed: the user's terminal (with line editing), or, when standard
     * input is not one (a pipe, a script, a test), plain lines of standard input and output.
     */
    private interface Lines extends AutoCloseable {
        /** The next line, or null at the end of input (Ctrl-D) or on Ctrl-C. */
        String readLine(String prompt);

        PrintWriter writer();

        @Override
        void close() throws IOException;

        static Lines open() throws IOException {
            java.io.Console console = System.console();
            if (console != null && console.isTerminal()) {
                Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
                LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
                return new Lines() {
                    @Override
                    public String readLine(String prompt) {
                        try {
                            return reader.readLine(prompt);
                        } catch (EndOfFileException | UserInterruptException e) {
                            return null;
                        }
                    }

                    @Override
                    public PrintWriter writer() {
                        return terminal.writer();
                    }

                    @Override
                    public void close() throws IOException {
                        terminal.close();
                    }
                };
            }
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8));
            return new Lines() {
                @Override
                public String readLine(String prompt) {
                    out.print(prompt);
                    out.flush();
                    try {
                        return in.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                }

                @Override
                public PrintWriter writer() {
                    return out;
                }

                @Override
                public void close() {
                    out.flush();
                }
            };
        }
    }
}
