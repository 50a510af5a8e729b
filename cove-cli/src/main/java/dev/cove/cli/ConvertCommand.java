package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.convert.HfConverter;
import dev.cove.core.convert.Llama2cConfig;
import dev.cove.core.convert.Llama2cConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove convert FORMAT ...}: turns a model in another format into a GGUF file that Cove
 * and llama.cpp load. One subcommand per source format.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a model from another format into a GGUF file.",
        subcommands = {ConvertCommand.HfCommand.class, ConvertCommand.Llama2cCommand.class})
public final class ConvertCommand {

    /** {@code cove convert hf DIR OUT.gguf [--outtype f32|f16|bf16|q8_0]}. */
    @Command(name = "hf", mixinStandardHelpOptions = true,
            description = {
                "Convert a Hugging Face checkpoint folder (config.json, tokenizer.json, tokenizer_config.json and"
                        + " model.safetensors or sharded model-*.safetensors) into a GGUF file that Cove and llama.cpp load.",
                "Architectures: LlamaForCausalLM and MistralForCausalLM (Llama 2/3, Mistral, TinyLlama, CodeLlama),"
                        + " Qwen2ForCausalLM, Qwen3ForCausalLM, Gemma2ForCausalLM, Gemma3ForCausalLM and the text model of"
                        + " Gemma3ForConditionalGeneration, Phi3ForCausalLM (Phi-3, Phi-3.5, Phi-4-mini). Weights may be"
                        + " F32, F16 or BF16. Nothing is written unless the whole checkpoint is valid."})
    static final class HfCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Notices.QuietOption quiet = new Notices.QuietOption();

        @Parameters(index = "0", paramLabel = "DIR", description = "The checkpoint folder.")
        Path dir;

        @Parameters(index = "1", paramLabel = "OUT.gguf", description = "The GGUF file to write (replaced if it exists).")
        Path output;

        @Option(names = "--outtype", paramLabel = "TYPE", defaultValue = "auto",
                description = "Type of the weight matrices: auto (BF16 for a BF16 checkpoint, else F16), f32, f16, bf16"
                        + " or q8_0 (default: ${DEFAULT-VALUE}). Norms and biases stay F32.")
        String outType;

        @Option(names = "--name", paramLabel = "NAME", description = "general.name of the model (default: the folder's name).")
        String name;

        @Option(names = "--pre", paramLabel = "NAME",
                description = "llama.cpp pre-tokenizer name (tokenizer.ggml.pre) for a byte-level tokenizer whose"
                        + " pre-tokenizer Cove does not recognise (it recognises GPT-2, Llama 3 and Qwen2).")
        String pre;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            HfConverter.OutType type;
            try {
                type = HfConverter.OutType.parse(outType);
            } catch (IllegalArgumentException e) {
                err.println("cove: " + e.getMessage());
                err.flush();
                return 2;
            }
            HfConverter.Result r;
            long start = System.nanoTime();
            try {
                r = HfConverter.convert(dir, output, HfConverter.Options.defaults().withOutType(type).withName(name)
                        .withPreTokenizer(pre));
            } catch (CoveException e) {
                err.println("cove: " + e.getMessage());
                err.flush();
                return 1;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "wrote %s: %d tensors, %s, in %.1f s%n", r.output(), r.tensorCount(), bytes(r.fileSize()),
                    seconds);
            out.printf(Locale.ROOT, "  %s as %s: %d layers, dim %d, %d heads (%d key/value), %d tokens, %s parameters,"
                            + " weights %s%s%n",
                    r.hfArchitecture(), r.architecture(), r.layers(), r.embeddingLength(), r.heads(), r.kvHeads(),
                    r.vocabularySize(), count(writtenParameters(r.output())), r.weightType(), r.tiedEmbeddings() ? ", tied embeddings" : "");
            out.printf(Locale.ROOT, "  tokenizer %s (pre-tokenizer %s)%s%n", r.tokenizerModel(), r.preTokenizer(),
                    r.chatTemplate() ? ", with chat template" : ", no chat template");
            for (String note : r.notes()) {
                if (!Notices.quiet()) {
                    err.println("cove: note: " + note);
                }
            }
            out.flush();
            err.flush();
            return 0;
        }
    }

    /** {@code cove convert llama2c CHECKPOINT TOKENIZER OUT.gguf}. */
    @Command(name = "llama2c", mixinStandardHelpOptions = true,
            description = {
                "Convert a llama2.c checkpoint (the legacy format of run.c, e.g. stories15M.bin) and its"
                        + " tokenizer (tokenizer.bin) into a float32 GGUF file.",
                "The result matches llama.cpp's convert-llama2c-to-ggml, except that the context length is the"
                        + " checkpoint's max_seq_len and the model is named after the checkpoint file."})
    static final class Llama2cCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Notices.QuietOption quiet = new Notices.QuietOption();

        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "The llama2.c checkpoint (.bin).")
        Path checkpoint;

        @Parameters(index = "1", paramLabel = "TOKENIZER", description = "The llama2.c tokenizer (tokenizer.bin, tok512.bin, ...).")
        Path tokenizer;

        @Parameters(index = "2", paramLabel = "OUT.gguf", description = "The GGUF file to write (replaced if it exists).")
        Path output;

        @Option(names = "--name", paramLabel = "NAME",
                description = "general.name of the model (default: the checkpoint's file name without extension).")
        String name;

        @Option(names = "--context-length", paramLabel = "N",
                description = "llama.context_length (default: the checkpoint's max_seq_len).")
        Integer contextLength;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (contextLength != null && contextLength <= 0) {
                err.println("cove: --context-length must be positive, not " + contextLength);
                err.flush();
                return 2;
            }
            Llama2cConverter.Options options = Llama2cConverter.Options.defaults().withName(name)
                    .withContextLength(contextLength == null ? 0 : contextLength);
            Llama2cConverter.Result r;
            try {
                r = Llama2cConverter.convert(checkpoint, tokenizer, output, options);
            } catch (CoveException e) {
                err.println("cove: " + e.getMessage());
                err.flush();
                return 1;
            }
            Llama2cConfig c = r.config();
            out.printf(Locale.ROOT, "wrote %s: %d tensors, %s%n", r.output(), r.tensorCount(), bytes(r.fileSize()));
            out.printf(Locale.ROOT, "  llama, %d layers, dim %d, %d heads (%d key/value), feed-forward %d,"
                            + " %d tokens, context %d, %s parameters, F32%n",
                    c.layers(), c.dim(), c.heads(), c.kvHeads(), c.hiddenDim(), c.vocabSize(), r.contextLength(),
                    count(writtenParameters(r.output())));
            out.flush();
            return 0;
        }
    }

    /** The parameters of the written file, counted as {@code cove info} counts them (one function for both). */
    static long writtenParameters(Path gguf) {
        try (dev.cove.core.gguf.GgufFile f = dev.cove.core.gguf.GgufFile.open(gguf)) {
            return f.parameterCount();
        }
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }

    static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f M", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f K", n / 1e3);
    }
}
