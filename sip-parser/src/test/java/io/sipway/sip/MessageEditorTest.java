package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Proxy edits (RFC 3261 16.6 request forwarding, 16.7 response processing) applied by MessageEditor. */
class MessageEditorTest {

    private static byte[] sip(String text) {
        return SipMessageTest.sip(text);
    }

    private static byte[] resource(String name) {
        return SipMessageTest.resource(name);
    }

    /** Byte ranges [start, end) of each header line of a message, CRLF and folded continuations included. */
    static List<int[]> lineRanges(byte[] m) {
        List<int[]> out = new ArrayList<>();
        int p = 0;
        while (!(m[p] == '\r' && m[p + 1] == '\n')) {
            p++;
        }
        p += 2; // after the start line
        while (!(m[p] == '\r' && m[p + 1] == '\n')) {
            int s = p;
            while (true) {
                if (m[p] == '\r' && m[p + 1] == '\n' && m[p + 2] != ' ' && m[p + 2] != '\t') {
                    break;
                }
                p++;
            }
            p += 2;
            out.add(new int[] {s, p});
        }
        return out;
    }

    /** The header lines as text, byte for byte (ISO-8859-1 maps each byte to one char), CRLF removed. */
    static List<String> lines(byte[] m) {
        List<String> out = new ArrayList<>();
        for (int[] r : lineRanges(m)) {
            out.add(new String(m, r[0], r[1] - r[0] - 2, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static String startLine(byte[] m) {
        String s = new String(m, StandardCharsets.ISO_8859_1);
        return s.substring(0, s.indexOf("\r\n"));
    }

    private static String body(byte[] m) {
        String s = new String(m, StandardCharsets.ISO_8859_1);
        return s.substring(s.indexOf("\r\n\r\n") + 4);
    }

    @Test
    @DisplayName("RFC 3261 16.6 step 8: prependVia puts the new Via above the first Via")
    void prependVia() {
        byte[] raw = resource("invite-sdp.sip");
        SipMessage m = SipParser.parse(raw);
        byte[] out = m.edit().prependVia("SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1").toBytes();
        List<String> expected = new ArrayList<>(lines(raw));
        expected.add(0, "Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1");
        assertThat(lines(out)).containsExactlyElementsOf(expected);
        SipMessage again = SipParser.parse(out);
        assertThat(again.vias()).extracting(Via::host).containsExactly("proxy.example.com", "client.atlanta.example.com");
        assertThat(again.topVia().branch()).isEqualTo("z9hG4bKp1");
    }

    @Test
    @DisplayName("RFC 3261 16.6 step 8: the new Via goes right above the first Via even when it is not the first header")
    void prependViaWhenViaIsNotFirst() {
        byte[] raw = sip("""
                OPTIONS sip:a@example.com SIP/2.0
                Max-Forwards: 70
                Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1
                Via: SIP/2.0/UDP b.example.com;branch=z9hG4bK0
                Content-Length: 0

                """);
        byte[] out = SipParser.parse(raw).edit().prependVia("SIP/2.0/UDP p.example.com;branch=z9hG4bK2").toBytes();
        assertThat(lines(out)).containsExactly(
                "Max-Forwards: 70",
                "Via: SIP/2.0/UDP p.example.com;branch=z9hG4bK2",
                "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
                "Via: SIP/2.0/UDP b.example.com;branch=z9hG4bK0",
                "Content-Length: 0");
    }

    @Test
    @DisplayName("RFC 3261 16.6 step 4: addRecordRoute goes above the existing Record-Route")
    void addRecordRouteAboveExisting() {
        byte[] raw = sip("""
                INVITE sip:bob@biloxi.com SIP/2.0
                Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1
                Record-Route: <sip:rr1.example.com;lr>
                Record-Route: <sip:rr2.example.com;lr>
                Content-Length: 0

                """);
        byte[] out = SipParser.parse(raw).edit().addRecordRoute("<sip:me.example.com;lr>").toBytes();
        assertThat(lines(out)).containsExactly(
                "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
                "Record-Route: <sip:me.example.com;lr>",
                "Record-Route: <sip:rr1.example.com;lr>",
                "Record-Route: <sip:rr2.example.com;lr>",
                "Content-Length: 0");
        assertThat(SipParser.parse(out).recordRoutes()).extracting(a -> a.uri().host())
                .containsExactly("me.example.com", "rr1.example.com", "rr2.example.com");
    }

    @Test
    @DisplayName("RFC 3261 16.6 step 4: without Record-Route the new one is the first header")
    void addRecordRouteWithoutExisting() {
        byte[] raw = resource("invite-sdp.sip");
        byte[] out = SipParser.parse(raw).edit().addRecordRoute("<sip:me.example.com;lr>").toBytes();
        List<String> expected = new ArrayList<>(lines(raw));
        expected.add(0, "Record-Route: <sip:me.example.com;lr>");
        assertThat(lines(out)).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("RFC 3261 16.6 step 6: setRequestUri replaces only the Request-URI")
    void setRequestUri() {
        byte[] raw = resource("invite-sdp.sip");
        byte[] out = SipParser.parse(raw).edit().setRequestUri("sip:bob@192.0.2.4:5060;transport=tcp").toBytes();
        assertThat(startLine(out)).isEqualTo("INVITE sip:bob@192.0.2.4:5060;transport=tcp SIP/2.0");
        assertThat(lines(out)).containsExactlyElementsOf(lines(raw));
        assertThat(body(out)).isEqualTo(body(raw));
        SipMessage again = SipParser.parse(out);
        assertThat(again.requestUri().host()).isEqualTo("192.0.2.4");
        assertThat(again.requestUri().port()).isEqualTo(5060);
    }

    @Test
    @DisplayName("setRequestUri: a malformed URI is refused, a response has none")
    void setRequestUriRefusals() {
        SipMessage request = SipParser.parse(resource("invite-sdp.sip"));
        assertThatThrownBy(() -> request.edit().setRequestUri("sip:bob@256.0.0.1")).isInstanceOf(SipParseException.class);
        SipMessage response = SipParser.parse(resource("response-200.sip"));
        assertThatThrownBy(() -> response.edit().setRequestUri("sip:bob@192.0.2.4")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("set replaces the first field in place and removes the others; absent fields are appended")
    void set() {
        byte[] raw = sip("""
                OPTIONS sip:a@example.com SIP/2.0
                Max-Forwards: 70
                X-A: 1
                Subject: old
                x-a: 2
                Content-Length: 0

                """);
        SipMessage m = SipParser.parse(raw);
        assertThat(lines(m.edit().set("Max-Forwards", "69").toBytes()))
                .containsExactly("Max-Forwards: 69", "X-A: 1", "Subject: old", "x-a: 2", "Content-Length: 0");
        assertThat(lines(m.edit().set("X-A", "3").toBytes()))
                .containsExactly("Max-Forwards: 70", "X-A: 3", "Subject: old", "Content-Length: 0");
        assertThat(lines(m.edit().set("X-New", "n").toBytes()))
                .containsExactly("Max-Forwards: 70", "X-A: 1", "Subject: old", "x-a: 2", "Content-Length: 0", "X-New: n");
    }

    @Test
    @DisplayName("RFC 3261 7.3.3: set and remove find a header by its compact or long name")
    void compactNames() {
        byte[] raw = sip("""
                OPTIONS sip:a@example.com SIP/2.0
                Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1
                v: SIP/2.0/UDP b.example.com;branch=z9hG4bK0
                Call-ID: old@example.com
                s: hello
                Content-Length: 0

                """);
        SipMessage m = SipParser.parse(raw);
        byte[] out = m.edit().set("i", "new@example.com").set("Subject", "bye").toBytes();
        assertThat(lines(out)).containsExactly(
                "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
                "v: SIP/2.0/UDP b.example.com;branch=z9hG4bK0",
                "i: new@example.com",
                "Subject: bye",
                "Content-Length: 0");
        assertThat(SipParser.parse(out).callId()).isEqualTo("new@example.com");
        MessageEditor e = m.edit();
        assertThat(e.remove("v")).isEqualTo(2);
        assertThat(e.remove("S")).isEqualTo(1);
        assertThat(e.remove("X-Absent")).isZero();
        assertThat(lines(e.toBytes())).containsExactly("Call-ID: old@example.com", "Content-Length: 0");
    }

    @Test
    @DisplayName("append adds after all fields, addFirst before all fields")
    void appendAndAddFirst() {
        byte[] raw = resource("invite-sdp.sip");
        byte[] out = SipParser.parse(raw).edit().append("X-Proxy", "sipway").addFirst("X-First", "1").toBytes();
        List<String> expected = new ArrayList<>(lines(raw));
        expected.add(0, "X-First: 1");
        expected.add("X-Proxy: sipway");
        assertThat(lines(out)).containsExactlyElementsOf(expected);
        assertThat(body(out)).isEqualTo(body(raw));
    }

    @Test
    @DisplayName("remove drops every field of the name, any case, returns the count")
    void remove() {
        byte[] raw = resource("invite-sdp.sip");
        MessageEditor e = SipParser.parse(raw).edit();
        assertThat(e.remove("supported")).isEqualTo(1);
        assertThat(e.remove("Supported")).isZero(); // already removed in this edit
        List<String> expected = new ArrayList<>(lines(raw));
        expected.removeIf(l -> l.startsWith("Supported:"));
        assertThat(lines(e.toBytes())).containsExactlyElementsOf(expected);
    }

    /** A request with these header lines between its start line and Content-Length. */
    private static byte[] request(String... headers) {
        return sip("INVITE sip:alice@10.0.0.9 SIP/2.0\r\n" + String.join("\r\n", headers) + "\r\nContent-Length: 0\r\n\r\n");
    }

    /**
     * Where Kamailio 5.6.3 put the Route of a path vector in the INVITEs lookup() sent on (a registrar
     * with use_path, a binding saved with two Path headers; read from the wire): before the first
     * Route, wherever it is; without one, right under its own Via, above the request's first Via even
     * when other headers come before that Via or another Via comes later.
     */
    @Test
    @DisplayName("addPathAsRoute: before the first Route, else under the Via added on top, else first")
    void addPathAsRoute() {
        String path = "<sip:edge1@10.0.0.1;lr;received=sip:10.0.0.7:5060>,<sip:edge2@10.0.0.2;lr>, <sip:edge2b@10.0.0.2;lr>";
        String proxyVia = "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-proxy";
        byte[] routeLate = request("Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK-1", "Max-Forwards: 70", "From: <sip:bob@b>;tag=1",
                "Route: <sip:r1@10.0.0.4;lr>", "Call-ID: p1", "Route: <sip:r2@10.0.0.5;lr>");
        assertThat(lines(SipParser.parse(routeLate).edit().prependVia(proxyVia).addPathAsRoute(path).toBytes())).containsExactly(
                "Via: " + proxyVia, "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK-1", "Max-Forwards: 70", "From: <sip:bob@b>;tag=1",
                "Route: " + path, "Route: <sip:r1@10.0.0.4;lr>", "Call-ID: p1", "Route: <sip:r2@10.0.0.5;lr>", "Content-Length: 0");

        byte[] twoVias = request("Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK-1", "Max-Forwards: 70",
                "Via: SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK-2", "Call-ID: p2");
        byte[] out = SipParser.parse(twoVias).edit().prependVia(proxyVia).addPathAsRoute(path).toBytes();
        assertThat(lines(out)).containsExactly("Via: " + proxyVia, "Route: " + path, "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK-1",
                "Max-Forwards: 70", "Via: SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK-2", "Call-ID: p2", "Content-Length: 0");
        assertThat(SipParser.parse(out).routes()).extracting(a -> a.uri().user()).containsExactly("edge1", "edge2", "edge2b");

        byte[] viaSecond = request("Max-Forwards: 70", "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK-1", "Call-ID: p3");
        assertThat(lines(SipParser.parse(viaSecond).edit().prependVia(proxyVia).addPathAsRoute(path).toBytes())).containsExactly(
                "Max-Forwards: 70", "Via: " + proxyVia, "Route: " + path, "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK-1", "Call-ID: p3",
                "Content-Length: 0");

        byte[] neither = request("Call-ID: p4", "CSeq: 1 INVITE");
        assertThat(lines(SipParser.parse(neither).edit().addPathAsRoute("<sip:edge1@10.0.0.1;lr>").toBytes()))
                .containsExactly("Route: <sip:edge1@10.0.0.1;lr>", "Call-ID: p4", "CSeq: 1 INVITE", "Content-Length: 0");
    }

    @Test
    @DisplayName("RFC 3261 16.4: removeFirstValue(Route) on Route: <a>, <b> leaves <b>")
    void removeFirstRouteValue() {
        byte[] raw = resource("invite-sdp.sip");
        MessageEditor e = SipParser.parse(raw).edit();
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        byte[] out = e.toBytes();
        List<String> expected = new ArrayList<>(lines(raw));
        expected.set(2, "Route: <sip:ss2.biloxi.example.com;lr>");
        assertThat(lines(out)).containsExactlyElementsOf(expected);
        assertThat(SipParser.parse(out).routes()).extracting(a -> a.uri().host()).containsExactly("ss2.biloxi.example.com");
    }

    @Test
    @DisplayName("RFC 3261 16.4: removeFirstValue(Route) on a single-value Route removes the line")
    void removeSingleRouteLine() {
        byte[] raw = sip("""
                INVITE sip:bob@biloxi.com SIP/2.0
                Route: <sip:p1.example.com;lr>
                Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>
                Content-Length: 0

                """);
        SipMessage m = SipParser.parse(raw);
        MessageEditor e = m.edit();
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        assertThat(lines(e.toBytes())).containsExactly(
                "Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>", "Content-Length: 0");
        // a second call takes the next Route field's first value
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        assertThat(lines(e.toBytes())).containsExactly("Route: <sip:p3.example.com;lr>", "Content-Length: 0");
        byte[] noRoute = sip("OPTIONS sip:a@example.com SIP/2.0\nContent-Length: 0\n\n");
        assertThat(SipParser.parse(noRoute).edit().removeFirstValue(HeaderName.ROUTE)).isFalse();
    }

    @Test
    @DisplayName("RFC 3261 20.14: setBody rewrites Content-Length in place, keeping its spelling")
    void setBodyUpdatesContentLength() {
        byte[] raw = resource("message-compact.sip");
        byte[] out = SipParser.parse(raw).edit().setBody("Hi!".getBytes(StandardCharsets.US_ASCII)).toBytes();
        List<String> expected = new ArrayList<>(lines(raw));
        expected.set(expected.indexOf("l: 18"), "l: 3");
        assertThat(lines(out)).containsExactlyElementsOf(expected);
        assertThat(body(out)).isEqualTo("Hi!");
        SipMessage again = SipParser.parse(out);
        assertThat(again.contentLength()).isEqualTo(3);
        assertThat(new String(again.body(), StandardCharsets.US_ASCII)).isEqualTo("Hi!");
        byte[] empty = SipParser.parse(resource("invite-sdp.sip")).edit().setBody(new byte[0]).toBytes();
        assertThat(lines(empty)).contains("Content-Length: 0");
        assertThat(SipParser.parse(empty).bodyLength()).isZero();
    }

    @Test
    @DisplayName("setBody copies the array: later changes by the caller do not leak in")
    void setBodyCopies() {
        byte[] newBody = "abc".getBytes(StandardCharsets.US_ASCII);
        MessageEditor e = SipParser.parse(resource("message-compact.sip")).edit().setBody(newBody);
        newBody[0] = 'X';
        assertThat(body(e.toBytes())).isEqualTo("abc");
    }

    @Test
    @DisplayName("RFC 3261 18.3 / 20.14: a message without Content-Length gets one")
    void addsMissingContentLength() {
        byte[] raw = sip("MESSAGE sip:a@example.com SIP/2.0\nContent-Type: text/plain\n\nhello");
        SipMessage m = SipParser.parse(raw);
        assertThat(m.contentLength()).isEqualTo(-1);
        byte[] out = m.edit().toBytes();
        assertThat(lines(out)).containsExactly("Content-Type: text/plain", "Content-Length: 5");
        assertThat(body(out)).isEqualTo("hello");
        SipMessage framed = SipParser.defaults().parseStream(out, 0, out.length); // now fit for a stream
        assertThat(framed.contentLength()).isEqualTo(5);
    }

    @Test
    @DisplayName("RFC 3261 18.3: bytes past Content-Length and leading CRLFs of a datagram are not copied")
    void onlyTheMessageIsCopied() {
        byte[] msg = resource("message-compact.sip");
        byte[] datagram = new byte[msg.length + 9];
        System.arraycopy("\r\n".getBytes(StandardCharsets.US_ASCII), 0, datagram, 0, 2);
        System.arraycopy(msg, 0, datagram, 2, msg.length);
        System.arraycopy("garbage".getBytes(StandardCharsets.US_ASCII), 0, datagram, 2 + msg.length, 7);
        assertThat(SipParser.parse(datagram).edit().toBytes()).isEqualTo(msg);
    }

    @Test
    @DisplayName("a message parsed from the middle of a larger array is edited on its own bytes")
    void messageAtAnOffset() {
        byte[] msg = resource("invite-sdp.sip");
        byte[] buf = new byte[msg.length + 100];
        Arrays.fill(buf, (byte) 'Z');
        System.arraycopy(msg, 0, buf, 60, msg.length);
        SipMessage m = SipParser.defaults().parseDatagram(buf, 60, msg.length);
        assertThat(m.edit().toBytes()).isEqualTo(msg);
        MessageEditor e = m.edit().prependVia("SIP/2.0/UDP p.example.com;branch=z9hG4bKz");
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        SipMessage again = SipParser.parse(e.toBytes()).validate();
        assertThat(again.vias()).hasSize(2);
        assertThat(again.routes()).hasSize(1);
        assertThat(again.body()).isEqualTo(m.body());
    }

    @Test
    @DisplayName("an edit without changes reproduces the message exactly")
    void noChanges() {
        for (String name : List.of("invite-sdp.sip", "message-compact.sip", "notify-folded-cl.sip", "info-crlf-body.sip",
                "response-200.sip", "odd-spacing.sip")) {
            byte[] raw = resource(name);
            assertThat(SipParser.parse(raw).edit().toBytes()).as(name).isEqualTo(raw);
        }
    }

    @Test
    @DisplayName("untouched header lines are copied byte for byte (odd spacing, folding, raw bytes)")
    void untouchedLinesByteForByte() {
        byte[] raw = resource("odd-spacing.sip");
        SipMessage m = SipParser.parse(raw);
        byte[] out = m.edit()
                .prependVia("SIP/2.0/UDP proxy.example.com;branch=z9hG4bKpx")
                .set("Subject", "new")
                .append("X-Added", "1")
                .setBody("pong!".getBytes(StandardCharsets.US_ASCII))
                .toBytes();
        MessageEditor routeEdit = m.edit();
        assertThat(routeEdit.removeFirstValue(HeaderName.ROUTE)).isTrue();
        byte[] routeOut = routeEdit.toBytes();
        List<int[]> o = lineRanges(raw);
        List<int[]> n = lineRanges(out);
        assertThat(o).hasSize(12);
        assertThat(n).hasSize(14);
        // output line index -> original line index (-1: new or changed)
        int[] origin = {-1, 0, 1, 2, 3, 4, 5, 6, 7, -1, 9, 10, -1, -1};
        for (int i = 0; i < origin.length; i++) {
            if (origin[i] >= 0) {
                int[] a = n.get(i);
                int[] b = o.get(origin[i]);
                assertThat(Arrays.equals(out, a[0], a[1], raw, b[0], b[1]))
                        .as("output line %d is original line %d byte for byte", i, origin[i]).isTrue();
            }
        }
        List<String> outLines = lines(out);
        assertThat(outLines.get(0)).isEqualTo("Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKpx");
        assertThat(outLines.get(9)).isEqualTo("Subject: new");
        assertThat(outLines.get(12)).isEqualTo("l: 5");
        assertThat(outLines.get(13)).isEqualTo("X-Added: 1");
        assertThat(body(out)).isEqualTo("pong!");
        // the folded two-value Route keeps its name and colon as written, then the second value
        List<int[]> r = lineRanges(routeOut);
        assertThat(lines(routeOut).get(3)).isEqualTo("Route: <sip:p2.example.com;lr>");
        for (int i : new int[] {0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11}) {
            assertThat(Arrays.equals(routeOut, r.get(i)[0], r.get(i)[1], raw, o.get(i)[0], o.get(i)[1]))
                    .as("line %d byte for byte after removeFirstValue", i).isTrue();
        }
    }

    @Test
    @DisplayName("RFC 3261 16.6: the edited message re-parses and its fields match")
    void resultReparses() {
        byte[] raw = resource("odd-spacing.sip");
        SipMessage m = SipParser.parse(raw);
        MessageEditor e = m.edit()
                .prependVia("SIP/2.0/UDP proxy.example.com;branch=z9hG4bKpx")
                .addRecordRoute("<sip:proxy.example.com;lr>")
                .setRequestUri("sip:bob@192.0.2.4")
                .set("Max-Forwards", "69")
                .append("X-Added", "1");
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        byte[] out = e.toBytes();
        SipMessage again = SipParser.parse(out).validate();
        assertThat(again.requestUriString()).isEqualTo("sip:bob@192.0.2.4");
        assertThat(again.vias()).extracting(Via::host)
                .containsExactly("proxy.example.com", "pc33.atlanta.example.com", "192.0.2.7");
        assertThat(again.recordRoutes()).extracting(a -> a.uri().host()).containsExactly("proxy.example.com");
        assertThat(again.routes()).extracting(a -> a.uri().host()).containsExactly("p2.example.com");
        assertThat(again.maxForwards()).isEqualTo(69);
        assertThat(again.callId()).isEqualTo(m.callId());
        assertThat(again.cseq().number()).isEqualTo(7);
        assertThat(again.cseq().method()).isEqualTo(SipMethod.INVITE);
        assertThat(again.from().displayName()).isEqualTo(m.from().displayName());
        assertThat(again.fromTag()).isEqualTo("x1");
        assertThat(again.to().uri().toString()).isEqualTo("sip:bob@biloxi.example.com");
        assertThat(again.header("Subject")).isEqualTo(m.header("Subject"));
        assertThat(again.header("X-Folded")).isEqualTo(m.header("X-Folded"));
        assertThat(again.header("X-Added")).isEqualTo("1");
        assertThat(again.body()).isEqualTo(m.body());
        assertThat(again.contentLength()).isEqualTo(4);
    }

    @Test
    @DisplayName("the original message and its array are unchanged after editing")
    void originalUnchanged() {
        byte[] raw = resource("invite-sdp.sip");
        byte[] copy = raw.clone();
        SipMessage m = SipParser.parse(raw);
        String topBranch = m.topVia().branch();
        MessageEditor e = m.edit()
                .prependVia("SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1")
                .setRequestUri("sip:bob@192.0.2.4")
                .set("Max-Forwards", "69")
                .setBody("x".getBytes(StandardCharsets.US_ASCII));
        e.remove("Contact");
        e.removeFirstValue(HeaderName.ROUTE);
        byte[] out = e.toBytes();
        assertThat(out).isNotEqualTo(raw);
        assertThat(raw).isEqualTo(copy);
        assertThat(m.toBytes()).isEqualTo(copy);
        assertThat(m.requestUriString()).isEqualTo("sip:bob@biloxi.example.com");
        assertThat(m.topVia().branch()).isEqualTo(topBranch);
        assertThat(m.vias()).hasSize(1);
        assertThat(m.maxForwards()).isEqualTo(70);
        assertThat(m.routes()).hasSize(2);
        assertThat(m.header("Contact")).isNotNull();
        assertThat(m.contentLength()).isEqualTo(151);
        assertThat(m.headerCount()).isEqualTo(11);
        assertThat(e.toBytes()).as("toBytes is repeatable").isEqualTo(out);
    }

    @ParameterizedTest(name = "CWE-113 header injection: value {0} refused")
    @ValueSource(strings = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b", "\r\n"})
    void crLfNulInValueRefused(String value) {
        SipMessage m = SipParser.parse(resource("invite-sdp.sip"));
        assertThatThrownBy(() -> m.edit().prependVia(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().addRecordRoute(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().set("Subject", value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().append("X-A", value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().addFirst("X-A", value)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "RFC 3261 7.3.1 field-name = token: name {0} refused")
    @ValueSource(strings = {"", "Bad Name", "X:Y", "X\r\nY", "Caf\u00e9"})
    void badHeaderNameRefused(String name) {
        SipMessage m = SipParser.parse(resource("invite-sdp.sip"));
        assertThatThrownBy(() -> m.edit().append(name, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().set(name, "v")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "RFC 3261 20.14: Content-Length ({0}) is set from the body, not by hand")
    @ValueSource(strings = {"Content-Length", "content-length", "l", "L"})
    void contentLengthByHandRefused(String name) {
        SipMessage m = SipParser.parse(resource("invite-sdp.sip"));
        assertThatThrownBy(() -> m.edit().set(name, "5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().append(name, "5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().addFirst(name, "5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.edit().remove(name)).isInstanceOf(IllegalArgumentException.class);
    }
}
