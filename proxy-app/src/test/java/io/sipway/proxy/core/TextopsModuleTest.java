package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.cfg.Arg;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * textops: search, search_body, subst_uri, subst_user, cmp_str, cmp_istr, starts_with, the
 * rewrites of the message text (replace, replace_all, search_append, subst, their _body forms,
 * insert_hf), and what is refused. The rewrites are shown on the wire: the proxy of
 * proxy/textops-5200.cfg relays the INVITE of messages/textops-invite.sip, and the tests compare
 * what the next hop receives, byte for byte. The script, the INVITE and the expected messages are
 * written with the proxy on 5200, the caller on 5201 and the next hops on 5202 and 5203; the tests
 * run them on free ports ({@link MovedPorts}), moving all three alike.
 */
@Timeout(30)
class TextopsModuleTest {
    private final MovedPorts ports = MovedPorts.of(5200, 5201, 5202, 5203);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5200));
    @TempDir
    Path work;
    /** The body of messages/textops-invite.sip, as the tests write messages. */
    private static final String SDP = """
            v=0
            o=alice 2890844526 2890844526 IN IP4 192.0.2.10
            s=-
            c=IN IP4 192.0.2.10
            t=0 0
            m=audio 49170 RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            """;

    private final ModuleHarness h = new ModuleHarness();
    private Proxy proxy;
    private DatagramSocket caller;
    private DatagramSocket nextHop;
    private DatagramSocket failover;

    @AfterEach
    void close() {
        h.close();
        if (proxy != null) {
            proxy.close();
        }
        for (DatagramSocket s : new DatagramSocket[] {caller, nextHop, failover}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void searchMatchesAnywhereInTheMessageIgnoringCase() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("search", m, "^invite sip:")).isEqualTo(1);
        assertThat(h.call("search", m, "^x-custom: *two")).isEqualTo(1); // ^ at each line start
        assertThat(h.call("search", m, "^x-custom: *two.$")).isEqualTo(1); // POSIX: only LF ends a line, CR is a character
        assertThat(h.call("search", m, "^x-custom: *two$")).isEqualTo(-1);
        assertThat(h.call("search", m, "m=audio [0-9]+ RTP/AVP")).isEqualTo(1); // the body is part of the message
        assertThat(h.call("search", m, "^Subject:")).isEqualTo(-1);
        assertThat(h.call("search", m, "Via:.*Max-Forwards")).isEqualTo(-1); // . does not cross lines
    }

    @Test
    void searchTakesPosixClassesAndAVariable() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("search", m, "CSeq: [[:digit:]]{6} INVITE")).isEqualTo(1);
        Arg dynamic = Arg.dynamic(ctx -> "call-id: a84b4c76", "$var(re)");
        assertThat(h.call("search", m, dynamic)).isEqualTo(1);
        Arg broken = Arg.dynamic(ctx -> "(unclosed", "$var(re)");
        assertThat(h.call("search", m, broken)).isEqualTo(-1);
    }

    @Test
    void aBadConstantExpressionIsRefusedAtItsArgument() {
        assertThatThrownBy(() -> h.bind("search", "a[b"))
                .isInstanceOf(FunctionSpec.BadArgument.class)
                .hasMessageContaining("bad regular expression");
    }

    @Test
    void searchBodyLooksOnlyAtTheBody() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("search_body", m, "^c=IN IP4 192\\.0\\.2\\.10\r$")).isEqualTo(1);
        assertThat(h.call("search_body", m, "^INVITE")).isEqualTo(-1);
        MsgContext empty = h.msg("options-proxy.sip");
        assertThat(h.call("search_body", empty, ".*")).isEqualTo(-1); // no body
    }

    @Test
    void substUriRewritesTheRequestUri() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_uri", m, "/^sip:\\+49([0-9]+)@example\\.com/sip:0\\1@gw.example.net/")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:030123456@gw.example.net;user=phone;transport=udp");
        assertThat(h.pv("$rU", m)).isEqualTo("030123456");
        // it works on the current R-URI, and is case-sensitive without the i flag
        assertThat(h.call("subst_uri", m, "/GW\\.EXAMPLE/x/")).isEqualTo(-1);
        assertThat(h.call("subst_uri", m, "/GW\\.EXAMPLE/x/i")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:030123456@x.net;user=phone;transport=udp");
    }

    @Test
    void substUriReplacesEveryMatchWithGAndKnowsPseudoVariables() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_uri", m, "/[0-9]/#/g")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:+##########@example.com;user=phone;transport=udp");
        MsgContext m2 = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_uri", m2, "/;transport=udp$/;from=$fU/")).isEqualTo(1);
        assertThat(m2.ruri).isEqualTo("sip:+4930123456@example.com;user=phone;from=alice");
        MsgContext m3 = h.msg("options-proxy.sip");
        assertThat(h.call("subst_uri", m3, "/^sip:proxy/sip:next/")).isEqualTo(1);
        assertThat(h.call("subst_uri", m3, "/$/;prev=\\u/")).isEqualTo(-1); // an empty match
        assertThat(h.call("subst_uri", m3, "/\\.com$/.com;prev=\\u/")).isEqualTo(1); // backslash-u: the current R-URI
        assertThat(m3.ruri).isEqualTo("sip:next.example.com;prev=sip:next.example.com");
    }

    @Test
    void substUserRewritesOnlyTheUserPart() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_user", m, "/^\\+49/0049/")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:004930123456@example.com;user=phone;transport=udp");
        assertThat(h.call("subst_user", m, "/^\\+/x/")).isEqualTo(-1);
        assertThat(h.call("subst_user", m, "/^(00)(49)/\\2\\1/")).isEqualTo(1); // groups
        assertThat(m.ruri).isEqualTo("sip:490030123456@example.com;user=phone;transport=udp");
    }

    @Test
    void substUserOnAUriWithoutUser() {
        MsgContext m = h.msg("options-proxy.sip");
        assertThat(h.call("subst_user", m, "/^$/x/")).isEqualTo(-1); // an empty match is refused, as Kamailio's subst_run does
        assertThat(m.ruri).isNull();
    }

    @Test
    void cmpStrAndCmpIstr() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("cmp_str", m, "$fU", "alice")).isEqualTo(1);
        assertThat(h.call("cmp_str", m, "$fU", "Alice")).isEqualTo(-1); // "alice" sorts after "Alice"
        assertThat(h.call("cmp_str", m, "abc", "abd")).isEqualTo(-2);
        assertThat(h.call("cmp_str", m, "ab", "abc")).isEqualTo(-2);
        assertThat(h.call("cmp_str", m, "", "a")).isEqualTo(-2);
        assertThat(h.call("cmp_istr", m, "$fU", "ALICE")).isEqualTo(1);
        assertThat(h.call("cmp_istr", m, "b", "A")).isEqualTo(-1);
    }

    @Test
    void startsWith() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("starts_with", m, "$rU", "+49")).isEqualTo(1);
        assertThat(h.call("starts_with", m, "$rU", "+33")).isEqualTo(-1); // "+49" > "+33"
        assertThat(h.call("starts_with", m, "$rU", "+5")).isEqualTo(-2);
        assertThat(h.call("starts_with", m, "ab", "abc")).isEqualTo(-1); // shorter than the prefix
    }

    @Test
    void inAScriptASearchDrivesTheRoute() {
        CompiledScript s = h.load("request_route {\n"
                + "  if (search_body(\"PCMU\") && starts_with(\"$ci\", \"a84b\")) { $avp(r) = \"sdp\"; } else { $avp(r) = \"none\"; }\n"
                + "  if (subst_uri('/example\\.com/example.org/')) { $avp(u) = $ru; }\n"
                + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(m.avps().get("r", 0)).isEqualTo("sdp");
        assertThat(m.avps().get("u", 0)).isEqualTo("sip:+4930123456@example.org;user=phone;transport=udp");
    }

    @Test
    void whatSipwayCannotRunIsRefusedWhenTheScriptLoads() {
        assertThat(h.loadErrors("request_route { append_to_reply(\"X-A: 1\\r\\n\"); }\n")).contains("Sipway does not implement");
        assertThat(h.loadErrors("request_route { replace_hdrs(\"a\", \"b\"); }\n")).contains("Sipway does not implement");
        assertThat(h.loadErrors("request_route { subst_hf(\"From\", \"/a/b/\", \"a\"); }\n")).contains("Sipway does not implement");
    }

    @Test
    void theRewritesLoadAndTheirArgumentsAreCheckedThen() {
        h.load("request_route { replace(\"a\", \"b\"); replace_all(\"a\", \"b\"); search_append(\"a\", \"b\");"
                + " subst('/a/b/g'); insert_hf(\"X-A: 1\\r\\n\"); insert_hf(\"X-A: 1\\r\\n\", \"CSeq\");"
                + " replace_body(\"a\", \"b\"); replace_body_all(\"a\", \"b\"); search_append_body(\"a\", \"b\");"
                + " subst_body('/a/b/'); }\n");
        assertThatThrownBy(() -> h.bind("replace", "a[b", "x"))
                .isInstanceOf(FunctionSpec.BadArgument.class)
                .hasMessageContaining("bad regular expression");
        assertThatThrownBy(() -> h.bind("subst", "/a[b/x/"))
                .isInstanceOf(FunctionSpec.BadArgument.class);
        assertThatThrownBy(() -> h.bind("insert_hf", "X-A: 1\r\n", Arg.dynamic(ctx -> "CSeq", "$var(h)")))
                .isInstanceOf(FunctionSpec.BadArgument.class)
                .hasMessageContaining("the header name must be a constant");
    }

    // ---- the rewrites, one request at a time --------------------------------------------------

    /** The request as the rewrites made so far leave it (before the branch's own edits). */
    private static String rewritten(MsgContext m) {
        return m.textEdits.rewritten().toString();
    }

    @Test
    void aReplacementTakesItsTextAsWrittenAndAnEmptyMatchInserts() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("replace", m, "X-Custom: one", "X-Custom: $fU")).isEqualTo(1);
        assertThat(h.call("replace", m, "^Supported: path\r\n", "")).isEqualTo(1); // a whole line out
        assertThat(h.call("replace", m, "^", "X-Top: 1\r\n")).isEqualTo(1); // ^ matches where the headers begin
        assertThat(rewritten(m))
                .startsWith("INVITE sip:+4930123456@example.com;user=phone;transport=udp SIP/2.0\r\nX-Top: 1\r\nVia: ")
                .contains("Supported: 100rel, timer\r\nX-Custom: $fU\r\nx-custom: two\r\n");
    }

    @Test
    void replaceAllRefusesAnEmptyMatchAndThenChangesNothing() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("replace_all", m, "x*", "y")).isEqualTo(-1);
        assertThat(m.textEdits.isEmpty()).isTrue();
        assertThat(h.call("replace_all", m, "^x-custom: ", "X-Other: ")).isEqualTo(1); // ignoring case, as search does
        assertThat(rewritten(m)).contains("X-Other: one\r\nX-Other: two\r\n");
    }

    @Test
    void substIsCaseSensitiveUnlessToldAndItsGroupsAndVariablesGoIn() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("subst", m, "/^x-custom: (.*)$/X-Seen: \\1/")).isEqualTo(1); // the lower-case one
        assertThat(h.call("subst", m, "/^SUPPORTED: ([0-9a-z]+)/Supported: \\1, $fU/i")).isEqualTo(1); // the first only
        assertThat(h.call("subst", m, "/^Subject/x/")).isEqualTo(-1);
        assertThat(rewritten(m)).contains("Supported: 100rel, alice, timer\r\nSupported: path\r\nX-Custom: one\r\nX-Seen: two\r\n");
    }

    @Test
    void anInsertionMayTouchAReplacementButNotGoInsideIt() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("replace", m, "X-Custom: one", "X-Custom: 1")).isEqualTo(1);
        // before the first X-Custom, found by name in any case: where the replacement starts, so before it
        assertThat(h.call("insert_hf", m, "X-New: 0\r\n", "x-custom")).isEqualTo(1);
        assertThat(h.call("search_append", m, "X-Custom: one", ";after")).isEqualTo(1); // where it ends
        assertThat(h.call("search_append", m, "X-Cus", "z")).isEqualTo(-1); // inside it
        assertThat(h.call("insert_hf", m, "X-Id: 1\r\n", "i")).isEqualTo(1); // a compact name finds Call-ID
        assertThat(rewritten(m))
                .contains("X-New: 0\r\nX-Custom: 1;after\r\nx-custom: two\r\n")
                .contains("X-Id: 1\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n");
    }

    @Test
    void insertHfTakesPseudoVariablesAndNeedsSomethingToInsert() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("insert_hf", m, "")).isEqualTo(-1); // "nothing to add"
        assertThat(h.call("insert_hf", m, "X-From: $fU\r\n")).isEqualTo(1);
        assertThat(rewritten(m)).contains("SIP/2.0\r\nX-From: alice\r\nVia: ");
    }

    @Test
    void aBodyRewriteNeedsABodyAndKeepsContentLengthRight() {
        MsgContext none = h.msg("options-proxy.sip");
        assertThat(h.call("replace_body", none, ".", "x")).isEqualTo(-1);
        assertThat(h.call("search_append_body", none, ".", "x")).isEqualTo(-1);
        assertThat(h.call("subst_body", none, "/./x/")).isEqualTo(-1);

        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("replace_body", m, "^Content-Type", "x")).isEqualTo(-1); // the body only
        assertThat(h.call("replace_body_all", m, "192\\.0\\.2\\.10", "203.0.113.200")).isEqualTo(1);
        assertThat(h.call("subst_body", m, "/^(a=rtpmap:0 PCMU\\/8000)/\\1\\r\\na=ptime:20/")).isEqualTo(1);
        SipMessage out = m.textEdits.rewritten();
        assertThat(out.contentLength()).isEqualTo(134 + 3 + 3 + 12).isEqualTo(out.bodyLength());
        assertThat(new String(out.body(), StandardCharsets.UTF_8))
                .contains("c=IN IP4 203.0.113.200\r\n")
                .endsWith("a=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n");
    }

    @Test
    void offsetsAreBytesAndAnExpressionMatchesBytes() {
        String text = ModuleHarness.resource("invite-sdp.sip").replace("X-Custom: one", "X-Custom: café crème")
                .replace("a=rtpmap:0 PCMU/8000", "i=Café Crème").replace("Content-Length: 134", "Content-Length: 128");
        MsgContext m = h.parse(text);
        assertThat(h.call("replace", m, "café", "thé")).isEqualTo(1);
        assertThat(h.call("subst_body", m, "/[èé]/e/g")).isEqualTo(1); // glibc in the C locale: é is two bytes, each one matches
        SipMessage out = m.textEdits.rewritten();
        assertThat(out.toString()).contains("X-Custom: thé crème\r\n").endsWith("i=Cafee Creeme\r\n");
        assertThat(out.contentLength()).isEqualTo(m.msg.bodyLength()).isEqualTo(out.bodyLength());
    }

    @Test
    void onAReplyTheRewritesDoNothing() {
        MsgContext reply = h.msg("ringing-rr.sip");
        assertThat(h.call("replace", reply, "SIP", "x")).isEqualTo(-1);
        assertThat(h.call("insert_hf", reply, "X-A: 1\r\n")).isEqualTo(-1);
        assertThat(reply.textEdits).isNull();
    }

    // ---- the rewrites on the wire --------------------------------------------------------------

    private void startProxy() throws Exception {
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/textops-5200.cfg"), work), Map.of(), List.of());
        caller = socket(5201);
        nextHop = socket(5202);
        failover = socket(5203);
    }

    private DatagramSocket socket(int port) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(port)));
        s.setSoTimeout(3000);
        return s;
    }

    /** The caller sends messages/textops-invite.sip with this Request-URI user (the case the script runs). */
    private void send(String user) throws IOException {
        byte[] b = ports.apply(ModuleHarness.resource("textops-invite.sip").replace("USER", user)).getBytes(StandardCharsets.UTF_8);
        caller.send(new DatagramPacket(b, b.length, proxyAt));
    }

    /** Starts the proxy, sends the INVITE of a case and returns what the next hop receives. */
    private String relayed(String user) throws Exception {
        startProxy();
        send(user);
        return receive(nextHop);
    }

    private static String receive(DatagramSocket s) throws IOException {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.UTF_8);
    }

    /**
     * A message as the test writes it (LF line ends, {@code BRANCH} for the branch of the proxy's
     * Via, which the test cannot know, and the fixed ports) made into what the wire carries, given what came.
     */
    private String expected(String text, String received) {
        String branch = SipParser.parse(received.getBytes(StandardCharsets.UTF_8)).topVia().branch();
        return ports.apply(text).replace("\n", "\r\n").replace("BRANCH", branch);
    }

    @Test
    void replaceChangesTheFirstMatchAfterTheStartLineAndItsResultDrivesTheScript() throws Exception {
        String got = relayed("replace");
        assertThat(got).isEqualTo(expected("""
                INVITE sip:replace@127.0.0.1:5200 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:5200;branch=BRANCH
                Via: SIP/2.0/UDP 127.0.0.1:5201;received=127.0.0.1;branch=z9hG4bK-replace;rport=5201
                Max-Forwards: 69
                From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
                To: <sip:replaced@example.com>
                Call-ID: replace-a84b4c76e66710@atlanta.example.com
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:5201>
                Subject: lunch at noon
                Content-Type: application/sdp
                Content-Length: 134
                X-Replace: 1
                X-Missing: -1

                """ + SDP, got));
    }

    @Test
    void replaceAllAndSubstRewriteHeadersAndBodyAndContentLengthFollows() throws Exception {
        String got = relayed("subst");
        assertThat(got).isEqualTo(expected("""
                INVITE sip:subst@127.0.0.1:5200 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:5200;branch=BRANCH
                Via: SIP/2.0/UDP 127.0.0.1:5201;received=127.0.0.1;branch=z9hG4bK-subst;rport=5201
                Max-Forwards: 69
                From: Alice <sip:ALICE@atlanta.example.com>;tag=1928301774
                To: <sip:subst@example.com>
                Call-ID: subst-a84b4c76e66710@atlanta.example.com
                CSeq: 1 INVITE
                Contact: <sip:ALICE@127.0.0.1:5201>
                Subject: noon lunch for alice
                Content-Type: application/sdp
                Content-Length: 138

                v=0
                o=alice 2890844526 2890844526 IN IP4 198.51.100.7
                s=-
                c=IN IP4 198.51.100.7
                t=0 0
                m=audio 49170 RTP/AVP 0
                a=rtpmap:0 PCMU/8000
                """, got));
    }

    @Test
    void insertHfGoesBeforeAndAppendHfAfterTheNamedHeaderAndSearchAppendAfterTheMatch() throws Exception {
        String got = relayed("insert");
        // two insertions at one place (after Call-ID, before CSeq) keep the order of the calls, as Kamailio's lumps
        // the proxy's Via goes before the first Via, so after what insert_hf put on top
        assertThat(got).isEqualTo(expected("""
                INVITE sip:insert@127.0.0.1:5200 SIP/2.0
                X-First: insert
                X-Nowhere: 1
                Via: SIP/2.0/UDP 127.0.0.1:5200;branch=BRANCH
                Via: SIP/2.0/UDP 127.0.0.1:5201;received=127.0.0.1;branch=z9hG4bK-insert;rport=5201
                Max-Forwards: 69
                From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
                To: <sip:insert@example.com>
                Call-ID: insert-a84b4c76e66710@atlanta.example.com
                X-Before-CSeq: 1
                X-After-Call-ID: 1
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:5201>
                Subject: lunch (bring a friend) at noon
                Content-Type: application/sdp
                Content-Length: 134
                X-Last: 1

                """ + SDP, got));
    }

    @Test
    void everyRewriteSearchesTheRequestAsReceivedAndAnOverlapIsRefused() throws Exception {
        String got = relayed("original");
        assertThat(got).isEqualTo(expected("""
                INVITE sip:original@127.0.0.1:5200 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:5200;branch=BRANCH
                Via: SIP/2.0/UDP 127.0.0.1:5201;received=127.0.0.1;branch=z9hG4bK-original;rport=5201
                Max-Forwards: 69
                From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
                To: <sip:original@example.com>
                Call-ID: original-a84b4c76e66710@atlanta.example.com
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:5201>
                Subject: dinner at eight, not noon
                Content-Type: application/sdp
                Content-Length: 134
                X-Append: 1
                X-Second: -1

                """ + SDP, got));
    }

    @Test
    void theHeaderEditsApplyOnTopOfTheRewrites() throws Exception {
        String got = relayed("headers");
        // record_route, remove_hf, append_hf and the Max-Forwards decrement, with a rewritten Contact and body
        assertThat(got).isEqualTo(expected("""
                INVITE sip:headers@127.0.0.1:5200 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:5200;branch=BRANCH
                Via: SIP/2.0/UDP 127.0.0.1:5201;received=127.0.0.1;branch=z9hG4bK-headers;rport=5201
                Record-Route: <sip:127.0.0.1:5200;lr;ftag=1928301774>
                Max-Forwards: 69
                From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
                To: <sip:headers@example.com>
                Call-ID: headers-a84b4c76e66710@atlanta.example.com
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:5201;ob>
                Content-Type: application/sdp
                Content-Length: 146
                X-Appended: alice

                v=0
                o=alice 2890844526 2890844526 IN IP4 192.0.2.10
                s=-
                c=IN IP4 192.0.2.10
                t=0 0
                m=audio 49170 RTP/AVP 0
                a=rtpmap:0 PCMU/8000
                a=sendrecv
                """, got));
    }

    @Test
    void failureRouteStartsFromTheRewritesOfRequestRouteAndAddsItsOwn() throws Exception {
        startProxy();
        send("failover");
        String first = receive(nextHop);
        assertThat(first).contains("\r\nSubject: brunch at noon\r\n").doesNotContain("X-Failover");
        SipMessage inv = SipParser.parse(first.getBytes(StandardCharsets.UTF_8));
        StringBuilder busy = new StringBuilder("SIP/2.0 486 Busy Here\r\n");
        for (String v : inv.headers("Via")) {
            busy.append("Via: ").append(v).append("\r\n");
        }
        busy.append("From: ").append(inv.header("From")).append("\r\n")
                .append("To: ").append(inv.header("To")).append(";tag=busy\r\n")
                .append("Call-ID: ").append(inv.callId()).append("\r\n")
                .append("CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        byte[] b = busy.toString().getBytes(StandardCharsets.UTF_8);
        nextHop.send(new DatagramPacket(b, b.length, proxyAt));

        String second = receive(failover);
        assertThat(second).isEqualTo(expected("""
                INVITE sip:failover@127.0.0.1:5200 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:5200;branch=BRANCH
                Via: SIP/2.0/UDP 127.0.0.1:5201;received=127.0.0.1;branch=z9hG4bK-failover;rport=5201
                Max-Forwards: 69
                From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
                To: <sip:failover@example.com>
                Call-ID: failover-a84b4c76e66710@atlanta.example.com
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:5201>
                X-Failover: 1
                Subject: brunch at noon
                Content-Type: application/sdp
                Content-Length: 134

                """ + SDP, second));
    }
}
