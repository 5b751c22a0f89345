package io.sipway.proxy.module.jansson;

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
 * jansson as a script uses it: a request's JSON body read by path, a JSON object built by
 * jansson_set/jansson_append; the script answers with what it got. The expected reason phrase is
 * Kamailio 5.6.3's for the same script and request.
 */
@Timeout(30)
class JanssonTest {
    private static final String BODY = "{\"name\":\"alice\",\"n\":42,\"obj\":{\"inner\":{\"x\":\"deep\"}},\"arr\":[1,\"two\",3],"
            + "\"t\":true,\"nul\":null,\"fl\":1.5}";

    @TempDir
    Path work;
    private Proxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void jsonIsReadAndWrittenAsKamailiosJanssonDoes() throws Exception {
        int port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("jansson.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\nloadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"jansson.so\"\n"
                + ROUTE);
        proxy = Proxy.start(cfg, Map.of(), List.of());

        String reason = reason(port);

        // string, integer, object, nested path, array element, out of range (-1, unchanged), true, null,
        // real, missing, not JSON, array size, get_field; then the object jansson_set and jansson_append built
        assertThat(reason).isEqualTo("[1:alice][1:42][1:{\"inner\":{\"x\":\"deep\"}}][1:deep][1:two][-1:two][1:1][1:0][1:1.5]"
                + "[-1:1.5][-1:1.5][1:3][1:alice] set={\"a\":\"x\",\"b\":7,\"c\":{\"d\":1},\"e\":1.5,\"f\":true,\"g\":null,\"h\":[1,2,3]}");
    }

    private static String reason(int port) throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(3000);
            String req = "OPTIONS sip:x@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\n"
                    + "Call-ID: json-" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY;
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

    /** The route: each read appends "[rc:value]" to the reason. */
    private static final String ROUTE = "request_route {\n"
                + "\t$var(j) = $rb;\n"
                + "\t$var(r) = \"\";\n"
                + "\tjansson_get(\"name\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"n\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"obj\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"obj.inner.x\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"arr[1]\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"arr[5]\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"t\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"nul\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"fl\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"missing\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"name\", \"not json\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_array_size(\"arr\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get_field(\"$var(j)\", \"name\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\t$var(o) = \"{}\";\n"
                + "\tjansson_set(\"string\", \"a\", \"x\", \"$var(o)\"); jansson_set(\"integer\", \"b\", \"7\", \"$var(o)\"); jansson_set(\"obj\", \"c\", \"{\\\"d\\\":1}\", \"$var(o)\"); jansson_set(\"real\", \"e\", \"1.5\", \"$var(o)\"); jansson_set(\"true\", \"f\", \"\", \"$var(o)\"); jansson_set(\"null\", \"g\", \"\", \"$var(o)\"); jansson_set(\"array\", \"h\", \"[1,2]\", \"$var(o)\");\n"
                + "\tjansson_append(\"integer\", \"h\", \"3\", \"$var(o)\");\n"
                + "\t$var(r) = $var(r) + \" set=\" + $var(o);\n"
                + "\tsl_send_reply(\"200\", \"$var(r)\");\n"
                + "\texit;\n"
                + "}\n";
}
