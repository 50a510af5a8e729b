package dev.cove.cli;

import dev.cove.core.sample.SamplingOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** llama.cpp-style sampling options. */
final class SamplingMixin {
    @Option(names = "--temp", description = "Temperature; 0 is greedy (default: ${DEFAULT-VALUE}).", defaultValue = "0.8")
    float temperature;

    @Option(names = "--top-k", description = "Keep the K most likely tokens; 0 disables (default: ${DEFAULT-VALUE}).", defaultValue = "40")
    int topK;

    @Option(names = "--top-p", description = "Nucleus sampling threshold; 1 disables (default: ${DEFAULT-VALUE}).", defaultValue = "0.95")
    float topP;

    @Option(names = "--min-p", description = "Drop tokens below this fraction of the top probability (default: ${DEFAULT-VALUE}).", defaultValue = "0.05")
    float minP;

    @Option(names = "--repeat-penalty", description = "Penalty for repeated tokens; 1 disables (default: ${DEFAULT-VALUE}).", defaultValue = "1.0")
    float repeatPenalty;

    @Option(names = "--repeat-last-n", description = "Window of tokens the penalties look at (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int repeatLastN;

    @Option(names = "--frequency-penalty", description = "Frequency penalty (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float frequencyPenalty;

    @Option(names = "--presence-penalty", description = "Presence penalty (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float presencePenalty;

    @Option(names = {"-s", "--seed"}, description = "Random seed; the same seed gives the same text (default: random).")
    Long seed;

    @Option(names = "--stop", description = "Stop when the output contains this text (repeatable).")
    List<String> stop = new ArrayList<>();

    SamplingOptions toOptions() {
        SamplingOptions o = SamplingOptions.defaults()
                .temperature(temperature)
                .topK(topK)
                .topP(topP)
                .minP(minP)
                .repeatPenalty(repeatPenalty)
                .repeatLastN(repeatLastN)
                .frequencyPenalty(frequencyPenalty)
                .presencePenalty(presencePenalty);
        return seed != null ? o.seed(seed) : o.randomSeed();
    }
}
