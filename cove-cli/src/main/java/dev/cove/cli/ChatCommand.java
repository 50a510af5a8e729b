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
        try (Model m = modelOptions.load(model);
             Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
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
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            PrintWriter out = terminal.writer();
            List<ChatMessage> conversation = new ArrayList<>();
            if (system != null) {
                conversation.add(ChatMessage.system(system));
            }
            out.println("Chatting with " + java.nio.file.Path.of(model).getFileName() + " (" + format + " format). /reset starts over, /bye quits.");
            out.flush();
            while (true) {
                String line;
                try {
                    line = reader.readLine("> ");
                } catch (EndOfFileException | UserInterruptException e) {
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
                GenerationResult result;
                try {
                    result = session.generate(format.renderPrompt(conversation, true), token -> {
                        out.print(token.text());
                        out.flush();
                    });
                } catch (dev.cove.core.CoveException e) {
                    conversation.removeLast();
                    out.println("cove: " + e.getMessage() + " (use /reset to start over)");
                    out.flush();
                    continue;
                }
                out.println();
                out.flush();
                conversation.add(ChatMessage.assistant(result.text().strip()));
                if (result.stopReason() == dev.cove.core.generate.StopReason.CONTEXT_FULL) {
                    out.println("[the context is full: use /reset to start over]");
                }
            }
            return 0;
        }
    }
}
