package io.sipway.transport;

import static io.sipway.transport.ResolverFixture.await;
import static io.sipway.transport.ResolverFixture.failure;
import static io.sipway.transport.TestDnsServer.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import io.sipway.sip.SipUri;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 3263 section 4 against a loopback DNS server: NAPTR chooses the transport, SRV the hosts and
 * ports, A the addresses; without NAPTR, SRV per transport; without SRV, A on 5060/5061.
 */
class Rfc3263ResolutionTest {
    private static final DnsSettings NAPTR = DnsSettings.defaults().with("dns_try_naptr", "yes");

    @TempDir
    Path dir;
    ResolverFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ResolverFixture(dir, "");
        // RFC 3263 section 4.1's example domain, on loopback addresses
        f.dns.naptr("example.test", 300, 50, 50, "s", "SIPS+D2T", "_sips._tcp.example.test")
                .naptr("example.test", 300, 90, 50, "s", "SIP+D2T", "_sip._tcp.example.test")
                .naptr("example.test", 300, 100, 50, "s", "SIP+D2U", "_sip._udp.example.test")
                .naptr("example.test", 300, 10, 50, "s", "E2U+sip", "_sip._udp.example.test") // not SIP's: discarded
                .srv("_sips._tcp.example.test", 300, 0, 0, 5071, "tls.example.test")
                .srv("_sip._tcp.example.test", 300, 0, 0, 5070, "tcp.example.test")
                .srv("_sip._udp.example.test", 300, 0, 0, 5080, "udp.example.test")
                .a("tls.example.test", 300, "127.0.1.3")
                .a("tcp.example.test", 300, "127.0.1.2")
                .a("udp.example.test", 300, "127.0.1.1")
                .a("example.test", 300, "127.0.1.9");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static SipTarget target(Protocol p, String ip, int port) {
        return new SipTarget(p, new InetSocketAddress(ip(ip), port));
    }

    private List<SipTarget> resolve(SipResolver r, String uri) throws Exception {
        return await(r.resolve(SipUri.parse(uri), f.requester));
    }

    @Test
    void naptrOrderChoosesTheTransportAndSrvTheHostAndPort() throws Exception {
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:alice@example.test")).containsExactly(
                target(Protocol.TLS, "127.0.1.3", 5071),
                target(Protocol.TCP, "127.0.1.2", 5070),
                target(Protocol.UDP, "127.0.1.1", 5080));
        assertThat(f.dns.questions()).contains("example.test NAPTR", "_sips._tcp.example.test SRV", "tls.example.test A")
                .doesNotContain("example.test A");
    }

    @Test
    void aClientDiscardsServicesItCannotUse() throws Exception {
        // "the client MUST discard any service fields that identify a resolution service whose value is not supported"
        SipResolver r = f.keep(f.builder().settings(NAPTR).protocols(EnumSet.of(Protocol.UDP, Protocol.TCP)).build());
        assertThat(resolve(r, "sip:alice@example.test"))
                .containsExactly(target(Protocol.TCP, "127.0.1.2", 5070), target(Protocol.UDP, "127.0.1.1", 5080));
        assertThat(f.dns.questions()).doesNotContain("_sips._tcp.example.test SRV");
    }

    @Test
    void aSipsUriUsesOnlyTheSecureServices() throws Exception {
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sips:alice@example.test")).containsExactly(target(Protocol.TLS, "127.0.1.3", 5071));
    }

    @Test
    void aTransportParameterSkipsNaptrAndAsksThatTransportsSrv() throws Exception {
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:alice@example.test;transport=udp")).containsExactly(target(Protocol.UDP, "127.0.1.1", 5080));
        // "For a SIP URI, if the client wishes to use TLS, it would use the service identifier _sips"
        assertThat(resolve(r, "sip:alice@example.test;transport=tls")).containsExactly(target(Protocol.TLS, "127.0.1.3", 5071));
        assertThat(f.dns.asked("example.test", DnsRecordType.NAPTR)).isZero();
    }

    @Test
    void aPortMeansAddressRecordsOnly() throws Exception {
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:alice@example.test:5090")).containsExactly(target(Protocol.UDP, "127.0.1.9", 5090));
        assertThat(resolve(r, "sips:alice@example.test:5091")).containsExactly(target(Protocol.TLS, "127.0.1.9", 5091));
        assertThat(f.dns.questions()).containsExactly("example.test A");
    }

    @Test
    void maddrIsResolvedInsteadOfTheHost() throws Exception {
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:alice@elsewhere.test:5062;maddr=127.0.0.77")).containsExactly(target(Protocol.UDP, "127.0.0.77", 5062));
        assertThat(f.dns.questions()).isEmpty();
    }

    @Test
    void withoutNaptrEachSupportedTransportsSrvIsAsked() throws Exception {
        // 4.1: "If no NAPTR records are found, the client constructs SRV queries for those transport protocols it supports"
        f.dns.srv("_sip._tcp.nonaptr.test", 300, 0, 0, 5072, "tcp.example.test");
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:bob@nonaptr.test")).containsExactly(target(Protocol.TCP, "127.0.1.2", 5072));
        assertThat(f.dns.questions()).contains("nonaptr.test NAPTR", "_sip._udp.nonaptr.test SRV", "_sip._tcp.nonaptr.test SRV",
                "_sips._tcp.nonaptr.test SRV");
    }

    @Test
    void dnsTryNaptrOffAsksTheDefaultTransportsSrvOnly() throws Exception {
        SipResolver r = f.resolver(DnsSettings.defaults()); // Kamailio's default: dns_try_naptr=no
        assertThat(resolve(r, "sip:alice@example.test")).containsExactly(target(Protocol.UDP, "127.0.1.1", 5080));
        assertThat(resolve(r, "sips:alice@example.test")).containsExactly(target(Protocol.TLS, "127.0.1.3", 5071));
        assertThat(f.dns.questions()).containsExactlyInAnyOrder("_sip._udp.example.test SRV", "udp.example.test A",
                "_sips._tcp.example.test SRV", "tls.example.test A");
    }

    @Test
    void withoutSrvTheAddressRecordsAreUsedOnTheDefaultPort() throws Exception {
        // 4.2: "If no SRV records were found, the client performs an A or AAAA record lookup of the domain name"
        f.dns.a("plain.test", 300, "127.0.2.1");
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:carol@plain.test")).containsExactly(target(Protocol.UDP, "127.0.2.1", 5060));
        assertThat(resolve(r, "sips:carol@plain.test")).containsExactly(target(Protocol.TLS, "127.0.2.1", 5061));
        assertThat(resolve(r, "sip:carol@plain.test;transport=tcp")).containsExactly(target(Protocol.TCP, "127.0.2.1", 5060));
        assertThat(resolve(f.resolver(DnsSettings.defaults()), "sip:carol@plain.test")).containsExactly(target(Protocol.UDP, "127.0.2.1", 5060));
    }

    @Test
    void srvRecordsAreTriedByPriorityThenWeight() throws Exception {
        f.dns.srv("_sip._udp.prio.test", 300, 20, 0, 5001, "backup.test")
                .srv("_sip._udp.prio.test", 300, 10, 10, 5002, "light.test")
                .srv("_sip._udp.prio.test", 300, 10, 90, 5003, "heavy.test")
                .a("backup.test", 300, "127.0.3.1").a("light.test", 300, "127.0.3.2").a("heavy.test", 300, "127.0.3.3");
        // dns_srv_lb=no: a fixed order, the heavier first
        assertThat(resolve(f.resolver(DnsSettings.defaults()), "sip:x@prio.test")).containsExactly(
                target(Protocol.UDP, "127.0.3.3", 5003), target(Protocol.UDP, "127.0.3.2", 5002), target(Protocol.UDP, "127.0.3.1", 5001));
        // dns_srv_lb=yes: RFC 2782's weighted choice among priority 10; priority 20 always last
        SipResolver lb = f.keep(f.builder().settings(DnsSettings.defaults().with("dns_srv_lb", "yes"))
                .random(new java.util.Random(7)).build());
        int heavyFirst = 0;
        for (int i = 0; i < 200; i++) {
            List<SipTarget> t = resolve(lb, "sip:x@prio.test");
            assertThat(t).hasSize(3);
            assertThat(t.get(2)).isEqualTo(target(Protocol.UDP, "127.0.3.1", 5001));
            heavyFirst += t.get(0).address().getPort() == 5003 ? 1 : 0;
        }
        assertThat(heavyFirst).as("weight 90 of 100 comes first about 90% of the time").isBetween(160, 196);
        assertThat(f.dns.asked("_sip._udp.prio.test", DnsRecordType.SRV)).as("once per resolver: the answer is cached, the order drawn anew")
                .isEqualTo(2);
    }

    @Test
    void aTargetOfDotMeansTheServiceIsDecidedlyNotAvailable() throws Exception {
        f.dns.srv("_sip._udp.closed.test", 300, 0, 0, 0, ".").a("closed.test", 300, "127.0.4.1");
        SipResolver r = f.resolver(DnsSettings.defaults());
        assertThat(failure(r.resolve("closed.test", 0, null, false, f.requester))).isInstanceOf(UnknownHostException.class);
        assertThat(f.dns.asked("closed.test", DnsRecordType.A)).as("no fallback to A").isZero();
    }

    @Test
    void anSrvTargetThatDoesNotResolveLeavesTheOthers() throws Exception {
        f.dns.srv("_sip._udp.half.test", 300, 1, 0, 5001, "gone.test").srv("_sip._udp.half.test", 300, 2, 0, 5002, "udp.example.test");
        SipResolver r = f.resolver(DnsSettings.defaults());
        assertThat(resolve(r, "sip:x@half.test")).containsExactly(target(Protocol.UDP, "127.0.1.1", 5002));
    }

    @Test
    void naptrsThatLeadNowhereAreAsIfThereWereNone() throws Exception {
        f.dns.naptr("dangling.test", 300, 10, 10, "s", "SIP+D2U", "_sip._udp.nothing.test").a("dangling.test", 300, "127.0.5.1");
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:x@dangling.test")).containsExactly(target(Protocol.UDP, "127.0.5.1", 5060));
    }

    @Test
    void webSocketServicesAreUsedForWebSocketTransports() throws Exception {
        // RFC 7118 section 5.2: SIP+D2W and SIPS+D2W
        f.dns.naptr("ws.test", 300, 10, 10, "s", "SIPS+D2W", "_sips._ws.ws.test").srv("_sips._ws.ws.test", 300, 0, 0, 443, "udp.example.test");
        SipResolver r = f.resolver(NAPTR);
        assertThat(resolve(r, "sip:x@ws.test")).containsExactly(target(Protocol.WSS, "127.0.1.1", 443));
    }
}
