package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.core.model.KvCacheType;
import picocli.CommandLine.Option;

/** {@code --kv-type}: the element type of the KV cache, for every command that runs a model. */
final class KvCacheOption {
    @Option(names = "--kv-type", paramLabel = "f32|bf16|q8_0", defaultValue = "f32",
            description = "KV cache type: f32 (exact), bf16 (half the memory) or q8_0 (about a quarter), "
                    + "as llama.cpp's -ctk/-ctv. Default: ${DEFAULT-VALUE}.")
    String kvType = "f32"; // also when the options are made in code, not parsed

    /** The type named, checked before any model loads. */
    KvCacheType type() {
        return KvCacheType.parse(kvType);
    }

    /** Makes {@code model}'s sequences use the type named. */
    Model applyTo(Model model) {
        model.forwardPass().useKvCache(type());
        return model;
    }
}
