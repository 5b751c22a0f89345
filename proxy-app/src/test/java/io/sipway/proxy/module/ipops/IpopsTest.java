package io.sipway.proxy.module.ipops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.ScriptProbe;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipops's tests of addresses as a script uses them: the request's X-Ip header holds an address, the script
 * answers with each function's return code in the reason phrase (1 true, -1 false; ip_type 1, 2, 3).
 * The expected codes are Kamailio 5.6.3's for the same script and requests.
 */
@Timeout(30)
class IpopsTest {
    @TempDir
    Path work;
    private ScriptProbe probe;

    @AfterEach
    void stop() {
        if (probe != null) {
            probe.close();
        }
    }

    private void start() throws Exception {
        probe = ScriptProbe.start(work, "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"ipops.so\"\n"
                + ROUTE);
    }

    /** The codes of is_ip, is_pure_ip, is_ipv4, is_ipv6, is_ipv6_reference, ip_type, is_ip_rfc1918, is_in_subnet, compare_ips, compare_pure_ips. */
    private String codes(String ip) throws Exception {
        return probe.reason("X-Ip: " + ip + "\r\n");
    }

    @Test
    void addressesAreTestedAsKamailiosIpopsTestsThem() throws Exception {
        start();
        // an RFC 1918 IPv4 address in 10/8, equal to 10.1.2.3
        assertThat(codes("10.1.2.3")).isEqualTo("1 1 1 -1 -1 1 1 1 -1 1");
        // a public IPv4 address
        assertThat(codes("8.8.8.8")).isEqualTo("1 1 1 -1 -1 1 -1 -1 -1 -1");
        // IPv6, written shorter than the reference it equals
        assertThat(codes("2001:db8::1")).isEqualTo("1 1 -1 1 -1 2 -1 1 1 -1");
        // an IPv6 reference: an address, but not a pure one (and is_in_subnet wants a pure one)
        assertThat(codes("[2001:db8::1]")).isEqualTo("1 -1 -1 -1 1 3 -1 -1 1 -1");
        // a host name is no address: nothing asks DNS
        assertThat(codes("sip.example.com")).isEqualTo("-1 -1 -1 -1 -1 -1 -1 -1 -1 -1");
        assertThat(codes("300.1.2.3")).isEqualTo("-1 -1 -1 -1 -1 -1 -1 -1 -1 -1");
    }

    private static final String ROUTE = "request_route {\n"
            + "\t$var(ip) = $hdr(X-Ip);\n"
            + "\tis_ip(\"$var(ip)\"); $var(r) = \"\" + $rc;\n"
            + "\tis_pure_ip(\"$var(ip)\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tis_ipv4(\"$var(ip)\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tis_ipv6(\"$var(ip)\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tis_ipv6_reference(\"$var(ip)\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tip_type(\"$var(ip)\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tis_ip_rfc1918(\"$var(ip)\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tis_in_subnet(\"$var(ip)\", \"10.0.0.0/8,2001:db8::/32\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tcompare_ips(\"$var(ip)\", \"[2001:db8:0:0::1]\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tcompare_pure_ips(\"$var(ip)\", \"10.1.2.3\"); $var(r) = $var(r) + \" \" + $rc;\n"
            + "\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n";
}
