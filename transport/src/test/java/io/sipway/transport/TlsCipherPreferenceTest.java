package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TLS listener chooses: its order of suites wins over the client's, only suites of the profile
 * are ever negotiated, and tls_method and cipher_list (as Kamailio's tls module reads them) narrow
 * and order what it offers. Clients are the JDK's own (SunJSSE), the server EC (ECDSA suites).
 */
@Timeout(60)
class TlsCipherPreferenceTest {
    private static final String ECDSA_AES128 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    private static final String ECDSA_AES256 = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
    private static final String ECDSA_CHACHA = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";

    private LoopbackTransport loopback;

    @AfterEach
    void stop() {
        if (loopback != null) {
            loopback.close();
        }
    }

    private InetSocketAddress start(TlsProfile profile) throws Exception {
        if (loopback != null) {
            loopback.close();
        }
        loopback = LoopbackTransport.tls(TcpSettings.defaults(), profile, (m, from) -> { });
        return loopback.listener(Protocol.TLS);
    }

    /** A handshake by a client offering {@code protocols} and {@code suites} in that order; the session it got. */
    private static SSLSession handshake(InetSocketAddress at, String[] protocols, String... suites) throws Exception {
        try (SSLSocket client = (SSLSocket) TestClients.trustingTls().getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            client.setSoTimeout(5000);
            client.setEnabledProtocols(protocols);
            client.setEnabledCipherSuites(suites);
            client.startHandshake();
            return client.getSession();
        }
    }

    private static final String[] TLS12 = {"TLSv1.2"};
    private static final String[] TLS13 = {"TLSv1.3"};

    @Test
    void theServersPreferenceWinsWhenTheClientListsItsFirstChoiceLast() throws Exception {
        InetSocketAddress at = start(TlsProfile.defaults());
        assertThat(handshake(at, TLS12, ECDSA_CHACHA, ECDSA_AES256, ECDSA_AES128).getCipherSuite()).isEqualTo(ECDSA_AES128);
        assertThat(handshake(at, TLS13, "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
                .getCipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
    }

    @Test
    void suitesOutsideTheProfileAreNeverNegotiated() throws Exception {
        InetSocketAddress at = start(TlsProfile.defaults());
        // CBC with SHA-1: BouncyCastle's JSSE enables it by default
        assertThatThrownBy(() -> handshake(at, TLS12, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void cipherListRestrictsAndOrdersWhatIsNegotiated() throws Exception {
        InetSocketAddress at = start(TlsProfile.of("TLSv1.2+", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384"));
        assertThat(handshake(at, TLS12, ECDSA_AES128, ECDSA_AES256, ECDSA_CHACHA).getCipherSuite()).as("its first choice")
                .isEqualTo(ECDSA_CHACHA);
        assertThat(handshake(at, TLS12, ECDSA_AES128, ECDSA_AES256).getCipherSuite()).isEqualTo(ECDSA_AES256);
        assertThatThrownBy(() -> handshake(at, TLS12, ECDSA_AES128)).as("not in cipher_list").isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void tlsMethodSaysWhichProtocols() throws Exception {
        InetSocketAddress at = start(TlsProfile.of("TLSv1.2", null));
        assertThat(handshake(at, new String[] {"TLSv1.3", "TLSv1.2"}, "TLS_AES_128_GCM_SHA256", ECDSA_AES128).getProtocol())
                .isEqualTo("TLSv1.2");
        InetSocketAddress only13 = start(TlsProfile.of("TLSv1.3", null));
        assertThatThrownBy(() -> handshake(only13, TLS12, ECDSA_AES128)).isInstanceOf(SSLHandshakeException.class);
        assertThat(handshake(only13, TLS13, "TLS_AES_256_GCM_SHA384").getProtocol()).isEqualTo("TLSv1.3");
    }
}
