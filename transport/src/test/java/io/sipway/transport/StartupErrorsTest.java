package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.sip.SipParserConfig;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a start that fails says: the listener as the script wrote it and why, the TLS file and setting and why. */
@Timeout(30)
class StartupErrorsTest {
    private final ConnectionTable table = new ConnectionTable(false, false);

    private Transport start(String... listens) throws Exception {
        List<ListenSpec> specs = java.util.Arrays.stream(listens).map(ListenSpec::parse).toList();
        return Transport.start(specs, table, SipParserConfig.defaults(), null, TcpSettings.defaults(), 1, (m, from) -> { });
    }

    @Test
    void aBusyPortNamesTheListener() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            assertThatThrownBy(() -> start("tcp:127.0.0.1:" + port)).isInstanceOf(ListenerBindException.class)
                    .hasMessage("listen=tcp:127.0.0.1:" + port + ": address already in use");
        }
    }

    @Test
    void aListenWithoutProtocolNamesTheSocketThatFailedAndReleasesTheOthers() throws Exception {
        int candidate;
        ServerSocket taken = null;
        do { // a port free for UDP whose TCP side this test can take (another socket may hold it)
            try (DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                candidate = u.getLocalPort();
            }
            try {
                taken = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress());
            } catch (java.net.BindException inUse) {
                taken = null;
            }
        } while (taken == null);
        int port = candidate;
        try (ServerSocket busy = taken) {
            assertThatThrownBy(() -> start("127.0.0.1:" + port)).isInstanceOf(ListenerBindException.class)
                    .hasMessage("listen=127.0.0.1:" + port + " (tcp:127.0.0.1:" + port + "): address already in use");
        }
        try (DatagramSocket again = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the udp socket bound before the failure was closed").isEqualTo(port);
        }
    }

    @Test
    void anAddressThatIsNotLocalIsSaidSo() {
        assertThatThrownBy(() -> start("tcp:192.0.2.1:5060")).isInstanceOf(ListenerBindException.class)
                .hasMessage("listen=tcp:192.0.2.1:5060: cannot assign requested address");
    }

    @Test
    void fileProblemsAreSaidInWords(@TempDir Path dir) throws Exception {
        assertThat(FileProblem.reason(new NoSuchFileException("/x/tls.cfg"))).isEqualTo("file not found");
        assertThat(FileProblem.reason(new AccessDeniedException("/x/tls.cfg"))).isEqualTo("permission denied");
        try {
            Files.readAllLines(dir);
        } catch (java.io.IOException e) {
            assertThat(FileProblem.reason(e)).isEqualTo("is a directory");
        }
        Path binary = Files.write(dir.resolve("tls.cfg"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        try {
            Files.readAllLines(binary);
        } catch (java.io.IOException e) {
            assertThat(FileProblem.reason(e)).isEqualTo("not a text file");
        }
    }

    @Test
    void aTlsFileThatIsADirectoryOrNotPemIsNamedWithItsSetting(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        assertThatThrownBy(() -> TlsContexts.forServer(TlsSettings.server(dir, pki.serverKey)))
                .hasMessage("tls: certificate " + dir + ": is a directory");
        Path bad = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TlsContexts.forServer(TlsSettings.server(bad, pki.serverKey)))
                .hasMessageStartingWith("tls: certificate " + bad + ": not valid PEM (");
    }
}
