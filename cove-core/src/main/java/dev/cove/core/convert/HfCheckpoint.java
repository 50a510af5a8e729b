package dev.cove.core.convert;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face checkpoint folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists (or, without an index, every
 * {@code model*.safetensors}), all memory-mapped. The index and the shards must agree exactly:
 * a tensor listed but absent (a missing or incomplete shard) or present but not listed is an
 * error. Closing unmaps every shard.
 */
final class HfCheckpoint implements AutoCloseable {
    private final List<Safetensors> files;
    private final Map<String, Safetensors.Tensor> tensors;

    private HfCheckpoint(List<Safetensors> files, Map<String, Safetensors.Tensor> tensors) {
        this.files = files;
        this.tensors = tensors;
    }

    static HfCheckpoint open(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        List<String> shardNames = new ArrayList<>();
        Map<String, String> weightMap = null;
        if (Files.isRegularFile(index)) {
            Map<String, Object> json = Json.object(Json.parse(readText(index), index.getFileName().toString()),
                    "model.safetensors.index.json", "the file");
            Map<String, Object> map = Json.object(json.get("weight_map"), "model.safetensors.index.json", "\"weight_map\"");
            weightMap = new LinkedHashMap<>();
            TreeSet<String> names = new TreeSet<>();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if (!(e.getValue() instanceof String shard)) {
                    throw new ConvertException("model.safetensors.index.json: the shard of tensor " + e.getKey()
                            + " must be a file name, not " + Json.kind(e.getValue()));
                }
                if (shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.isEmpty()) {
                    throw new ConvertException("model.safetensors.index.json: shard \"" + shard + "\" must be a file name in "
                            + dir);
                }
                weightMap.put(e.getKey(), shard);
                names.add(shard);
            }
            shardNames.addAll(names);
            for (String s : shardNames) {
                if (!Files.isRegularFile(dir.resolve(s))) {
                    throw new ConvertException(dir + ": the shard " + s + " listed in model.safetensors.index.json is missing");
                }
            }
        } else if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
            shardNames.add("model.safetensors");
        } else {
            TreeSet<String> names = new TreeSet<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "model*.safetensors")) {
                for (Path p : ds) {
                    names.add(p.getFileName().toString());
                }
            } catch (IOException e) {
                throw new ConvertException(dir + ": cannot list the folder: " + e.getMessage(), e);
            }
            if (names.isEmpty()) {
                String hint = Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("pytorch_model.bin.index.json"))
                        ? ": the weights are in PyTorch's pickle format (pytorch_model.bin), which Cove does not read because"
                        + " loading a pickle can run code; save them as safetensors first"
                        : "";
                throw new ConvertException(dir + ": no weights found (model.safetensors, model.safetensors.index.json or"
                        + " model-*.safetensors)" + hint);
            }
            shardNames.addAll(names);
        }

        List<Safetensors> files = new ArrayList<>();
        try {
            Map<String, Safetensors.Tensor> all = new LinkedHashMap<>();
            for (String s : shardNames) {
                Safetensors f = Safetensors.open(dir.resolve(s));
                files.add(f);
                for (Safetensors.Tensor t : f.tensors().values()) {
                    Safetensors.Tensor previous = all.put(t.name(), t);
                    if (previous != null) {
                        throw new ConvertException(dir + ": tensor " + t.name() + " is in both " + previous.file() + " and "
                                + t.file());
                    }
                }
            }
            if (weightMap != null) {
                List<String> missing = new ArrayList<>();
                List<String> unlisted = new ArrayList<>();
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    Safetensors.Tensor t = all.get(e.getKey());
                    if (t == null) {
                        missing.add(e.getKey() + " (" + e.getValue() + ")");
                    } else if (!t.file().equals(e.getValue())) {
                        unlisted.add(e.getKey() + " is in " + t.file() + ", not " + e.getValue());
                    }
                }
                for (String name : all.keySet()) {
                    if (!weightMap.containsKey(name)) {
                        unlisted.add(name + " (" + all.get(name).file() + ") is not in the index");
                    }
                }
                if (!missing.isEmpty()) {
                    throw new ConvertException(dir + ": the index lists tensors that its shards do not hold (a missing or"
                            + " incomplete shard?): " + abbreviate(missing));
                }
                if (!unlisted.isEmpty()) {
                    throw new ConvertException(dir + ": the shards do not match model.safetensors.index.json: " + abbreviate(unlisted));
                }
            }
            return new HfCheckpoint(files, Collections.unmodifiableMap(all));
        } catch (RuntimeException | Error e) {
            for (Safetensors f : files) {
                f.close();
            }
            throw e;
        }
    }

    Map<String, Safetensors.Tensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        for (Safetensors f : files) {
            f.close();
        }
    }

    static String readText(Path p) {
        try {
            long size = Files.size(p);
            if (size > (512L << 20)) {
                throw new ConvertException(p + ": " + size + " bytes is far too large for a JSON file of a checkpoint");
            }
            byte[] bytes = Files.readAllBytes(p);
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConvertException(p + ": not UTF-8 text");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConvertException(p + ": no such file");
        } catch (IOException e) {
            throw new ConvertException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 5 ? String.join(", ", items)
                : String.join(", ", items.subList(0, 5)) + " and " + (items.size() - 5) + " more";
    }
}
