package io.sipway.transport;

import static io.sipway.transport.ResolverFixture.await;
import static io.sipway.transport.ResolverFixture.failure;
import static io.sipway.transport.TestDnsServer.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import io.sipway.sip.SipUri;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SipResolver}: what never goes to DNS, the hosts file, the TTL cache, and a server that never answers. */
class SipResolverTest {
    @TempDir
    Path dir;
    ResolverFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ResolverFixture(dir, """
                # a hosts file of the test's own: the system's is never read here
                127.0.0.42   pinned.test
                ::42         pinned6.test
                """);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static SipTarget target(Protocol p, String ip, int port) {
        return new SipTarget(p, new InetSocketAddress(ip(ip), port));
    }

    @Test
    void literalAddressesAreUsedAsTheyAreWithoutAnyQuery() throws Exception {
        SipResolver r = f.resolver(DnsSettings.defaults().with("dns_try_naptr", "yes"));

        assertThat(await(r.resolve("127.0.0.9", 5080, null, false, f.requester))).containsExactly(target(Protocol.UDP, "127.0.0.9", 5080));
        // RFC 3263 4.2: a numeric host without port takes the transport's default port
        assertThat(await(r.resolve("[::1]", 0, null, true, f.requester))).containsExactly(target(Protocol.TLS, "::1", 5061));
        assertThat(await(r.resolve(SipUri.parse("sip:alice@127.0.0.9;transport=tcp"), f.requester)))
                .containsExactly(target(Protocol.TCP, "127.0.0.9", 5060));
        assertThat(await(r.addresses("::1", f.requester))).containsExactly(ip("::1"));
        assertThat(f.dns.questions()).isEmpty();
    }

    @Test
    void aLiteralIsAnsweredBeforeTheCallReturns() {
        SipResolver r = f.resolver(DnsSettings.defaults());
        Future<List<SipTarget>> result = r.resolve("127.0.0.9", 5060, null, false, f.requester);
        assertThat(result.isDone()).isTrue();
    }

    @Test
    void theHostsFileIsReadFirstAndTheNameNeverAskedOfDns() throws Exception {
        // even with NAPTR on: a pinned name is taken as the hosts file says, on the default port
        SipResolver r = f.resolver(DnsSettings.defaults().with("dns_try_naptr", "yes").with("dns_try_ipv6", "yes"));

        assertThat(await(r.resolve("pinned.test", 0, null, false, f.requester))).containsExactly(target(Protocol.UDP, "127.0.0.42", 5060));
        assertThat(await(r.resolve("PINNED.test.", 5070, Protocol.TCP, false, f.requester)))
                .containsExactly(target(Protocol.TCP, "127.0.0.42", 5070));
        assertThat(await(r.resolve("pinned6.test", 0, null, false, f.requester))).containsExactly(target(Protocol.UDP, "::42", 5060));
        assertThat(f.dns.questions()).isEmpty();
    }

    @Test
    void withoutDnsTryIpv6AnIpv6OnlyHostsEntryIsNotUsed() throws Exception {
        SipResolver r = f.resolver(DnsSettings.defaults());
        assertThat(failure(r.resolve("pinned6.test", 5060, null, false, f.requester))).isInstanceOf(UnknownHostException.class);
        assertThat(f.dns.questions()).containsExactly("pinned6.test A");
    }

    @Test
    void namesUnderInvalidNeverResolveAndAreNeverAsked() throws Exception {
        // RFC 6761 6.4; a WebRTC browser names itself so in Via and Contact
        SipResolver r = f.resolver(DnsSettings.defaults().with("dns_try_naptr", "yes"));
        Future<List<SipTarget>> browser = r.resolve("7ddb6380-76f.invalid", 0, Protocol.WS, false, f.requester);
        assertThat(browser.isDone()).isTrue();
        assertThat(failure(browser)).isInstanceOf(UnknownHostException.class).hasMessageContaining("RFC 6761");
        assertThat(failure(r.resolve("INVALID.", 5060, null, false, f.requester))).isInstanceOf(UnknownHostException.class);
        assertThat(failure(r.addresses("x.invalid", f.requester))).isInstanceOf(UnknownHostException.class);
        assertThat(f.dns.questions()).isEmpty();
    }

    @Test
    void anAnswerIsCachedForItsTtlAndAskedAgainAfter() throws Exception {
        f.dns.a("ttl.test", 30, "127.0.0.5");
        SipResolver r = f.resolver(DnsSettings.defaults());

        assertThat(await(r.resolve("ttl.test", 5060, null, false, f.requester))).containsExactly(target(Protocol.UDP, "127.0.0.5", 5060));
        assertThat(f.dns.asked("ttl.test", DnsRecordType.A)).isEqualTo(1);

        f.ticker.advance(Duration.ofSeconds(29));
        assertThat(await(r.resolve("ttl.test", 5070, null, false, f.requester))).containsExactly(target(Protocol.UDP, "127.0.0.5", 5070));
        assertThat(f.dns.asked("ttl.test", DnsRecordType.A)).as("second lookup within the TTL sends no query").isEqualTo(1);

        f.ticker.advance(Duration.ofSeconds(2));
        assertThat(await(r.resolve("ttl.test", 5060, null, false, f.requester))).hasSize(1);
        assertThat(f.dns.asked("ttl.test", DnsRecordType.A)).as("after the TTL the name is asked again").isEqualTo(2);
    }

    @Test
    void dnsCacheMinTtlKeepsAShortLivedAnswerLonger() throws Exception {
        f.dns.a("short.test", 5, "127.0.0.5");
        SipResolver r = f.resolver(DnsSettings.defaults().with("dns_cache_min_ttl", 60));
        await(r.addresses("short.test", f.requester));
        f.ticker.advance(Duration.ofSeconds(59));
        await(r.addresses("short.test", f.requester));
        assertThat(f.dns.asked("short.test", DnsRecordType.A)).isEqualTo(1);
    }

    @Test
    void dnsCacheMaxTtlCutsALongLivedAnswerShort() throws Exception {
        f.dns.a("long.test", 86400, "127.0.0.5");
        SipResolver r = f.resolver(DnsSettings.defaults().with("dns_cache_max_ttl", 10));
        await(r.addresses("long.test", f.requester));
        f.ticker.advance(Duration.ofSeconds(11));
        await(r.addresses("long.test", f.requester));
        assertThat(f.dns.asked("long.test", DnsRecordType.A)).isEqualTo(2);
    }

    @Test
    void nxdomainIsCachedNegativelyForDnsCacheNegativeTtl() throws Exception {
        SipResolver r = f.resolver(DnsSettings.defaults()); // dns_cache_negative_ttl = 60

        assertThat(failure(r.resolve("nowhere.test", 5060, null, false, f.requester))).isInstanceOf(UnknownHostException.class);
        assertThat(failure(r.resolve("nowhere.test", 5060, null, false, f.requester))).isInstanceOf(UnknownHostException.class);
        assertThat(f.dns.asked("nowhere.test", DnsRecordType.A)).as("the second failure comes from the cache").isEqualTo(1);

        f.ticker.advance(Duration.ofSeconds(61));
        f.dns.a("nowhere.test", 300, "127.0.0.6"); // the name appears meanwhile
        assertThat(await(r.resolve("nowhere.test", 5060, null, false, f.requester))).containsExactly(target(Protocol.UDP, "127.0.0.6", 5060));
        assertThat(f.dns.asked("nowhere.test", DnsRecordType.A)).isEqualTo(2);
    }

    @Test
    void dnsCacheNegativeTtlZeroKeepsNoNegativeAnswer() throws Exception {
        SipResolver r = f.resolver(DnsSettings.defaults().with("dns_cache_negative_ttl", 0));
        failure(r.addresses("nowhere.test", f.requester));
        failure(r.addresses("nowhere.test", f.requester));
        assertThat(f.dns.asked("nowhere.test", DnsRecordType.A)).isEqualTo(2);
    }

    @Test
    void aNameWithoutTheAskedTypeIsANegativeAnswerToo() throws Exception {
        f.dns.a("v4only.test", 300, "127.0.0.7");
        SipResolver r = f.resolver(DnsSettings.defaults().with("dns_try_ipv6", "yes"));
        assertThat(await(r.addresses("v4only.test", f.requester))).containsExactly(ip("127.0.0.7"));
        await(r.addresses("v4only.test", f.requester));
        assertThat(f.dns.asked("v4only.test", DnsRecordType.AAAA)).as("NODATA cached").isEqualTo(1);
    }

    @Test
    void withDnsTryIpv6BothFamiliesComeIpv4First() throws Exception {
        f.dns.a("dual.test", 300, "::7").a("dual.test", 300, "127.0.0.7");
        assertThat(await(f.resolver(DnsSettings.defaults().with("dns_try_ipv6", true)).addresses("dual.test", f.requester)))
                .containsExactly(ip("127.0.0.7"), ip("::7"));
        assertThat(await(f.resolver(DnsSettings.defaults()).addresses("dual.test", f.requester))).containsExactly(ip("127.0.0.7"));
    }

    @Test
    void aCnameIsFollowedAndItsTtlCounts() throws Exception {
        f.dns.cname("alias.test", 10, "real.test").a("real.test", 300, "127.0.0.8");
        SipResolver r = f.resolver(DnsSettings.defaults());
        assertThat(await(r.addresses("alias.test", f.requester))).containsExactly(ip("127.0.0.8"));
        f.ticker.advance(Duration.ofSeconds(11));
        await(r.addresses("alias.test", f.requester));
        assertThat(f.dns.asked("alias.test", DnsRecordType.A)).as("the CNAME's shorter TTL bounds the answer").isEqualTo(2);
    }

    @Test
    void aBurstForOneNameSendsOneQuery() throws Exception {
        f.dns.a("burst.test", 300, "127.0.0.9");
        SipResolver r = f.resolver(DnsSettings.defaults());
        List<Future<List<SipTarget>>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(r.resolve("burst.test", 5060, null, false, f.requester));
        }
        for (Future<List<SipTarget>> one : all) {
            assertThat(await(one)).hasSize(1);
        }
        assertThat(f.dns.asked("burst.test", DnsRecordType.A)).isEqualTo(1);
    }

    @Test
    void theResultIsDeliveredOnTheRequestingLoop() throws Exception {
        f.dns.a("where.test", 300, "127.0.0.10");
        SipResolver r = f.resolver(DnsSettings.defaults());
        AtomicBoolean onRequester = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        f.requester.execute(() -> r.resolve("where.test", 5060, null, false, f.requester).addListener(x -> {
            onRequester.set(f.requester.inEventLoop());
            done.countDown();
        }));
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onRequester).isTrue();
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheTimeoutWithoutBlockingTheCallingLoop() throws Exception {
        // the same path once against the answering server, so that what is timed below is the
        // call and not the JVM loading the classes behind it
        failure(f.resolver(DnsSettings.defaults().with("dns_try_naptr", "yes")).resolve("warm.test", 0, null, false, f.requester));
        // a bound socket that nobody reads: the queries are taken and never answered
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            SipResolver r = f.keep(f.builder()
                    .nameServerProvider(new SingletonDnsServerAddressStreamProvider((InetSocketAddress) silent.getLocalSocketAddress()))
                    .queryTimeout(Duration.ofSeconds(1))
                    .settings(DnsSettings.defaults().with("dns_try_naptr", "yes"))
                    .build());
            AtomicLong callNanos = new AtomicLong();
            AtomicReference<Future<List<SipTarget>>> result = new AtomicReference<>();
            long start = System.nanoTime();
            f.requester.submit(() -> {
                long t0 = System.nanoTime();
                result.set(r.resolve("silent.test", 0, null, false, f.requester));
                callNanos.set(System.nanoTime() - t0);
            }).sync();
            assertThat(result.get().isDone()).as("the call returns before any answer").isFalse();
            // "at once": far less than the query timeout (the machine is shared, so not microseconds)
            assertThat(TimeUnit.NANOSECONDS.toMillis(callNanos.get())).as("the call returns at once").isLessThan(250);

            // the calling loop stays free meanwhile: a task given to it runs while the query waits
            long queued = System.nanoTime();
            f.requester.submit(() -> { }).sync();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queued)).isLessThan(250);
            assertThat(result.get().isDone()).isFalse();

            assertThat(failure(result.get())).isInstanceOf(UnknownHostException.class).hasMessageContaining("NAPTR");
            // NAPTR times out and the chain stops there: one timeout, not one per step
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("bounded by the query timeout").isLessThan(3000);
            assertThat(f.dns.questions()).as("nothing went to the answering server").doesNotContain("silent.test NAPTR");
        }
    }
}
