package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.chat.ChatFormat;
import dev.cove.core.chat.ChatRenderer;
import dev.cove.core.chat.ChatMessage;
import dev.cove.core.chat.ChatPrompt;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.Session;
import dev.cove.core.generate.Token;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cove run MODEL [PROMPT]}: generate a continuation or one chat answer, streamed to stdout. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt, streaming it to standard output.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The model: a store name or a GGUF file.")
    String model;

    @Parameters(index = "1", arity = "0..1", description = "The prompt (or use -p).")
    String positionalPrompt;

    @Option(names = {"-p", "--prompt"}, description = "The prompt.")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, description = "Tokens to generate; -1 until the model stops or the context is full (default: ${DEFAULT-VALUE}).", defaultValue = "-1")
    int maxTokens;

    @Option(names = "--system", description = "System prompt (chat models).")
    String system;

    @Option(names = "--raw", description = "Feed the prompt as is, without the model's chat format.")
    boolean raw;

    @Option(names = "--audit", description = "Append an audit record of this inference (counts and times, never text) to $COVE_HOME/audit; also COVE_AUDIT=on.")
    boolean audit;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    SamplingMixin sampling = new SamplingMixin();

    @Mixin
    GrammarMixin grammar = new GrammarMixin();

    @Mixin
    SpeculationMixin speculation = new SpeculationMixin();

    @Override
    public Integer call() {
        String text = prompt != null ? prompt : positionalPrompt;
        if (text == null) {
            throw new CoveException("no prompt: give one after the model path or with -p");
        }
        ModelOptions.checkMaxTokens(maxTokens);
        dev.cove.core.grammar.Grammar constraint = grammar.load(); // before loading: a bad file fails fast
        speculation.check();
        if (constraint != null && speculation.enabled()) {
            Notices.notice("note: speculation is off with a grammar: constrained tokens are decided one at a time");
        }
        long loadStart = System.nanoTime();
        try (Model m = modelOptions.load(model); Model draft = speculation.loadDraft(modelOptions)) {
            long loadNanos = System.nanoTime() - loadStart;
            ChatRenderer format = raw ? null : ChatTemplates.formatOf(m);
            List<String> stops = new ArrayList<>(sampling.stop);
            ChatPrompt chat = null; // null: plain completion of the text, special-token text staying text
            if (format == null) {
                if (system != null) {
                    throw new CoveException("--system needs a chat model, but this model has no chat template (or --raw was given)");
                }
            } else {
                List<ChatMessage> messages = new ArrayList<>();
                if (system != null) {
                    messages.add(ChatMessage.system(system));
                }
                messages.add(ChatMessage.user(text));
                chat = format.renderPrompt(messages, true);
                stops.addAll(format.stopStrings());
            }
            GenerationOptions options = GenerationOptions.defaults()
                    .sampling(sampling.toOptions())
                    .contextLength(modelOptions.contextFor(m))
                    .contextShift(modelOptions.contextShift)
                    .maxTokens(maxTokens)
                    .stopStrings(stops)
                    .grammar(constraint)
                    .speculation(speculation.speculation(draft));
            Session session = m.newSession(options);
            PrintStream out = Stdout.utf8();
            if (format == null) {
                out.print(text); // completion mode echoes the prompt, as llama.cpp does
                out.flush();
            }
            java.time.Instant started = java.time.Instant.now();
            CleanEnding print = new CleanEnding(session, !modelOptions.contextShift && constraint == null, piece -> {
                out.print(piece);
                out.flush();
            });
            GenerationResult result = chat == null ? session.generate(text, print) : session.generate(chat, print);
            CleanEnding.Ending ending = print.finish(result);
            result = CleanEnding.asReported(result, ending);
            out.println();
            out.flush();
            String why = CleanEnding.notice(ending, session.contextLength(), m.config().contextLength());
            if (why != null) {
                Notices.notice(why);
            }
            if (!Notices.quiet()) {
                System.err.println(Timings.describe(result, loadNanos));
            }
            if (CliAudit.enabled(audit)) {
                CliAudit.record(model, format == null ? dev.cove.secure.RequestKind.COMPLETION : dev.cove.secure.RequestKind.CHAT,
                        started, result);
            }
            return 0;
        }
    }
}
