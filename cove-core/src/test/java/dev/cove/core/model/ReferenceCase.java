package dev.cove.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

/** One of llama.cpp's reference runs in ../shared/reference: tokens and logits per position. */
record ReferenceCase(String name, Path model, int[] promptTokens, int[] greedyTokens, int vocab, float[][] logits) {

    static ReferenceCase load(String name, String modelPath) throws IOException {
        return load(name, SharedData.require("reference/" + name + ".json"), SharedData.require(modelPath));
    }

    /** The reference NAME of ../shared, with its model found by the naming of ../shared/models. */
    static ReferenceCase named(String name) throws IOException {
        String path = name.startsWith("stories260K") ? "models/stories260K/stories260K.gguf"
                : name.startsWith("arch-") ? "models/arch-test/" + name + ".gguf"
                : "models/small-test/" + name + ".gguf";
        return load(name, path);
    }

    /** The reference in {@code json} (with {@code NAME.logits.f32} beside it) of {@code model}. */
    static ReferenceCase load(String name, Path json, Path model) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        int[] prompt = ints(root.get("prompt_tokens"));
        int[] greedy = ints(root.get("greedy_tokens"));
        int vocab = root.get("n_vocab").asInt();
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(json.resolveSibling(name + ".logits.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        int rows = raw.remaining() / 4 / vocab;
        float[][] logits = new float[rows][vocab];
        for (float[] row : logits) {
            raw.asFloatBuffer().get(row);
            raw.position(raw.position() + vocab * 4);
        }
        return new ReferenceCase(name, model, prompt, greedy, vocab, logits);
    }

    private static int[] ints(JsonNode array) {
        return IntStream.range(0, array.size()).map(i -> array.get(i).asInt()).toArray();
    }

    /** The full sequence fed to llama.cpp: prompt then greedy continuation. */
    int[] sequence() {
        return IntStream.concat(IntStream.of(promptTokens), IntStream.of(greedyTokens)).toArray();
    }

    /** Normalised mean squared error after removing each row's mean, as the shared README defines it. */
    static double nmse(float[] actual, float[] reference) {
        double meanA = 0;
        double meanR = 0;
        for (int i = 0; i < reference.length; i++) {
            meanA += actual[i];
            meanR += reference[i];
        }
        meanA /= reference.length;
        meanR /= reference.length;
        double err = 0;
        double norm = 0;
        for (int i = 0; i < reference.length; i++) {
            double a = actual[i] - meanA;
            double r = reference[i] - meanR;
            err += (a - r) * (a - r);
            norm += r * r;
        }
        return err / norm;
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Difference between the largest and second-largest logit. */
    static float topMargin(float[] x) {
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }
}
