package io.sipway.transport;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test PKI made at run time (EC P-256, SHA256withECDSA): a CA, a server certificate for
 * 127.0.0.1 / localhost (SAN IP and DNS), a client certificate, and a "rogue" client certificate
 * from an unrelated CA. All are written as PEM into a directory.
 *
 * <p>The server key is written twice: PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}) and traditional
 * OpenSSL ({@code -----BEGIN EC PRIVATE KEY-----}); the client keys are traditional.
 *
 * <p>Public and shipped in transport's test jar: proxy-app's TLS tests make their PKI with it too.
 */
public final class TestCertificates {

    public final Path dir;
    /** CA certificate: the ca_list for both sides. */
    public final Path caCert;
    public final Path serverCert;
    /** Server key, PKCS#8. */
    public final Path serverKey;
    /** The same server key, traditional "EC PRIVATE KEY". */
    public final Path serverKeyTraditional;
    public final Path clientCert;
    public final Path clientKey;
    /** A client certificate signed by a CA that is not {@link #caCert}. */
    public final Path rogueClientCert;
    public final Path rogueClientKey;

    public final X509Certificate ca;
    public final X509Certificate server;
    public final X509Certificate client;

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates(Path dir, X509Certificate ca, X509Certificate server,
            X509Certificate client) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server-key.pem");
        this.serverKeyTraditional = dir.resolve("server-key-traditional.pem");
        this.clientCert = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client-key.pem");
        this.rogueClientCert = dir.resolve("rogue-client.pem");
        this.rogueClientKey = dir.resolve("rogue-client-key.pem");
        this.ca = ca;
        this.server = server;
        this.client = client;
    }

    /** Makes the PKI and writes it into {@code dir} (which must exist). */
    public static TestCertificates create(Path dir) throws IOException, GeneralSecurityException {
        try {
            KeyPair caKeys = ecKeyPair();
            X500Name caName = new X500Name("CN=Sipway Test CA,O=Sipway");
            X509Certificate ca = sign(caName, caKeys, caName, caKeys.getPublic(), true, null, null);

            KeyPair serverKeys = ecKeyPair();
            GeneralNames serverSan = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost"),
            });
            X509Certificate server = sign(caName, caKeys, new X500Name("CN=localhost,O=Sipway"),
                    serverKeys.getPublic(), false, KeyPurposeId.id_kp_serverAuth, serverSan);

            KeyPair clientKeys = ecKeyPair();
            GeneralNames clientSan = new GeneralNames(
                    new GeneralName(GeneralName.dNSName, "client.sipway.test"));
            X509Certificate client = sign(caName, caKeys,
                    new X500Name("CN=client.sipway.test,O=Sipway"), clientKeys.getPublic(), false,
                    KeyPurposeId.id_kp_clientAuth, clientSan);

            KeyPair rogueCaKeys = ecKeyPair();
            X500Name rogueCaName = new X500Name("CN=Rogue CA");
            KeyPair rogueKeys = ecKeyPair();
            X509Certificate rogue = sign(rogueCaName, rogueCaKeys, new X500Name("CN=rogue"),
                    rogueKeys.getPublic(), false, KeyPurposeId.id_kp_clientAuth, null);

            TestCertificates t = new TestCertificates(dir, ca, server, client);
            writePem(t.caCert, ca);
            writePem(t.serverCert, server);
            writePem(t.serverKey, new JcaPKCS8Generator(serverKeys.getPrivate(), null));
            writePem(t.serverKeyTraditional, serverKeys.getPrivate());
            writePem(t.clientCert, client);
            writePem(t.clientKey, clientKeys.getPrivate());
            writePem(t.rogueClientCert, rogue);
            writePem(t.rogueClientKey, rogueKeys.getPrivate());
            return t;
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        // BC, not SunEC: SunEC's PKCS#8 encoding leaves the curve out of the inner ECPrivateKey,
        // so its traditional "EC PRIVATE KEY" PEM would name no curve and be unreadable.
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", TlsContexts.bcProvider());
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject,
            java.security.PublicKey subjectKey, boolean isCa, KeyPurposeId purpose,
            GeneralNames san) throws IOException, GeneralSecurityException,
            OperatorCreationException {
        Instant now = Instant.now();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                subject, subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.subjectKeyIdentifier, false,
                ext.createSubjectKeyIdentifier(subjectKey));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (san != null) {
            b.addExtension(Extension.subjectAlternativeName, false, san);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static void writePem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(w)) {
            if (o instanceof JcaPKCS8Generator gen) {
                pem.writeObject(gen);
            } else {
                pem.writeObject(o);
            }
        }
    }
}
