package dev.cove.secure.telemetry;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A telemetry collector on 127.0.0.1 with its own self-signed certificate (made by the JDK's
 * keytool), recording every byte it receives. It can be told to fail, to simulate an outage.
 */
public final class TestHttpsServer implements AutoCloseable {
    static final char[] PASSWORD = "test-server-password".toCharArray();

    private final HttpsServer server;
    private final List<byte[]> bodies = new ArrayList<>();
    private final List<String> idempotencyKeys = new ArrayList<>();
    private final ByteArrayOutputStream everything = new ByteArrayOutputStream();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger acceptBudget = new AtomicInteger(Integer.MAX_VALUE);
    private volatile boolean down;

    private TestHttpsServer(HttpsServer server) {
        this.server = server;
    }

    /** A key pair and self-signed certificate for 127.0.0.1 / localhost, in a PKCS#12 file. */
    public static Path makeServerKeystore(Path dir, String cn) throws Exception {
        Path ks = dir.resolve(cn + "-server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=" + cn,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        return ks;
    }

    /** A trust store holding only the server's certificate, for the client. */
    public static Path makeTrustStore(Path serverKeystore, Path trustStore, char[] password) throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(serverKeystore.toFile())) {
            server.load(in, PASSWORD);
        }
        Certificate cert = server.getCertificate("server");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("collector", cert);
        try (FileOutputStream out = new FileOutputStream(trustStore.toFile())) {
            trust.store(out, password);
        }
        return trustStore;
    }

    public static TestHttpsServer start(Path serverKeystore) throws Exception {
        return start(serverKeystore, 0);
    }

    static TestHttpsServer start(Path serverKeystore, int port) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(serverKeystore.toFile())) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        TestHttpsServer t = new TestHttpsServer(https);
        https.createContext("/ingest", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (t) {
                t.everything.writeBytes(exchange.getRequestHeaders().toString().getBytes(StandardCharsets.UTF_8));
                t.everything.writeBytes(body);
            }
            int status;
            if (t.down || t.failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    || t.acceptBudget.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                status = 503;
            } else {
                synchronized (t) {
                    t.bodies.add(body);
                    t.idempotencyKeys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
                }
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        https.start();
        return t;
    }

    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/ingest");
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every accepted event line, in arrival order. */
    public synchronized List<String> acceptedLines() {
        List<String> lines = new ArrayList<>();
        for (byte[] b : bodies) {
            for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    synchronized List<String> idempotencyKeys() {
        return List.copyOf(idempotencyKeys);
    }

    /** Every header and body byte received, accepted or not. */
    public synchronized byte[] everythingReceived() {
        return everything.toByteArray();
    }

    void failNext(int requests) {
        failNext.set(requests);
    }

    /** Accepts the next {@code requests} requests, then fails every one until reset with MAX_VALUE. */
    void acceptOnly(int requests) {
        acceptBudget.set(requests);
    }

    void setDown(boolean isDown) {
        this.down = isDown;
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
    }
}
