package io.sipway.proxy.module.ipops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipops's tests of addresses as a script uses them: the request's user names an address, the script
 * answers with each function's return code in the reason phrase (1 true, -1 false; ip_type 1, 2, 3).
 * The expected codes are Kamailio 5.6.3's for the same script and requests.
 */
@Timeout(30)
class IpopsTest {
    @TempDir
    Path work;
    private Proxy proxy;
    private int port;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private void start() throws Exception {
        port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("ipops.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\nloadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"ipops.so\"\n"
                + "request_route {\n"
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
                + "\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n");
        proxy = Proxy.start(cfg, Map.of(), List.of());
    }

    /** The codes of is_ip, is_pure_ip, is_ipv4, is_ipv6, is_ipv6_reference, ip_type, is_ip_rfc1918, is_in_subnet, compare_ips, compare_pure_ips. */
    private String codes(String ip) throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(3000);
            String req = "OPTIONS sip:x@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\n"
                    + "Call-ID: ipops-" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nX-Ip: " + ip + "\r\nContent-Length: 0\r\n\r\n";
            byte[] b = req.getBytes(StandardCharsets.US_ASCII);
            phone.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            phone.receive(p);
            String first = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            assertThat(first).startsWith("SIP/2.0 200 ");
            return first.substring("SIP/2.0 200 ".length());
        }
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
}
