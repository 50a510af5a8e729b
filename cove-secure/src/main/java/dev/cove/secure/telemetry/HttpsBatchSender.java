package dev.cove.secure.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * POSTs a batch to the HTTPS endpoint with {@link HttpClient}, which verifies the certificate
 * chain and the host name; nothing here can turn that off. Any 2xx is an acknowledgement; every
 * other answer, and every I/O error, is a failure to be retried. Only the status code or the
 * exception type is logged: never a body.
 */
final class HttpsBatchSender implements BatchSender {
    private static final System.Logger LOG = System.getLogger(HttpsBatchSender.class.getName());

    private final ExportSettings settings;
    private final HttpClient client;

    HttpsBatchSender(ExportSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .sslContext(sslContext(settings.trust()))
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public boolean send(byte[] body, String idempotencyKey) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(settings.endpoint())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/x-ndjson")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return true;
            }
            LOG.log(System.Logger.Level.DEBUG, "telemetry endpoint answered HTTP {0}", status);
            return false;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "telemetry endpoint not reached: {0}", e.getClass().getSimpleName());
            return false;
        }
    }

    static SSLContext sslContext(TrustSource trust) {
        try {
            return switch (trust) {
                case TrustSource.SystemTrust() -> SSLContext.getDefault();
                case TrustSource.TrustStoreFile(var file, var password) -> {
                    KeyStore ks = KeyStore.getInstance("PKCS12");
                    try (InputStream in = Files.newInputStream(file)) {
                        ks.load(in, password);
                    }
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(ks);
                    SSLContext ctx = SSLContext.getInstance("TLS");
                    ctx.init(null, tmf.getTrustManagers(), null);
                    yield ctx;
                }
            };
        } catch (IOException | GeneralSecurityException e) {
            throw new TelemetryException("cannot load the telemetry trust store: " + e.getMessage(), e);
        }
    }
}
