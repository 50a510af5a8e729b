package dev.cove.server;

import dev.cove.core.Model;
import dev.cove.core.chat.TemplateChatRenderer;
import dev.cove.core.chat.ChatRenderer;
import dev.cove.core.tokenizer.Vocabulary;
import dev.cove.server.batch.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * A model as the server offers it: its public name, the chat format its requests are rendered
 * with, its scheduler, and the facts the model-listing endpoints report.
 */
public final class ServedModel {
    private final String name;
    private final Model model;
    private final ChatRenderer chatFormat;
    private final String chatTemplate;
    private final Scheduler scheduler;
    private final long parameterCount;
    private final String quantization;
    private final long fileSize;
    private final Instant modified;

    ServedModel(String name, Model model, Scheduler scheduler) {
        this.name = name;
        this.model = model;
        this.scheduler = scheduler;
        this.chatTemplate = model.metadata().getString("tokenizer.chat_template", null);
        // The model's own template; without one, a built-in format (ChatML when the vocabulary has
        // its markers, else a plain "User: / Assistant:" transcript).
        this.chatFormat = TemplateChatRenderer.forModel(model);
        this.parameterCount = model.parameterCount();
        this.quantization = quantizationOf(model);
        Path path = model.path();
        long size = 0;
        Instant mtime = Instant.EPOCH;
        if (path != null) {
            try {
                size = Files.size(path);
                mtime = Files.getLastModifiedTime(path).toInstant();
            } catch (IOException e) {
                // reported as unknown
            }
        }
        this.fileSize = size;
        this.modified = mtime;
    }

    public String name() {
        return name;
    }

    public Model model() {
        return model;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public ChatRenderer chatFormat() {
        return chatFormat;
    }

    /** The model's own {@code tokenizer.chat_template}, or null. */
    public String chatTemplate() {
        return chatTemplate;
    }

    public int contextLength() {
        return scheduler.config().contextLength();
    }

    public long parameterCount() {
        return parameterCount;
    }

    /** "1.1B", "260K": as Ollama writes parameter sizes. */
    public String parameterSize() {
        double n = parameterCount;
        if (n >= 1e9) {
            return String.format(Locale.ROOT, "%.1fB", n / 1e9);
        }
        if (n >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.0fK", n / 1e3);
    }

    public String quantization() {
        return quantization;
    }

    public long fileSize() {
        return fileSize;
    }

    public Instant modified() {
        return modified;
    }

    public String family() {
        return model.config().architecture();
    }

    /** Whether the vocabulary has the three fill-in-the-middle tokens. */
    public boolean supportsFim() {
        Vocabulary v = model.tokenizer().vocabulary();
        return v.fimPrefix() != Vocabulary.NONE && v.fimSuffix() != Vocabulary.NONE && v.fimMiddle() != Vocabulary.NONE;
    }

    private static String quantizationOf(Model model) {
        int fileType = model.metadata().getInt("general.file_type", -1);
        String named = switch (fileType) {
            case 0 -> "F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 7 -> "Q8_0";
            case 8 -> "Q5_0";
            case 9 -> "Q5_1";
            case 10 -> "Q2_K";
            case 11 -> "Q3_K_S";
            case 12 -> "Q3_K_M";
            case 13 -> "Q3_K_L";
            case 14 -> "Q4_K_S";
            case 15 -> "Q4_K_M";
            case 16 -> "Q5_K_S";
            case 17 -> "Q5_K_M";
            case 18 -> "Q6_K";
            case 32 -> "BF16";
            default -> null;
        };
        if (named != null) {
            return named;
        }
        var layers = model.forwardPass().weights().layers();
        return layers.length > 0 ? layers[0].wq().type().name() : "unknown";
    }
}
