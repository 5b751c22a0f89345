package io.sipway.transport;

import io.sipway.sip.SipParserConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A transport listening on free loopback ports (tcp, and tls with the test certificate), for the
 * tests of connection hardening; closing it checks the connection table's invariants.
 */
final class LoopbackTransport implements AutoCloseable {
    private static TestCertificates certificates;

    final ConnectionTable table = new ConnectionTable(false, false);
    final Transport transport;

    private LoopbackTransport(List<String> protocols, TcpSettings tcp, TlsProfile profile, Inbound inbound) throws Exception {
        TlsSettings tls = protocols.contains("tls")
                ? TlsSettings.server(certificates().serverCert, certificates().serverKey).withProfile(profile) : null;
        Transport started = null;
        for (int attempt = 1; started == null; attempt++) {
            List<ListenSpec> listens = new ArrayList<>();
            for (String p : protocols) {
                listens.add(ListenSpec.parse(p + ":127.0.0.1:" + freePort()));
            }
            try {
                started = Transport.start(listens, table, SipParserConfig.defaults(), tls, tcp, 2, inbound);
            } catch (ListenerBindException taken) {
                if (attempt == 5) {
                    throw taken; // a port found free was taken before the bind, five times over
                }
            }
        }
        transport = started;
    }

    /** A tcp: listener. */
    static LoopbackTransport tcp(TcpSettings tcp, Inbound inbound) throws Exception {
        return new LoopbackTransport(List.of("tcp"), tcp, TlsProfile.defaults(), inbound);
    }

    /** A tls: listener offering {@code profile}. */
    static LoopbackTransport tls(TcpSettings tcp, TlsProfile profile, Inbound inbound) throws Exception {
        return new LoopbackTransport(List.of("tls"), tcp, profile, inbound);
    }

    /** A tcp: and a tls: listener (WS and WSS upgrade on them). */
    static LoopbackTransport tcpAndTls(TcpSettings tcp, Inbound inbound) throws Exception {
        return new LoopbackTransport(List.of("tcp", "tls"), tcp, TlsProfile.defaults(), inbound);
    }

    /** Where a client of {@code p} connects: the tls: listener for TLS and WSS, else the tcp: one. */
    InetSocketAddress listener(Protocol p) {
        Protocol family = p.isSecure() ? Protocol.TLS : Protocol.TCP;
        return transport.sockets().stream().filter(s -> s.protocol() == family).findFirst().orElseThrow().local();
    }

    @Override
    public void close() {
        transport.close();
        table.checkConsistency();
    }

    /** The test PKI, made once per test run in a temporary directory. */
    static synchronized TestCertificates certificates() {
        if (certificates == null) {
            try {
                Path dir = Files.createTempDirectory("sipway-loopback-tls");
                dir.toFile().deleteOnExit();
                certificates = TestCertificates.create(dir);
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().deleteOnExit());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return certificates;
    }

    /** A loopback port free for TCP now (listen= takes no port 0). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits up to 5 s for {@code condition}; whether it came true. */
    static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
