package io.sipway.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Builds Netty {@link SslContext}s from {@link TlsSettings}, with BouncyCastle's JSSE provider
 * (BCJSSE) as the TLS implementation and TLSv1.3 / TLSv1.2 as the only protocols.
 *
 * <p>The providers are added once, at the end of the JVM's provider list (so the JVM default
 * {@code SSLContext} stays SunJSSE), and handed to Netty explicitly. Key and trust managers also
 * come from BCJSSE.
 *
 * <p>Client contexts do no host name check (endpoint identification is off, as with Kamailio's
 * {@code verify_certificate}, which checks the chain only); matching the certificate to a SIP
 * domain (RFC 5922) is left to the caller. Netty 4.2 would otherwise enable HTTPS host name checks
 * by default.
 *
 * <p>Contexts are immutable and meant to be built once per listener or domain and shared: call
 * {@code newHandler(alloc)} per connection (for a client, {@code newHandler(alloc, host, port)} so
 * SNI and session resumption work).
 */
public final class TlsContexts {

    /** The protocols a client context enables, preferred first (a server's come from its {@link TlsProfile}). */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final char[] IN_MEMORY_PASSWORD = "sipway".toCharArray();

    private TlsContexts() {
    }

    /** A TLS configuration problem: unreadable or bad PEM, mismatched key, missing ca_list. */
    public static final class TlsConfigException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Path path;

        TlsConfigException(Path path, String message, Throwable cause) {
            super(message, cause);
            this.path = path;
        }

        /** The file at fault, or {@code null} when the problem is not one file. */
        public Path path() {
            return path;
        }
    }

    /**
     * A server context: the certificate and key of {@code settings}; client certificates
     * requested ({@link TlsSettings#verifyClient()}) or required
     * ({@link TlsSettings#requireClientCertificate()}) and verified against the ca_list.
     */
    public static SslContext forServer(TlsSettings settings) throws TlsConfigException {
        if (settings.certificate() == null) {
            throw new TlsConfigException(null,
                    "tls: a server needs certificate and private_key", null);
        }
        Provider jsse = jsseProvider();
        KeyManagerFactory kmf = keyManagers(settings.certificate(), settings.privateKey());
        SslContextBuilder b = SslContextBuilder.forServer(kmf);
        ClientAuth auth = ClientAuth.NONE;
        if (settings.checksClientCertificates()) {
            if (settings.caList() == null) {
                throw new TlsConfigException(null, "tls: verify_certificate/require_certificate"
                        + " need a ca_list to verify client certificates against", null);
            }
            b.trustManager(trustManagers(settings.caList()));
            auth = settings.requireClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL;
        }
        b.clientAuth(auth);
        b.ciphers(settings.profile().cipherSuites(), io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE);
        SslContext built = build(b, jsse, settings.profile().protocols(), "server (certificate " + settings.certificate() + ")");
        return new ServerPreference(built);
    }

    /**
     * The server's order of cipher suites decides (the profile's, or cipher_list's), not the
     * client's: without it a client listing a weaker suite first got it.
     */
    private static final class ServerPreference extends io.netty.handler.ssl.DelegatingSslContext {
        ServerPreference(SslContext ctx) {
            super(ctx);
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            javax.net.ssl.SSLParameters p = engine.getSSLParameters();
            p.setUseCipherSuitesOrder(true);
            engine.setSSLParameters(p);
        }
    }

    /**
     * A client context: presents the certificate of {@code settings} when one is set; verifies the
     * server's chain when {@link TlsSettings#verifyServer()} (against ca_list, or the JVM default
     * trust store without one); otherwise accepts any server certificate.
     */
    public static SslContext forClient(TlsSettings settings) throws TlsConfigException {
        Provider jsse = jsseProvider();
        SslContextBuilder b = SslContextBuilder.forClient();
        if (settings.certificate() != null) {
            b.keyManager(keyManagers(settings.certificate(), settings.privateKey()));
        }
        if (settings.verifyServer()) {
            b.trustManager(settings.caList() != null
                    ? trustManagers(settings.caList())
                    : defaultTrustManagers());
        } else {
            b.trustManager(TrustAll.INSTANCE);
        }
        b.endpointIdentificationAlgorithm(null);
        return build(b, jsse, PROTOCOLS, "client");
    }

    /** The BCJSSE provider all contexts use (installed on first use, with BC). */
    public static Provider jsseProvider() {
        return Providers.JSSE;
    }

    /** The BC crypto provider (installed on first use). */
    static Provider bcProvider() {
        return Providers.BC;
    }

    private static SslContext build(SslContextBuilder b, Provider jsse, List<String> protocols, String what)
            throws TlsConfigException {
        b.sslProvider(SslProvider.JDK).sslContextProvider(jsse).protocols(protocols);
        try {
            return b.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsConfigException(null,
                    "tls: cannot build " + what + " context: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- key and trust managers

    private static KeyManagerFactory keyManagers(Path certFile, Path keyFile)
            throws TlsConfigException {
        List<X509Certificate> chain = readCertificates(certFile, "certificate");
        PrivateKey key = readPrivateKey(keyFile);
        checkPair(key, chain.get(0), certFile, keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, IN_MEMORY_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", jsseProvider());
            kmf.init(ks, IN_MEMORY_PASSWORD);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(keyFile, "tls: private_key " + keyFile
                    + " with certificate " + certFile + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustManagers(Path caFile) throws TlsConfigException {
        List<X509Certificate> cas = readCertificates(caFile, "ca_list");
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate ca : cas) {
                ks.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", jsseProvider());
            tmf.init(ks);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(caFile,
                    "tls: ca_list " + caFile + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory defaultTrustManagers() throws TlsConfigException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", jsseProvider());
            tmf.init((KeyStore) null);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(null,
                    "tls: cannot load the JVM default trust store: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- PEM

    /** All certificates in a PEM file, in file order; at least one. */
    static List<X509Certificate> readCertificates(Path file, String param)
            throws TlsConfigException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        for (Object o : readPem(file, param)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    out.add(conv.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsConfigException(file, "tls: " + param + " " + file
                            + ": bad certificate: " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new TlsConfigException(file, "tls: " + param + " " + file
                    + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)", null);
        }
        return out;
    }

    /** The first private key in a PEM file: PKCS#8 or traditional (RSA / EC / DSA). */
    static PrivateKey readPrivateKey(Path file) throws TlsConfigException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(bcProvider());
        for (Object o : readPem(file, "private_key")) {
            try {
                if (o instanceof PrivateKeyInfo pkcs8) {
                    return conv.getPrivateKey(pkcs8);
                }
                if (o instanceof PEMKeyPair traditional) {
                    // Not getKeyPair(): an "EC PRIVATE KEY" may omit its public key, and then
                    // getKeyPair() fails with a NullPointerException inside BouncyCastle.
                    return conv.getPrivateKey(traditional.getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw new TlsConfigException(file, "tls: private_key " + file
                        + ": unusable key: " + e.getMessage(), e);
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsConfigException(file, "tls: private_key " + file
                        + ": the key is encrypted; give an unencrypted key"
                        + " (openssl pkey -in key.pem -out plain.pem)", null);
            }
        }
        throw new TlsConfigException(file, "tls: private_key " + file
                + ": no PEM private key found (expected PRIVATE KEY, EC PRIVATE KEY"
                + " or RSA PRIVATE KEY)", null);
    }

    private static List<Object> readPem(Path file, String param) throws TlsConfigException {
        List<Object> objects = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
             PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                objects.add(o);
            }
        } catch (org.bouncycastle.openssl.PEMException | RuntimeException e) {
            // PEMParser throws PEMException on bad base64 or bad DER, and sometimes unchecked
            // exceptions from the ASN.1 layer
            throw new TlsConfigException(file, "tls: " + param + " " + file + ": not valid PEM (" + e.getMessage() + ")", e);
        } catch (IOException e) { // not found, permission denied, a directory...
            throw new TlsConfigException(file, "tls: " + param + " " + file + ": " + FileProblem.reason(e), e);
        }
        return objects;
    }

    /** Sign and verify with the pair, so a key that does not match fails here, not per handshake. */
    private static void checkPair(PrivateKey key, X509Certificate cert, Path certFile, Path keyFile)
            throws TlsConfigException {
        String alg = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (alg == null) {
            return; // an algorithm we do not probe: the handshake will tell
        }
        boolean ok;
        try {
            // Through BC, so both halves are BC keys (the JDK names Ed25519 keys "EdDSA").
            PublicKey pub = new JcaPEMKeyConverter().setProvider(bcProvider())
                    .getPublicKey(SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded()));
            byte[] probe = "sipway key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg, bcProvider());
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg, bcProvider());
            v.initVerify(pub);
            v.update(probe);
            ok = v.verify(sig);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            ok = false; // e.g. an RSA key with an EC certificate: InvalidKeyException
        }
        if (!ok) {
            throw new TlsConfigException(keyFile, "tls: private_key " + keyFile
                    + " does not match certificate " + certFile + " (subject "
                    + cert.getSubjectX500Principal().getName() + ")", null);
        }
    }

    // ---------------------------------------------------------------- providers

    /** Lazy, thread-safe, once: class initialisation. */
    private static final class Providers {
        static final Provider BC = install(BouncyCastleProvider.PROVIDER_NAME,
                BouncyCastleProvider::new);
        static final Provider JSSE = install(BouncyCastleJsseProvider.PROVIDER_NAME,
                () -> new BouncyCastleJsseProvider(BC));

        private static Provider install(String name, java.util.function.Supplier<Provider> make) {
            Provider p = Security.getProvider(name);
            if (p == null) {
                Security.addProvider(make.get()); // at the end: JVM defaults unchanged
                p = Security.getProvider(name);
            }
            return p;
        }
    }

    /** Client side with verification off (Kamailio's default client domain): accept any server. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        static final TrustAll INSTANCE = new TrustAll();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            throw new CertificateException("client-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
