package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * registrar and usrloc on the wire (src/test/resources/proxy/registrar-5420.cfg): what save()
 * answers and keeps, where lookup() sends a call, registered() and unregister().
 */
@Timeout(30)
class RegistrarTest {
    /** The script and the messages name the registrar 5420 and the phones 5421..5423; each test moves them to free ports. */
    private final MovedPorts ports = MovedPorts.of(5420, 5421, 5422, 5423, 5424);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5420));
    @TempDir
    Path work;
    private Proxy proxy;
    private DatagramSocket phone;
    private DatagramSocket deskA;
    private DatagramSocket deskB;
    private int cseq = 1;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/registrar-5420.cfg"), work), Map.of(), List.of());
        phone = socket(5421);
        deskA = socket(5422);
        deskB = socket(5423);
    }

    private DatagramSocket socket(int port) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(port)));
        s.setSoTimeout(3000);
        return s;
    }

    @AfterEach
    void stop() {
        proxy.close();
        phone.close();
        deskA.close();
        deskB.close();
    }

    private SipMessage register(String contacts, String extraHeaders) throws Exception {
        send(phone, "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5421;branch=z9hG4bK-reg" + cseq + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=r1\r\n"
                + "To: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: reg-alice@registrar\r\n"
                + "CSeq: " + cseq++ + " REGISTER\r\n"
                + (contacts == null ? "" : "Contact: " + contacts + "\r\n")
                + extraHeaders
                + "Content-Length: 0\r\n\r\n");
        return receive(phone);
    }

    private SipMessage ask(String user) throws Exception {
        send(phone, "OPTIONS sip:" + user + "@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5421;branch=z9hG4bK-ask" + cseq + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:bob@127.0.0.1>;tag=b1\r\n"
                + "To: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: ask" + cseq + "@registrar\r\n"
                + "CSeq: " + cseq++ + " OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n");
        return receive(phone);
    }

    private void invite(String branch) throws Exception {
        send(phone, "INVITE sip:alice@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5421;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:bob@127.0.0.1>;tag=b1\r\n"
                + "To: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: " + branch + "@registrar\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:bob@127.0.0.1:5421>\r\n"
                + "Content-Length: 0\r\n\r\n");
    }

    /** Sends {@code text} with its fixed ports moved. */
    private void send(DatagramSocket s, String text) throws Exception {
        byte[] b = ports.apply(text).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, proxyAt));
    }

    private static SipMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            SipMessage m = SipParser.parse(Arrays.copyOf(buf, p.getLength()));
            if (!m.isResponse() || m.statusCode() != 100) {
                return m;
            }
        }
    }

    /** The header lines of a reply after its CSeq, as they came. */
    private static String tail(SipMessage reply) {
        String text = new String(reply.toBytes(), StandardCharsets.UTF_8);
        return text.substring(text.indexOf("\r\n", text.indexOf("CSeq: ")) + 2);
    }

    private static final String END = io.sipway.proxy.core.Signature.serverHeader() + "\r\nContent-Length: 0\r\n\r\n";

    @Test
    void saveAnswersWithEveryBindingAndItsExpiresCappedAndRaised() throws Exception {
        SipMessage ok = register("<sip:alice@127.0.0.1:5422>;q=1, <sip:alice@127.0.0.1:5423>;q=0.5;expires=99999", "Expires: 600\r\n");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers("Contact")).containsExactly(
                ports.apply("<sip:alice@127.0.0.1:5422>;q=1;expires=600"),
                ports.apply("<sip:alice@127.0.0.1:5423>;q=0.5;expires=3600")); // max_expires
        assertThat(ask("check").reasonPhrase()).isEqualTo("registered");
    }

    @Test
    void the200ListsTheBindingsInOneContactHeaderByQAsKamailioWritesIt() throws Exception {
        SipMessage ok = register("<sip:alice@127.0.0.1:5422>;expires=600;q=0.5;foo=bar\r\n"
                + "Contact: <sip:alice@127.0.0.1:5423;transport=tcp>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\""
                + ";reg-id=1;q=1", "Expires: 1200\r\n");
        assertThat(tail(ok)).isEqualTo(ports.apply("Contact: <sip:alice@127.0.0.1:5423;transport=tcp>;q=1;expires=1200"
                + ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1, <sip:alice@127.0.0.1:5422>;q=0.5;expires=600\r\n")
                + END);
        // a contact without q comes after those with one; q as Kamailio's q2str writes it
        ok = register("<sip:alice@127.0.0.1:5424>, <sip:alice@127.0.0.1:5422>;q=0.250", "Expires: 60\r\n");
        assertThat(tail(ok)).startsWith(ports.apply("Contact: <sip:alice@127.0.0.1:5423;transport=tcp>;q=1;expires="))
                .contains(ports.apply(", <sip:alice@127.0.0.1:5422>;q=0.25;expires=60, <sip:alice@127.0.0.1:5424>;expires=60\r\n"));
    }

    @Test
    void aQueryWithNoBindingHasNoContactHeader() throws Exception {
        assertThat(tail(register(null, ""))).isEqualTo(END);
    }

    /**
     * A REGISTER save() refuses: its reply; the script's sl_reply_error() then answers a second time
     * (500), as Kamailio's default script does too, and that reply is taken off the socket here.
     */
    private SipMessage refused(String contacts, String extraHeaders) throws Exception {
        SipMessage r = register(contacts, extraHeaders);
        assertThat(receive(phone).statusCode()).as("sl_reply_error's own reply").isEqualTo(500);
        return r;
    }

    @Test
    void aStarWithExpiresOrBesideOtherContactsIsRefusedWithKamailiosRegistrarError() throws Exception {
        SipMessage r = refused("*", "Expires: 3600\r\n");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("Bad Request");
        assertThat(tail(r)).isEqualTo("P-Registrar-Error: * used in contact and expires is not zero\r\n" + END);
        assertThat(tail(refused("*", ""))).as("no Expires: default_expires, not 0")
                .isEqualTo("P-Registrar-Error: * used in contact and expires is not zero\r\n" + END);
        r = refused("*\r\nContact: <sip:alice@127.0.0.1:5422>", "Expires: 0\r\n");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(tail(r)).isEqualTo("P-Registrar-Error: * used in contact and more than 1 contact\r\n" + END);
        r = refused("<sip:alice@127.0.0.1:5422>\r\nContact: *", "Expires: 0\r\n");
        assertThat(tail(r)).isEqualTo("P-Registrar-Error: * used in contact and more than 1 contact\r\n" + END);
    }

    @Test
    void anInvalidQOrTooManyContactsAreRefusedWithKamailiosRegistrarError() throws Exception {
        SipMessage r = refused("<sip:alice@127.0.0.1:5422>;q=2", "");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(tail(r)).isEqualTo("P-Registrar-Error: Invalid q param in contact\r\n" + END);
        r = refused("<sip:alice@127.0.0.1:5421>, <sip:alice@127.0.0.1:5422>, <sip:alice@127.0.0.1:5423>, <sip:alice@127.0.0.1:5424>", "");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.reasonPhrase()).isEqualTo("Service Unavailable");
        assertThat(tail(r)).isEqualTo("P-Registrar-Error: Too many registered contacts\r\n" + END);
    }

    /** {@code text} with each {@code expires=<seconds left>} as {@code expires=N}: a second may pass between two replies. */
    private static String secondsLeftAsN(String text) {
        return text.replaceAll("expires=\\d+", "expires=N");
    }

    @Test
    void anErrorOnAnAorWithBindingsListsThemBeforeTheRegistrarError() throws Exception {
        register("<sip:alice@127.0.0.1:5422>;q=0.5, <sip:alice@127.0.0.1:5423>", "Expires: 600\r\n");
        String bindings = ports.apply("Contact: <sip:alice@127.0.0.1:5422>;q=0.5;expires=N, <sip:alice@127.0.0.1:5423>;expires=N\r\n");
        // as Kamailio 5.6.3 answered the same REGISTER (update_contacts fails, build_contact runs)
        SipMessage r = refused("<sip:alice@127.0.0.1:5422>;q=2", "");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(secondsLeftAsN(tail(r))).isEqualTo(bindings + "P-Registrar-Error: Invalid q param in contact\r\n" + END);
        // max_contacts 3 is checked before anything changes: the two bindings stay as they were
        r = refused("<sip:alice@127.0.0.1:5421>, <sip:alice@127.0.0.1:5424>", "Expires: 600\r\n");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(secondsLeftAsN(tail(r))).isEqualTo(bindings + "P-Registrar-Error: Too many registered contacts\r\n" + END);
        // one of them leaving makes room for one more
        SipMessage ok = register("<sip:alice@127.0.0.1:5423>;expires=0, <sip:alice@127.0.0.1:5421>, <sip:alice@127.0.0.1:5424>", "Expires: 600\r\n");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers("Contact")).hasSize(3);
    }

    @Test
    void lookupForksToTheBindingsBestQFirst() throws Exception {
        register("<sip:alice@127.0.0.1:5423>;q=0.5, <sip:alice@127.0.0.1:5422>;q=1", "Expires: 600\r\n");
        invite("z9hG4bK-lookup1");
        SipMessage first = receive(deskA);
        SipMessage second = receive(deskB);
        assertThat(first.requestUriString()).isEqualTo(ports.apply("sip:alice@127.0.0.1:5422"));
        assertThat(second.requestUriString()).isEqualTo(ports.apply("sip:alice@127.0.0.1:5423"));
    }

    @Test
    void theReceivedUriIsWhereACallGoesTheContactStaysTheRequestUri() throws Exception {
        SipMessage ok = register("<sip:alice@unreachable.invalid;transport=udp>", "Expires: 600\r\nX-Received: sip:127.0.0.1:5422\r\n");
        assertThat(tail(ok)).isEqualTo(ports.apply(
                "Contact: <sip:alice@unreachable.invalid;transport=udp>;expires=600;received=\"sip:127.0.0.1:5422\"\r\n") + END);
        invite("z9hG4bK-lookup2");
        SipMessage atDesk = receive(deskA);
        assertThat(atDesk.requestUriString()).isEqualTo("sip:alice@unreachable.invalid;transport=udp");
    }

    @Test
    void aStarWithExpiresZeroRemovesEveryBindingAndLookupFindsNone() throws Exception {
        register("<sip:alice@127.0.0.1:5422>", "Expires: 600\r\n");
        SipMessage ok = register("*", "Expires: 0\r\n");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers("Contact")).isEmpty();
        invite("z9hG4bK-lookup3");
        assertThat(receive(phone).statusCode()).isEqualTo(404);
        assertThat(register("*", "Expires: 60\r\n").statusCode()).isEqualTo(400); // RFC 3261 10.3: * only with Expires 0
    }

    @Test
    void aContactWithExpiresZeroGoesAndAnOlderCSeqChangesNothing() throws Exception {
        register("<sip:alice@127.0.0.1:5422>, <sip:alice@127.0.0.1:5423>", "Expires: 600\r\n");
        SipMessage ok = register("<sip:alice@127.0.0.1:5423>;expires=0", "");
        assertThat(ok.headers("Contact")).containsExactly(ports.apply("<sip:alice@127.0.0.1:5422>;expires=600"));
    }

    @Test
    void aBindingExpires() throws Exception {
        register("<sip:alice@127.0.0.1:5422>;expires=1", "");
        Thread.sleep(1300);
        assertThat(ask("check").reasonPhrase()).isEqualTo("not registered");
        invite("z9hG4bK-lookup4");
        assertThat(receive(phone).statusCode()).isEqualTo(404);
    }

    @Test
    void unregisterRemovesTheAor() throws Exception {
        register("<sip:alice@127.0.0.1:5422>", "Expires: 600\r\n");
        assertThat(ask("drop").reasonPhrase()).isEqualTo("dropped");
        assertThat(ask("check").reasonPhrase()).isEqualTo("not registered");
        assertThat(ask("drop").reasonPhrase()).isEqualTo("nothing to drop");
        deskA.setSoTimeout(200);
        try {
            receive(deskA);
            org.assertj.core.api.Assertions.fail("nothing goes to a removed binding");
        } catch (SocketTimeoutException expected) {
            // nothing
        }
    }
}
