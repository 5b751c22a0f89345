package io.sipway.proxy.module.ipops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.KamailioCheck;
import io.sipway.proxy.module.ScriptOnLoopback;
import io.sipway.proxy.module.enum_.EnumDnsServer;
import io.sipway.transport.SrvRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipops' DNS functions in a running proxy whose resolver asks a DNS server of the test's on loopback:
 * dns_query and $dns, srv_query and $srvquery, naptr_query and $naptrquery, dns_sys_match_ip and
 * dns_int_match_ip, their return codes and limits; the pseudo-variables' names as Kamailio reads them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IpopsDnsTest {
    static final String SCRIPT = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "ipops.so"
            request_route {
                if ($hdr(X-Do) == "dns") {
                    dns_query("$hdr(X-Name)", "h");
                    $var(rc) = $rc;
                    $var(i) = 1;
                    sl_send_reply("200", "rc=$var(rc) n=$dns(h=>count) v4=$dns(h=>ipv4) v6=$dns(h=>ipv6) a=$dns(h=>addr) t=$dns(h=>type) a1=$dns(h=>addr[$var(i)]) t1=$dns(h=>type[1]) last=$dns(h=>addr[-1]) none=$dns(h=>addr[5])");
                    exit;
                }
                if ($hdr(X-Do) == "undeclared") {
                    dns_query("$hdr(X-Name)", "nobody");
                    sl_send_reply("200", "rc=$rc");
                    exit;
                }
                if ($hdr(X-Do) == "srv") {
                    srv_query("$hdr(X-Name)", "s");
                    $var(rc) = $rc;
                    sl_send_reply("200", "rc=$var(rc) n=$srvquery(s=>count) 0=$srvquery(s=>target[0]):$srvquery(s=>port[0])/$srvquery(s=>priority[0])/$srvquery(s=>weight[0]) 1=$srvquery(s=>target[1]) 2=$srvquery( s => target [ 2 ] ) 3=$srvquery(s=>target[3])");
                    exit;
                }
                if ($hdr(X-Do) == "naptr") {
                    naptr_query("$hdr(X-Name)", "n");
                    $var(rc) = $rc;
                    $var(i) = -1;
                    sl_send_reply("200", "rc=$var(rc) n=$naptrquery(n=>count) 0=$naptrquery(n=>order[0])/$naptrquery(n=>pref[0])/$naptrquery(n=>flags[0])/$naptrquery(n=>services[0])/$naptrquery(n=>regex[0])/$naptrquery(n=>replace[0]) last=$naptrquery(n=>replace[$var(i)])");
                    exit;
                }
                if ($hdr(X-Do) == "match") {
                    dns_sys_match_ip("$hdr(X-Name)", "$hdr(X-Ip)");
                    $var(sys) = $rc;
                    dns_int_match_ip("$hdr(X-Name)", "$hdr(X-Ip)");
                    sl_send_reply("200", "sys=$var(sys) int=$rc");
                    exit;
                }
                sl_send_reply("404", "unknown");
            }
            """;

    @TempDir
    Path work;
    private EnumDnsServer dns;

    @BeforeEach
    void aDnsServer() throws Exception {
        dns = new EnumDnsServer();
        System.setProperty("sipway.dns.servers", dns.address());
    }

    @AfterEach
    void noDnsServer() {
        System.clearProperty("sipway.dns.servers");
        dns.close();
    }

    @Test
    void dnsQueryStoresEveryAddressWithItsType() throws Exception {
        dns.a("both.example", "192.0.2.1").a("both.example", "192.0.2.2").aaaa("both.example", "2001:db8:0:0:0:0:0:1")
                .aaaa("six.example", "2001:db8::6");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("x", "X-Do: dns", "X-Name: both.example"))
                    .isEqualTo("rc=1 n=3 v4=1 v6=1 a=192.0.2.1 t=4 a1=192.0.2.2 t1=4 last=2001:db8::1 none=<null>");
            assertThat(dns.questions).contains("both.example A", "both.example AAAA");
            assertThat(p.reason("x", "X-Do: dns", "X-Name: six.example"))
                    .as("AAAA records are asked whatever dns_try_ipv6 says, as getaddrinfo does")
                    .isEqualTo("rc=1 n=1 v4=0 v6=1 a=2001:db8::6 t=6 a1=<null> t1=<null> last=2001:db8::6 none=<null>");
            assertThat(p.reason("x", "X-Do: dns", "X-Name: 198.51.100.7")).as("a literal is its own address")
                    .isEqualTo("rc=1 n=1 v4=1 v6=0 a=198.51.100.7 t=4 a1=<null> t1=<null> last=198.51.100.7 none=<null>");
            assertThat(p.reason("x", "X-Do: dns", "X-Name: nowhere.example"))
                    .as("no such name: -4, and the container is emptied (every key reads $null through index 0)")
                    .isEqualTo("rc=-4 n=<null> v4=<null> v6=<null> a=<null> t=<null> a1=<null> t1=<null> last=<null> none=<null>");
            assertThat(p.reason("x", "X-Do: dns", "X-Name: " + "a".repeat(256))).as("a name over 255 characters").startsWith("rc=-2 ");
            assertThat(p.reason("x", "X-Do: undeclared", "X-Name: both.example")).as("any container will do, as in Kamailio 5.6.3").isEqualTo("rc=1");
        }
    }

    @Test
    void dnsQueryKeepsThirtyTwoAddresses() throws Exception {
        for (int i = 1; i <= 40; i++) {
            dns.a("many.example", "10.0.0." + i);
        }
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("x", "X-Do: dns", "X-Name: many.example")).startsWith("rc=1 n=32 ").contains("last=10.0.0.32 ");
        }
    }

    @Test
    void srvQueryOrdersByPriority() throws Exception {
        dns.srv("_sip._udp.example.com", 20, 0, 5070, "late-a.example.com")
                .srv("_sip._udp.example.com", 10, 5, 5060, "first.example.com")
                .srv("_sip._udp.example.com", 20, 0, 5071, "late-b.example.com");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("x", "X-Do: srv", "X-Name: _sip._udp.example.com"))
                    .as("the last priority keeps the answer's order, as Kamailio's sort leaves it")
                    .isEqualTo("rc=1 n=3 0=first.example.com:5060/10/5 1=late-a.example.com 2=late-b.example.com 3=<null>");
            assertThat(dns.questions).contains("_sip._udp.example.com SRV");
            assertThat(p.reason("x", "X-Do: srv", "X-Name: _sip._tcp.nowhere.example"))
                    .as("no records: still 1, an empty container").isEqualTo("rc=1 n=0 0=<null>:<null>/<null>/<null> 1=<null> 2=<null> 3=<null>");
        }
    }

    @Test
    void naptrQueryOrdersByOrderThenPreference() throws Exception {
        dns.naptr("example.org", 20, 10, "s", "SIP+D2T", "", "_sip._tcp.example.org")
                .naptr("example.org", 10, 20, "s", "SIP+D2U", "", "_sip._udp.example.org")
                .naptr("example.org", 10, 10, "u", "E2U+sip", "!^.*$!sip:info@example.org!", "");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("x", "X-Do: naptr", "X-Name: example.org"))
                    .isEqualTo("rc=1 n=3 0=10/10/u/E2U+sip/!^.*$!sip:info@example.org!/. last=_sip._tcp.example.org");
            assertThat(p.reason("x", "X-Do: naptr", "X-Name: nowhere.example")).isEqualTo("rc=1 n=0 0=<null>/<null>/<null>/<null>/<null>/<null> last=<null>");
        }
    }

    @Test
    void theMatchFunctionsCompareTheHostsAddresses() throws Exception {
        dns.a("gw.example", "192.0.2.1").aaaa("gw.example", "2001:db8::1");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("x", "X-Do: match", "X-Name: gw.example", "X-Ip: 192.0.2.1")).isEqualTo("sys=1 int=1");
            assertThat(p.reason("x", "X-Do: match", "X-Name: gw.example", "X-Ip: 2001:db8:0::1"))
                    .as("resolvehost holds the A records only when there are some").isEqualTo("sys=1 int=-1");
            assertThat(p.reason("x", "X-Do: match", "X-Name: gw.example", "X-Ip: [2001:db8::1]")).isEqualTo("sys=1 int=-1");
            assertThat(p.reason("x", "X-Do: match", "X-Name: gw.example", "X-Ip: 192.0.2.9")).isEqualTo("sys=-1 int=-1");
            assertThat(p.reason("x", "X-Do: match", "X-Name: gw.example", "X-Ip: gw.example")).as("no address").isEqualTo("sys=-3 int=-3");
            assertThat(p.reason("x", "X-Do: match", "X-Name: nowhere.example", "X-Ip: 192.0.2.1")).isEqualTo("sys=-4 int=-4");
        }
    }

    @Test
    void theDnsFunctionsWaitOnTheWorkersTheOthersNever() {
        java.util.Map<String, io.sipway.proxy.module.FunctionExport> f = IpopsModule.exports(new io.sipway.proxy.core.Core()).functions();
        for (String name : List.of("dns_query", "srv_query", "naptr_query", "dns_sys_match_ip", "dns_int_match_ip")) {
            assertThat(f.get(name).mayWait()).as(name).isTrue();
        }
        assertThat(f.get("is_ip").mayWait()).isFalse();
        assertThat(f.get("is_in_subnet").mayWait()).isFalse();
    }

    @Test
    void theNamesOfThePseudoVariables() {
        assertThat(DnsPvName.dns("h=>addr", null)).isEqualTo(new DnsPvName("h", 0, 0, null));
        assertThat(DnsPvName.dns(" h =>count", null)).isEqualTo(new DnsPvName("h", 4, 0, null));
        assertThat(DnsPvName.dns("h=>type[-2]", null)).isEqualTo(new DnsPvName("h", 1, -2, null));
        assertThat(DnsPvName.dns("my-host.1=>ipv6[]", null)).isEqualTo(new DnsPvName("my-host.1", 3, 0, null));
        for (String bad : List.of("h=> addr", "h=>address", "h", "h=>addr[x]", "=>addr")) {
            assertThat(refused(() -> DnsPvName.dns(bad, null))).as(bad).isTrue();
        }
        assertThat(DnsPvName.records("srvquery", " s => port [ 3 ] ", DnsPvName.SRV_KEYS, null)).isEqualTo(new DnsPvName("s", 1, 3, null));
        assertThat(DnsPvName.records("srvquery", "s=>count", DnsPvName.SRV_KEYS, null)).isEqualTo(new DnsPvName("s", 0, 0, null));
        assertThat(DnsPvName.records("naptrquery", "n=>replace[1]", DnsPvName.NAPTR_KEYS, null)).isEqualTo(new DnsPvName("n", 6, 1, null));
        for (String bad : List.of("s=>port", "s=>count[0]", "s=>port[-1]", "s-1=>port[0]", "s=>target[0]x", "s=>flags[0]")) {
            assertThat(refused(() -> DnsPvName.records("srvquery", bad, DnsPvName.SRV_KEYS, null))).as(bad).isTrue();
        }
    }

    @Test
    void srvRecordsOfOnePriorityAreDrawnByWeight() {
        List<SrvRecord> records = List.of(new SrvRecord(1, 0, 1, "zero"), new SrvRecord(1, 100, 2, "heavy"), new SrvRecord(2, 0, 3, "last"));
        int heavyFirst = 0;
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            List<SrvRecord> sorted = RecordOrder.srv(records, random);
            assertThat(sorted.get(2).target()).isEqualTo("last");
            if (sorted.get(0).target().equals("heavy")) {
                heavyFirst++;
            }
        }
        assertThat(heavyFirst).as("weight 0 goes first only when the draw is 0 (1 in 101)").isBetween(950, 1000);
    }

    @Test
    void theScriptIsKamailios() throws Exception {
        assertThat(KamailioCheck.sipway(work, SCRIPT).ok()).as(KamailioCheck.sipway(work, SCRIPT).diagnostics().render()).isTrue();
        KamailioCheck.Verdict k = KamailioCheck.kamailio(work, SCRIPT);
        if (k != null) {
            assertThat(k.ok()).as(k.output()).isTrue();
        }
        // kamailio -c runs no fixups: the names of the pseudo-variables are read when it starts
        KamailioCheck.Verdict starts = KamailioCheck.kamailioStarts(work, SCRIPT, 3);
        if (starts != null) {
            assertThat(starts.ok()).as(starts.output()).isTrue();
        }
        String noIndex = "loadmodule \"pv.so\"\nloadmodule \"ipops.so\"\nloadmodule \"xlog.so\"\nrequest_route { xlog(\"$srvquery(s=>port)\"); }\n";
        assertThat(KamailioCheck.sipway(work, noIndex).diagnostics().render()).contains("$srvquery(s=>port)");
        KamailioCheck.Verdict kNoIndex = KamailioCheck.kamailioStarts(work, noIndex, 3);
        if (kNoIndex != null) {
            assertThat(kNoIndex.ok()).as(kNoIndex.output()).isFalse();
        }
    }

    private static boolean refused(Runnable r) {
        try {
            r.run();
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
