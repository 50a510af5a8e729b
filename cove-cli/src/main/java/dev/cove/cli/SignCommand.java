package dev.cove.cli;

import dev.cove.secure.sign.CoveSignature;
import dev.cove.secure.sign.PemKeys;
import dev.cove.secure.sign.Signer;
import dev.cove.secure.store.ModelRef;
import dev.cove.secure.store.ModelResolver;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.SecureModelLoader;
import dev.cove.secure.store.StoredSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove sign MODEL}: sign the model's SHA-256 (of its GGUF bytes, decrypted if it is
 * encrypted at rest). A stored model keeps the signature in its manifest; a file gets FILE.sig.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign a model (store name or file) with your private key.",
        footer = {"", "Check a signature with openssl (ECDSA/RSA keys):",
            "  sed '/^signature: /d' m.sig > statement; sed -n 's/^signature: //p' m.sig | base64 -d > sig.bin",
            "  openssl dgst -sha256 -verify key.pub -signature sig.bin statement && grep file-sha256 statement; sha256sum m.gguf",
            "Ed25519: openssl pkeyutl -verify -pubin -inkey key.pub -rawin -in statement -sigfile sig.bin"})
final class SignCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The model: a store name or a GGUF file.")
    String model;

    @Option(names = {"-k", "--key"}, description = "Private key PEM (default: $COVE_HOME/keys/signing.pem).")
    Path key;

    @Option(names = "--signer", description = "Who signs, recorded in the signature (default: your user name).")
    String signer;

    @Option(names = {"-o", "--out"}, description = "Also write the signature to this file.")
    Path out;

    @Option(names = {"-t", "--threads"}, description = "Threads for decrypting an encrypted model.")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        ModelStore store = SecureCli.store();
        KeyPair pair = PemKeys.readPrivateKey(key != null ? key : store.home().resolve("keys").resolve("signing.pem"));
        SecureModelLoader loader = new SecureModelLoader(store, SecureCli.keys(store), null, SecureCli::warn);
        ModelRef ref = new ModelResolver(store).resolve(model);
        CoveSignature sig;
        SecureModelLoader.Image image = loader.digestOf(model, SecureCli.threads(threads));
        try (var f = image.file()) {
            sig = Signer.sign(pair, image.digest(), f.fileSize(), signer != null ? signer : System.getProperty("user.name", "unknown"),
                    Instant.now());
        }
        byte[] text = sig.toText().getBytes(StandardCharsets.UTF_8);
        if (ref instanceof ModelRef.Stored s) {
            store.addSignature(s.manifest().name(), StoredSignature.of("cove sign by " + sig.signer(), text));
            System.err.println("signed " + s.manifest().name() + " in the store (key " + sig.keyId() + ", sha256 "
                    + sig.fileSha256().sha256Hex() + ")");
        }
        Path target = out != null ? out : ref instanceof ModelRef.File f ? f.file().resolveSibling(f.file().getFileName() + ".sig") : null;
        if (target != null) {
            dev.cove.secure.fs.AtomicFiles.write(target, text);
            System.err.println("wrote " + target + " (key " + sig.keyId() + ", sha256 " + sig.fileSha256().sha256Hex() + ")");
        }
        return 0;
    }
}
