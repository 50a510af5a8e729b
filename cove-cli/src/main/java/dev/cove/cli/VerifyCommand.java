package dev.cove.cli;

import dev.cove.secure.sign.SignatureVerifier;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.SecureModelLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cove verify MODEL}: check every signature of a model against the trust store. Exit 0 when trusted. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a model's signatures against the trust store; exits 0 only when a trusted key signed exactly this file.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The model: a store name or a GGUF file.")
    String model;

    @Option(names = {"-s", "--signature"}, paramLabel = "FILE",
            description = "More signature files to check (Cove, or detached signatures made with openssl).")
    List<Path> signatures = new ArrayList<>();

    @Option(names = {"-t", "--threads"}, description = "Threads for decrypting an encrypted model.")
    Integer threads;

    @Override
    public Integer call() {
        ModelStore store = SecureCli.store();
        SecureModelLoader loader = new SecureModelLoader(store, SecureCli.keys(store), null, SecureCli::warn);
        List<SignatureVerifier.Source> extra = new ArrayList<>();
        for (Path p : signatures) {
            extra.add(SecureModelLoader.readSignatureFile(p));
        }
        SecureModelLoader.Verification v = loader.verify(model, extra, SecureCli.threads(threads));
        PrintStream out = Stdout.utf8();
        out.printf("%s: sha256 %s, %d bytes%n", v.ref().displayName(), v.digest().sha256Hex(), v.size());
        if (v.checks().isEmpty()) {
            out.println("  no signatures (sign with: cove sign " + model + ", or give --signature FILE)");
        }
        for (SignatureVerifier.Check c : v.checks()) {
            out.printf("  %-12s %s: %s%n", c.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), c.source(), c.message());
        }
        out.println(v.trusted() ? "trusted" : "NOT trusted");
        out.flush();
        return v.trusted() ? 0 : 1;
    }
}
