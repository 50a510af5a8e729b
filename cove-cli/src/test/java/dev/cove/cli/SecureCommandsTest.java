package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cove.core.Model;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.sample.SamplingOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The store, pull, signing and encryption commands end to end, in-process: a model is pulled
 * from a local hub, signed, trusted, encrypted, and then loaded and run under {@code require}.
 */
class SecureCommandsTest {
    @TempDir
    Path dir;

    record Outcome(int exitCode, String out, String err) {
    }

    @AfterEach
    void resetEnvironment() {
        SecureCli.useEnvironment(null);
    }

    /** Main's command line, with the commands of this feature added when Main does not list them yet. */
    private static CommandLine cli() {
        CommandLine cli = Main.commandLine();
        Object[] commands = {new StoreCommands.ListCommand(), new StoreCommands.ShowCommand(), new StoreCommands.RmCommand(),
            new StoreCommands.ImportCommand(), new PullCommand(), new KeygenCommand(), new SignCommand(), new VerifyCommand(),
            new TrustCommand(), new EncryptCommand(), new DecryptCommand()};
        for (Object c : commands) {
            String name = c.getClass().getAnnotation(CommandLine.Command.class).name();
            if (!cli.getSubcommands().containsKey(name)) {
                cli.addSubcommand(c);
            }
        }
        return cli;
    }

    private static Outcome cove(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cli = cli();
            cli.setErr(new java.io.PrintWriter(System.err, true));
            int code = cli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static Path stories() {
        for (Path p : new Path[] {Path.of("../../shared/models/stories260K/stories260K.gguf"), Path.of("../shared/models/stories260K/stories260K.gguf")}) {
            if (Files.exists(p)) {
                return p;
            }
        }
        assumeTrue(false, "../shared is absent: skipping");
        return null;
    }

    @Test
    void pullSignTrustEncryptAndRunUnderRequire() throws Exception {
        byte[] model = Files.readAllBytes(stories());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        HttpServer hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.createContext("/cove-org/stories-GGUF/resolve/main/stories260K.gguf", ex -> {
            try (ex) {
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(model.length));
                boolean head = ex.getRequestMethod().equals("HEAD");
                ex.sendResponseHeaders(200, head ? -1 : model.length);
                if (!head) {
                    ex.getResponseBody().write(model);
                }
            }
        });
        hub.start();
        try {
            SecureCli.useEnvironment(Map.of("COVE_HOME", dir.resolve("home").toString(), "COVE_KEYSTORE_PASSWORD", "secret",
                    "HF_ENDPOINT", "http://127.0.0.1:" + hub.getAddress().getPort()));
            Outcome pull = cove("pull", "hf://cove-org/stories-GGUF/stories260K.gguf", "--name", "stories", "--encrypted");
            assertThat(pull.exitCode()).as(pull.err()).isZero();
            assertThat(pull.err()).contains("stored stories").contains("encrypted with pkcs12:cove-model-kek");

            assertThat(cove("keygen", "--trust", "--name", "release").exitCode()).isZero();
            Outcome sign = cove("sign", "stories", "--signer", "release@example.org");
            assertThat(sign.exitCode()).as(sign.err()).isZero();
            Outcome verify = cove("verify", "stories");
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.out()).contains("sha256 " + sha).contains("trusted");
            assertThat(cove("trust", "policy", "require").out()).contains("require");

            Outcome list = cove("list");
            assertThat(list.out()).contains("stories").contains("encrypted");
            assertThat(cove("show", "stories").out()).contains(sha).contains("ed25519 by release@example.org");

            // What `cove run stories` does once Main routes model loading through SecureCli.
            try (Model m = SecureCli.load("stories", 2, null)) {
                String story = m.newSession(GenerationOptions.defaults().sampling(SamplingOptions.greedy()).maxTokens(30))
                        .generate(new int[] {m.tokenizer().vocabulary().bos()}, t -> { }).text();
                assertThat(story).startsWith(" Once upon a time");
            }

            // The decrypted file has no signature beside it, but it holds the very bytes the store's
            // signature covers: a signature belongs to the bytes, so under require it loads.
            Path plain = dir.resolve("plain.gguf");
            assertThat(cove("decrypt", "stories", plain.toString()).exitCode()).isZero();
            assertThat(Files.readAllBytes(plain)).isEqualTo(model);
            SecureCli.load(plain.toString(), 1, null).close();
            // Other bytes (one changed) are unsigned: under require they do not load...
            byte[] changed = model.clone();
            changed[changed.length - 1] ^= 1;
            Path other = Files.write(dir.resolve("other.gguf"), changed);
            try {
                SecureCli.load(other.toString(), 1, null).close();
                throw new AssertionError("an unsigned file loaded under require");
            } catch (dev.cove.secure.sign.UntrustedModelException e) {
                assertThat(e.getMessage()).contains("no signature").contains("require");
            }
            // ...and with a signature beside them, they do.
            assertThat(cove("sign", other.toString()).exitCode()).isZero();
            assertThat(Files.exists(dir.resolve("other.gguf.sig"))).isTrue();
            SecureCli.load(other.toString(), 1, null).close();

            assertThat(cove("rm", "stories").exitCode()).isZero();
            assertThat(cove("list").out()).contains("no models");
        } finally {
            hub.stop(0);
        }
    }

    @Test
    void errorsAreOneLineWithAnExitCode() throws IOException {
        SecureCli.useEnvironment(Map.of("COVE_HOME", dir.resolve("home").toString(), "COVE_OFFLINE", "1"));
        Outcome offline = cove("pull", "stories260k");
        assertThat(offline.exitCode()).isEqualTo(1);
        assertThat(offline.err()).contains("offline mode").doesNotContain("Exception");
        Outcome missing = cove("show", "nothing");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no model named 'nothing'");
        Path junk = Files.writeString(dir.resolve("junk.gguf"), "junk");
        assertThat(cove("import", junk.toString()).err()).contains("not a GGUF file");
        assertThat(cove("trust", "policy", "sometimes").err()).contains("use off, warn or require");
        assertThat(cove("verify", junk.toString()).exitCode()).isEqualTo(1);
    }

    @Test
    void keygenKeysAndSignaturesWorkWithOpenssl() throws Exception {
        assumeTrue(new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS), "openssl missing");
        SecureCli.useEnvironment(Map.of("COVE_HOME", dir.resolve("home").toString()));
        Path key = dir.resolve("k.pem");
        assertThat(cove("keygen", "--type", "ecdsa", "-o", key.toString()).exitCode()).isZero();
        Path model = Files.copy(stories(), dir.resolve("m.gguf"));
        assertThat(cove("sign", model.toString(), "-k", key.toString()).exitCode()).isZero();
        String text = Files.readString(dir.resolve("m.gguf.sig"));
        Files.writeString(dir.resolve("statement"), text.substring(0, text.indexOf("\nsignature: ") + 1));
        Files.write(dir.resolve("sig.bin"), java.util.Base64.getDecoder().decode(text.substring(text.indexOf("\nsignature: ") + 12).strip()));
        Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", dir.resolve("k.pem.pub").toString(), "-signature",
                dir.resolve("sig.bin").toString(), dir.resolve("statement").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("Verified OK");
        // A raw openssl signature is accepted by verify once the key is trusted.
        Path raw = dir.resolve("m.raw.sig");
        Process s = new ProcessBuilder("openssl", "dgst", "-sha256", "-sign", key.toString(), "-out", raw.toString(), model.toString()).start();
        assertThat(s.waitFor()).isZero();
        assertThat(cove("verify", model.toString(), "-s", raw.toString()).exitCode()).isEqualTo(1);
        assertThat(cove("trust", "add", dir.resolve("k.pem.pub").toString()).exitCode()).isZero();
        Outcome v = cove("verify", model.toString(), "-s", raw.toString());
        assertThat(v.exitCode()).as(v.out()).isZero();
        assertThat(v.out()).contains("valid detached signature");
    }
}
