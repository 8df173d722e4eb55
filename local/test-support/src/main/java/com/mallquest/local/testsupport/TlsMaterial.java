package com.mallquest.local.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway self-signed certificate for {@code localhost} / {@code 127.0.0.1}, made with {@code openssl},
 * and the trust material a client needs to accept it.
 *
 * <pre>{@code
 * RedisServer tls = RedisServer.startTls();
 * SSLSocketFactory trusting = tls.tls().sslSocketFactory();   // give this to the Redis client
 * }</pre>
 */
public final class TlsMaterial {
    private final Path certificate;
    private final Path privateKey;
    private final KeyStore trustStore;
    private final SSLContext sslContext;

    private TlsMaterial(Path certificate, Path privateKey, KeyStore trustStore, SSLContext sslContext) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.trustStore = trustStore;
        this.sslContext = sslContext;
    }

    /** Creates a key and a self-signed certificate (valid 2 days) in {@code dir}. */
    static TlsMaterial create(Path dir) throws IOException {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        List<String> command = List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        Path log = dir.resolve("openssl.log");
        Process openssl;
        try {
            openssl = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("openssl is needed to make the test TLS certificate and could not be run"
                    + " (install it with `apt-get install openssl`): " + e.getMessage(), e);
        }
        try {
            if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                openssl.destroyForcibly();
                throw new IllegalStateException("openssl failed to make a certificate: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a certificate", e);
        }
        try (InputStream in = Files.newInputStream(cert)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("mallquest-test", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return new TlsMaterial(cert, key, store, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not load the certificate openssl made", e);
        }
    }

    /** The server certificate (PEM); self-signed, so it is also the CA to trust. */
    public Path certificate() { return certificate; }

    /** The server's private key (PEM, unencrypted). */
    public Path privateKey() { return privateKey; }

    /** A key store holding only this certificate as a trusted entry. */
    public KeyStore trustStore() { return trustStore; }

    /** A TLS context trusting only this certificate. */
    public SSLContext sslContext() { return sslContext; }

    /** Socket factory of {@link #sslContext()}, the form Redis clients take. */
    public SSLSocketFactory sslSocketFactory() { return sslContext.getSocketFactory(); }
}
