package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsContextsTest {

    private static final long WAIT_SECONDS = 10;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String MESSAGE =
            "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1;branch=z9hG4bK1\r\n\r\n";

    @TempDir
    static Path dir;

    private static TestCertificates pki;
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestCertificates.create(dir);
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        if (group != null) {
            assertThat(group.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                    .awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ------------------------------------------------------------------ handshakes

    @ParameterizedTest(name = "server key {0}")
    @ValueSource(strings = {"pkcs8", "traditional"})
    void tls13ByDefaultWithBouncyCastleAndBytesEcho(String keyFormat) throws Exception {
        Path key = keyFormat.equals("pkcs8") ? pki.serverKey : pki.serverKeyTraditional;
        assertThat(Files.readString(key)).contains(keyFormat.equals("pkcs8")
                ? "-----BEGIN PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----");
        SslContext serverCtx = TlsContexts.forServer(TlsSettings.server(pki.serverCert, key));
        SslContext clientCtx = TlsContexts.forClient(
                TlsSettings.client().withCaList(pki.caCert).withVerifyServer(true));
        // the server's context wraps Netty's (its engines prefer the server's suite order): its engines tell the provider
        assertThat(serverCtx.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT).getClass().getName())
                .startsWith("org.bouncycastle.jsse.provider.");
        assertThat(((JdkSslContext) clientCtx).context().getProvider().getName())
                .isEqualTo("BCJSSE");

        try (EchoServer server = new EchoServer(serverCtx)) {
            Client client = Client.connect(clientCtx, server.port());
            SslHandler serverSsl = server.nextAccepted();
            assertHandshakeSucceeded(client.ssl);
            assertHandshakeSucceeded(serverSsl);

            for (SslHandler h : List.of(client.ssl, serverSsl)) {
                SSLEngine engine = h.engine();
                assertThat(engine).isInstanceOf(BCSSLEngine.class);
                assertThat(engine.getClass().getName()).startsWith("org.bouncycastle.jsse.provider.");
                assertThat(engine.getEnabledProtocols())
                        .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
                SSLSession session = engine.getSession();
                assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
                assertThat(session.getCipherSuite()).startsWith("TLS_");
                assertThat(session.getClass().getName()).startsWith("org.bouncycastle.jsse.");
            }
            assertThat(client.ssl.engine().getSession().getPeerPrincipal().getName())
                    .isEqualTo(pki.server.getSubjectX500Principal().getName());
            assertThat(client.echo(MESSAGE)).isEqualTo(MESSAGE);
            client.close();
        }
    }

    @Test
    void tls12WhenTheClientOffersOnlyTls12() throws Exception {
        SslContext clientCtx = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(TlsContexts.jsseProvider())
                .protocols("TLSv1.2")
                .trustManager(pki.ca)
                .endpointIdentificationAlgorithm(null)
                .build();
        try (EchoServer server = new EchoServer(serverContext())) {
            Client client = Client.connect(clientCtx, server.port());
            SslHandler serverSsl = server.nextAccepted();
            assertHandshakeSucceeded(client.ssl);
            assertHandshakeSucceeded(serverSsl);
            assertThat(serverSsl.engine().getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(client.ssl.engine().getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(client.echo(MESSAGE)).isEqualTo(MESSAGE);
            client.close();
        }
    }

    @Test
    void sunJsseClientInteroperates() throws Exception {
        SslContext clientCtx = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(pki.ca)
                .build(); // Netty 4.2 default: HTTPS host name check, against SAN IP 127.0.0.1
        assertThat(((JdkSslContext) clientCtx).context().getProvider().getName())
                .isEqualTo("SunJSSE");
        try (EchoServer server = new EchoServer(serverContext())) {
            Client client = Client.connect(clientCtx, server.port());
            SslHandler serverSsl = server.nextAccepted();
            assertHandshakeSucceeded(client.ssl);
            assertHandshakeSucceeded(serverSsl);
            assertThat(client.ssl.engine()).isNotInstanceOf(BCSSLEngine.class);
            assertThat(serverSsl.engine()).isInstanceOf(BCSSLEngine.class);
            assertThat(client.ssl.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(client.echo(MESSAGE)).isEqualTo(MESSAGE);
            client.close();
        }
    }

    @Test
    void tls11IsRefusedButTheSameRawClientWorksWithTls12() throws Exception {
        try (EchoServer server = new EchoServer(serverContext())) {
            // A real TLS 1.1 ClientHello from BouncyCastle's low-level API, which (unlike any
            // JSSE client) ignores jdk.tls.disabledAlgorithms and really offers 1.1.
            try (Socket s = rawSocket(server.port())) {
                TlsClientProtocol tls = new TlsClientProtocol(s.getInputStream(), s.getOutputStream());
                TlsFatalAlertReceived alert = catchThrowableOfType(
                        () -> tls.connect(rawClient(ProtocolVersion.TLSv11)),
                        TlsFatalAlertReceived.class);
                assertThat(alert).as("fatal alert from the server").isNotNull();
                assertThat(alert.getAlertDescription()).isEqualTo(AlertDescription.protocol_version);
            }
            assertHandshakeFailed(server.nextAccepted());

            // Control: the same client offering only 1.2 gets through and echoes.
            try (Socket s = rawSocket(server.port())) {
                TlsClientProtocol tls = new TlsClientProtocol(s.getInputStream(), s.getOutputStream());
                tls.connect(rawClient(ProtocolVersion.TLSv12));
                byte[] bytes = MESSAGE.getBytes(StandardCharsets.US_ASCII);
                OutputStream out = tls.getOutputStream();
                out.write(bytes);
                out.flush();
                InputStream in = tls.getInputStream();
                assertThat(new String(in.readNBytes(bytes.length), StandardCharsets.US_ASCII))
                        .isEqualTo(MESSAGE);
                tls.close();
            }
            SslHandler accepted = server.nextAccepted();
            assertHandshakeSucceeded(accepted);
            assertThat(accepted.engine().getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    // ------------------------------------------------------------------ client certificates

    @Test
    void requireClientCertificateRefusesAClientWithoutOne() throws Exception {
        SslContext serverCtx = TlsContexts.forServer(requiring());
        try (EchoServer server = new EchoServer(serverCtx)) {
            Client client = Client.connect(TlsContexts.forClient(TlsSettings.client()),
                    server.port());
            SslHandler serverSsl = server.nextAccepted();
            Throwable cause = assertHandshakeFailed(serverSsl);
            assertThat(cause).isInstanceOf(javax.net.ssl.SSLException.class);
            // With TLS 1.3 the client may finish its side of the handshake before the server's
            // alert arrives; either way the connection dies and nothing is echoed.
            assertThat(client.ssl.handshakeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            if (client.ssl.handshakeFuture().isSuccess()) {
                client.expected = MESSAGE.length();
                client.channel.writeAndFlush(Unpooled.copiedBuffer(MESSAGE, StandardCharsets.US_ASCII));
            }
            assertThat(client.channel.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(client.received.isDone() && !client.received.isCompletedExceptionally())
                    .isFalse();
        }
    }

    @Test
    void requireClientCertificateAcceptsOneSignedByTheCaList() throws Exception {
        SslContext serverCtx = TlsContexts.forServer(requiring());
        SslContext clientCtx = TlsContexts.forClient(TlsSettings.client()
                .withCertificate(pki.clientCert, pki.clientKey)
                .withCaList(pki.caCert).withVerifyServer(true));
        try (EchoServer server = new EchoServer(serverCtx)) {
            Client client = Client.connect(clientCtx, server.port());
            SslHandler serverSsl = server.nextAccepted();
            assertHandshakeSucceeded(client.ssl);
            assertHandshakeSucceeded(serverSsl);
            assertThat(serverSsl.engine().getSession().getPeerPrincipal().getName())
                    .isEqualTo(pki.client.getSubjectX500Principal().getName());
            assertThat(serverSsl.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(client.echo(MESSAGE)).isEqualTo(MESSAGE);
            client.close();
        }
    }

    @ParameterizedTest(name = "requireClientCertificate={0}")
    @ValueSource(booleans = {true, false})
    void aPresentedCertificateFromAnotherCaIsRefused(boolean require) throws Exception {
        TlsSettings settings = TlsSettings.server(pki.serverCert, pki.serverKey)
                .withCaList(pki.caCert)
                .withVerifyClient(true)
                .withRequireClientCertificate(require);
        // A normal key manager would send nothing (the rogue issuer is not among the CAs the
        // server asks for); this one always sends the rogue certificate, so the server really
        // has to verify and refuse it, also when the certificate is merely optional.
        SslContext clientCtx = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(TlsContexts.jsseProvider())
                .keyManager(new FixedKeyManager(
                        TlsContexts.readPrivateKey(pki.rogueClientKey),
                        TlsContexts.readCertificates(pki.rogueClientCert, "certificate")))
                .trustManager(pki.ca)
                .endpointIdentificationAlgorithm(null)
                .build();
        try (EchoServer server = new EchoServer(TlsContexts.forServer(settings))) {
            Client client = Client.connect(clientCtx, server.port());
            Throwable cause = assertHandshakeFailed(server.nextAccepted());
            assertThat(cause).isInstanceOf(javax.net.ssl.SSLException.class);
            assertThat(client.channel.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(client.received.isDone() && !client.received.isCompletedExceptionally())
                    .isFalse();
        }
    }

    @Test
    void requireClientCertificateRefusesAClientWhoseCertificateTheServerDoesNotAskFor()
            throws Exception {
        // Through TlsContexts the rogue certificate is not sent at all (see above): refused as
        // "no certificate".
        SslContext clientCtx = TlsContexts.forClient(TlsSettings.client()
                .withCertificate(pki.rogueClientCert, pki.rogueClientKey));
        try (EchoServer server = new EchoServer(TlsContexts.forServer(requiring()))) {
            Client client = Client.connect(clientCtx, server.port());
            assertHandshakeFailed(server.nextAccepted());
            assertThat(client.channel.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void verifyClientAloneMakesTheCertificateOptional() throws Exception {
        SslContext serverCtx = TlsContexts.forServer(
                TlsSettings.server(pki.serverCert, pki.serverKey)
                        .withCaList(pki.caCert).withVerifyClient(true));
        try (EchoServer server = new EchoServer(serverCtx)) {
            Client anonymous = Client.connect(TlsContexts.forClient(TlsSettings.client()),
                    server.port());
            SslHandler s1 = server.nextAccepted();
            assertHandshakeSucceeded(s1);
            assertThat(anonymous.echo(MESSAGE)).isEqualTo(MESSAGE);
            assertThatThrownBy(() -> s1.engine().getSession().getPeerCertificates())
                    .isInstanceOf(javax.net.ssl.SSLPeerUnverifiedException.class);
            anonymous.close();

            Client withCert = Client.connect(TlsContexts.forClient(TlsSettings.client()
                    .withCertificate(pki.clientCert, pki.clientKey)), server.port());
            SslHandler s2 = server.nextAccepted();
            assertHandshakeSucceeded(s2);
            assertThat(withCert.echo(MESSAGE)).isEqualTo(MESSAGE);
            assertThat(s2.engine().getSession().getPeerPrincipal().getName())
                    .isEqualTo(pki.client.getSubjectX500Principal().getName());
            withCert.close();
        }
    }

    @Test
    void verifyServerRefusesAServerOutsideTheCaList() throws Exception {
        // Trust only the client certificate: the server's chain does not lead to it.
        SslContext clientCtx = TlsContexts.forClient(
                TlsSettings.client().withCaList(pki.clientCert).withVerifyServer(true));
        try (EchoServer server = new EchoServer(serverContext())) {
            Client client = Client.connect(clientCtx, server.port());
            assertHandshakeFailed(client.ssl);
            assertHandshakeFailed(server.nextAccepted());
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void missingFilesAreNamed() {
        Path nowhere = dir.resolve("no-such-cert.pem");
        assertConfigError(TlsSettings.server(nowhere, pki.serverKey), nowhere, "file not found");
        Path noKey = dir.resolve("no-such-key.pem");
        assertConfigError(TlsSettings.server(pki.serverCert, noKey), noKey, "file not found");
        Path noCa = dir.resolve("no-such-ca.pem");
        assertConfigError(TlsSettings.server(pki.serverCert, pki.serverKey)
                .withCaList(noCa).withRequireClientCertificate(true), noCa, "file not found");
    }

    @Test
    void garbageFilesAreNamed() throws Exception {
        Path text = Files.writeString(dir.resolve("garbage.pem"), "this is not a certificate\n");
        assertConfigError(TlsSettings.server(text, pki.serverKey), text, "no PEM certificate");
        assertConfigError(TlsSettings.server(pki.serverCert, text), text, "no PEM private key");

        byte[] random = new byte[512];
        new SecureRandom().nextBytes(random);
        Path binary = Files.write(dir.resolve("random.bin"), random);
        assertConfigError(TlsSettings.server(binary, pki.serverKey), binary, "tls: certificate");

        Path badBase64 = Files.writeString(dir.resolve("bad-base64.pem"),
                "-----BEGIN CERTIFICATE-----\n%%%% not base64 ****\n-----END CERTIFICATE-----\n");
        assertConfigError(TlsSettings.server(badBase64, pki.serverKey), badBase64, "not valid PEM");

        Path badDer = Files.writeString(dir.resolve("bad-der.pem"),
                "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n");
        assertConfigError(TlsSettings.server(badDer, pki.serverKey), badDer, "not valid PEM");

        Path badKey = Files.writeString(dir.resolve("bad-key.pem"),
                "-----BEGIN PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END PRIVATE KEY-----\n");
        assertConfigError(TlsSettings.server(pki.serverCert, badKey), badKey, "private_key");
    }

    @Test
    void anEncryptedKeyIsNamedWithAHint() throws Exception {
        Path encrypted = dir.resolve("encrypted-key.pem");
        try (Writer w = Files.newBufferedWriter(encrypted, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaPKCS8Generator(TlsContexts.readPrivateKey(pki.serverKey),
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                            .setProvider(TlsContexts.bcProvider())
                            .setPassword("secret".toCharArray()).build()));
        }
        assertThat(Files.readString(encrypted)).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertConfigError(TlsSettings.server(pki.serverCert, encrypted), encrypted, "encrypted");
    }

    @Test
    void aCertificateGivenAsKeyOrAMismatchedKeyIsNamed() {
        assertConfigError(TlsSettings.server(pki.serverCert, pki.caCert), pki.caCert,
                "no PEM private key");
        assertConfigError(TlsSettings.server(pki.serverCert, pki.clientKey), pki.clientKey,
                "does not match certificate " + pki.serverCert);
    }

    @Test
    void checkingClientsWithoutCaListIsAnError() {
        TlsContexts.TlsConfigException e = catchThrowableOfType(
                () -> TlsContexts.forServer(TlsSettings.server(pki.serverCert, pki.serverKey)
                        .withRequireClientCertificate(true)),
                TlsContexts.TlsConfigException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("ca_list");
    }

    @Test
    void certificateAndKeyGoTogether() {
        assertThatThrownBy(() -> new TlsSettings(pki.serverCert, null, null, false, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private_key");
    }

    // ------------------------------------------------------------------ helpers

    private static TlsSettings requiring() {
        return TlsSettings.server(pki.serverCert, pki.serverKey)
                .withCaList(pki.caCert).withRequireClientCertificate(true);
    }

    private static SslContext serverContext() throws TlsContexts.TlsConfigException {
        return TlsContexts.forServer(TlsSettings.server(pki.serverCert, pki.serverKey));
    }

    private static void assertConfigError(TlsSettings settings, Path file, String text) {
        TlsContexts.TlsConfigException e = catchThrowableOfType(
                () -> TlsContexts.forServer(settings), TlsContexts.TlsConfigException.class);
        assertThat(e).as("exception for %s", file).isNotNull();
        assertThat(e.getMessage()).contains(file.toString()).contains(text);
        assertThat(e.path()).isEqualTo(file);
    }

    private static void assertHandshakeSucceeded(SslHandler h) throws InterruptedException {
        Future<Channel> f = h.handshakeFuture();
        assertThat(f.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("handshake finished").isTrue();
        assertThat(f.cause()).as("handshake failure").isNull();
        assertThat(f.isSuccess()).isTrue();
    }

    private static Throwable assertHandshakeFailed(SslHandler h) throws InterruptedException {
        Future<Channel> f = h.handshakeFuture();
        assertThat(f.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("handshake finished").isTrue();
        assertThat(f.isSuccess()).as("handshake succeeded").isFalse();
        assertThat(f.cause()).isNotNull();
        return f.cause();
    }

    private static Socket rawSocket(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(LOOPBACK, port), (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return s;
    }

    private static DefaultTlsClient rawClient(ProtocolVersion version) {
        return new DefaultTlsClient(new BcTlsCrypto(new SecureRandom())) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return version.only();
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new TlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate cert) {
                    }

                    @Override
                    public TlsCredentials getClientCredentials(CertificateRequest request) {
                        return null;
                    }
                };
            }
        };
    }

    /** Client key manager that presents one certificate whatever the server asks for. */
    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        FixedKeyManager(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain.toArray(new X509Certificate[0]);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
            return "fixed";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "fixed";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"fixed"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }

    /** A TLS echo server on 127.0.0.1, port 0; hands out the SslHandler of each accepted child. */
    private static final class EchoServer implements AutoCloseable {
        final Channel channel;
        final BlockingQueue<SslHandler> accepted = new LinkedBlockingQueue<>();

        EchoServer(SslContext ctx) throws InterruptedException {
            ServerBootstrap b = new ServerBootstrap().group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler ssl = ctx.newHandler(ch.alloc());
                            accepted.add(ssl);
                            ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext c, Object msg) {
                                    c.writeAndFlush(msg);
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext c, Throwable t) {
                                    c.close();
                                }
                            });
                        }
                    });
            var bind = b.bind(LOOPBACK, 0);
            assertThat(bind.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(bind.cause()).isNull();
            channel = bind.channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        SslHandler nextAccepted() throws InterruptedException {
            SslHandler h = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(h).as("an accepted connection").isNotNull();
            return h;
        }

        @Override
        public void close() throws InterruptedException {
            assertThat(channel.close().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** A TLS client connection collecting what it receives as ASCII. */
    private static final class Client {
        final Channel channel;
        final SslHandler ssl;
        final StringBuilder buffer = new StringBuilder();
        final CompletableFuture<String> received = new CompletableFuture<>();
        volatile int expected = Integer.MAX_VALUE;

        private Client(Channel channel, SslHandler ssl) {
            this.channel = channel;
            this.ssl = ssl;
        }

        static Client connect(SslContext ctx, int port) throws InterruptedException {
            Client[] holder = new Client[1];
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler ssl = ctx.newHandler(ch.alloc(), "127.0.0.1", port);
                            Client c = new Client(ch, ssl);
                            holder[0] = c;
                            ch.pipeline().addLast(ssl, c.new Reader());
                        }
                    });
            var connect = b.connect(LOOPBACK, port);
            assertThat(connect.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(connect.cause()).isNull();
            return holder[0];
        }

        /** Sends {@code text} once the handshake is done; returns as many bytes as came back. */
        String echo(String text) throws Exception {
            assertHandshakeSucceeded(ssl);
            expected = text.length();
            channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
            return received.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        void close() throws InterruptedException {
            assertThat(channel.close().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }

        private final class Reader extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    synchronized (buffer) {
                        buffer.append(buf.toString(StandardCharsets.US_ASCII));
                        if (buffer.length() >= expected) {
                            received.complete(buffer.toString());
                        }
                    }
                } finally {
                    buf.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext c) {
                received.completeExceptionally(new IOException("connection closed"));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext c, Throwable t) {
                received.completeExceptionally(t);
                c.close();
            }
        }
    }
}
