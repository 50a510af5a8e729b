package dev.cove.cli;

import dev.cove.secure.crypt.KeyEncryptionKey;
import dev.cove.secure.sign.CoveSignature;
import dev.cove.secure.store.Manifest;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.SecureModelLoader;
import dev.cove.secure.store.StoredSignature;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model store's commands: {@code cove list}, {@code show}, {@code rm} and {@code import}. */
final class StoreCommands {
    private StoreCommands() {
    }

    /** {@code cove list}: the models in the store. */
    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
            description = "List the models in the store ($COVE_HOME, default ~/.cove).")
    static final class ListCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            ModelStore store = SecureCli.store();
            List<Manifest> all = store.list();
            PrintStream out = Stdout.utf8();
            if (all.isEmpty()) {
                out.println("no models in " + store.home() + " (add one with: cove pull hf://ORG/REPO/FILE.gguf, or cove import FILE)");
                out.flush();
                return 0;
            }
            int w = Math.max(4, all.stream().mapToInt(m -> m.name().length()).max().orElse(4));
            out.printf("%-" + w + "s  %10s  %-8s  %-8s  %-9s  %s%n", "NAME", "SIZE", "TYPE", "ARCH", "AT REST", "SIGNATURES");
            for (Manifest m : all) {
                out.printf("%-" + w + "s  %10s  %-8s  %-8s  %-9s  %d%n", m.name(), InfoCommand.bytes(m.size()),
                        m.gguf() == null ? "?" : m.gguf().type(), m.gguf() == null ? "?" : m.gguf().architecture(),
                        m.encrypted() ? "encrypted" : "plain", m.signatures().size());
            }
            out.flush();
            return 0;
        }
    }

    /** {@code cove show NAME}: one model's manifest. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a stored model: source, digests, summary, signatures.")
    static final class ShowCommand implements Callable<Integer> {
        @Parameters(index = "0", description = "The model's name in the store.")
        String name;

        @Override
        public Integer call() {
            ModelStore store = SecureCli.store();
            Manifest m = store.get(name);
            PrintStream out = Stdout.utf8();
            out.printf("name:        %s%n", m.name());
            out.printf("source:      %s%n", m.source());
            out.printf("added:       %s%n", m.created());
            out.printf("sha256:      %s%n", m.digest());
            out.printf("size:        %s (%d bytes)%n", InfoCommand.bytes(m.size()), m.size());
            out.printf("at rest:     %s%n", m.encrypted() ? "encrypted, key " + m.encryption() + ", blob sha256 " + m.blob() : "plain");
            out.printf("file:        %s%n", store.blobPath(m));
            if (m.gguf() != null) {
                out.printf("model:       %s%s, %s parameters, %s, %d tensors, context %d%s%n", m.gguf().architecture(),
                        m.gguf().modelName().isEmpty() ? "" : " \"" + m.gguf().modelName() + "\"",
                        String.format(Locale.ROOT, "%,d", m.gguf().parameters()), m.gguf().type(), m.gguf().tensors(),
                        m.gguf().contextLength(), m.gguf().chatTemplate() ? ", chat template" : "");
            }
            out.printf("signatures:  %d%n", m.signatures().size());
            for (StoredSignature s : m.signatures()) {
                byte[] b = s.bytes();
                if (CoveSignature.looksLikeCoveSignature(b)) {
                    try {
                        CoveSignature sig = CoveSignature.parse(s.origin(), new String(b, StandardCharsets.UTF_8));
                        out.printf("  %s by %s, key %s, %s (%s)%n", sig.algorithm().id(), sig.signer(), sig.keyId(), sig.time(), s.origin());
                    } catch (RuntimeException e) {
                        out.printf("  unreadable signature (%s)%n", s.origin());
                    }
                } else {
                    out.printf("  detached openssl signature, %d bytes (%s)%n", b.length, s.origin());
                }
            }
            out.println("trust:       checked at every load (cove verify " + m.name() + " to check now)");
            out.flush();
            return 0;
        }
    }

    /** {@code cove rm NAME...}: remove models from the store. */
    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove models from the store.")
    static final class RmCommand implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "Names of stored models.")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() {
            ModelStore store = SecureCli.store();
            for (String n : names) {
                Manifest m = store.remove(n);
                System.err.println("removed " + m.name() + " (" + InfoCommand.bytes(m.size()) + ")");
            }
            return 0;
        }
    }

    /** {@code cove import FILE}: copy (or encrypt) a local GGUF into the store. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Validate a GGUF file and add it to the store (the file itself is left as it is).")
    static final class ImportCommand implements Callable<Integer> {
        @Parameters(index = "0", description = "The GGUF file.")
        Path file;

        @Option(names = "--name", description = "Name in the store (default: the file name without .gguf).")
        String name;

        @Option(names = "--encrypted", description = "Store it encrypted at rest (AES-256-GCM).")
        boolean encrypted;

        @Option(names = "--key", paramLabel = "STORE[:ALIAS]",
                description = "Key-encryption key for --encrypted: pkcs12 (default) or pkcs11, optionally with an alias.")
        String key;

        @Option(names = "--signature", paramLabel = "FILE",
                description = "Signature files to keep with the model (Cove or openssl detached signatures); FILE.sig beside the model is taken by default.")
        List<Path> signatures = new ArrayList<>();

        @Option(names = {"-f", "--force"}, description = "Replace a stored model of the same name.")
        boolean force;

        @Override
        public Integer call() {
            ModelStore store = SecureCli.store();
            String n = name != null ? name : defaultName(file);
            List<StoredSignature> sigs = new ArrayList<>();
            List<Path> files = new ArrayList<>(signatures);
            Path beside = file.resolveSibling(file.getFileName() + ".sig");
            if (files.isEmpty() && java.nio.file.Files.isRegularFile(beside)) {
                files.add(beside);
            }
            for (Path p : files) {
                var src = SecureModelLoader.readSignatureFile(p);
                sigs.add(StoredSignature.of(src.name(), src.bytes()));
            }
            KeyEncryptionKey kek = encrypted || key != null ? SecureCli.keys(store).forEncryption(key) : null;
            Manifest m = store.importFile(file, n, new ModelStore.ImportOptions(null, kek, force, sigs));
            System.err.println("imported " + m.name() + " (" + InfoCommand.bytes(m.size()) + ", sha256 " + m.digest()
                    + (m.encrypted() ? ", encrypted with " + m.encryption() : "")
                    + (sigs.isEmpty() ? "" : ", " + sigs.size() + " signature(s)") + ")");
            return 0;
        }

        static String defaultName(Path file) {
            String base = file.getFileName().toString();
            if (base.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
                base = base.substring(0, base.length() - 5);
            }
            return base.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[._-]+", "");
        }
    }
}
