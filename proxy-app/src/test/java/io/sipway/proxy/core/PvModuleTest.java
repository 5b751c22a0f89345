package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.module.pv.PvModule;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** pv: $fn $tn $cT $cl $ct $rb $rv $rz $dd $dp $dP $af $hdrc $Ts $TV, $avp, $xavp, $shv, and pseudo-variables inside format strings. */
class PvModuleTest {
    private final ModuleHarness h = new ModuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void displayNames() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.pv("$fn", m)).isEqualTo("Alice");
        assertThat(h.pv("$tn", m)).isEqualTo("\"Bob B.\""); // as written, quotes kept
        assertThat(h.pv("$fn", h.msg("options-proxy.sip"))).isNull();
    }

    @Test
    void contentTypeLengthContactAndBody() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.pv("$cT", m)).isEqualTo("application/sdp");
        assertThat(h.pv("$cl", m)).isEqualTo((long) m.msg.bodyLength());
        assertThat(h.pv("$ct", m)).isEqualTo("<sip:alice@192.0.2.10:5062;transport=udp>;expires=60");
        assertThat((String) h.pv("$rb", m)).startsWith("v=0\r\n").endsWith("a=rtpmap:0 PCMU/8000\r\n");
        MsgContext o = h.msg("options-proxy.sip");
        assertThat(h.pv("$cT", o)).isNull();
        assertThat(h.pv("$cl", o)).isEqualTo(0L);
        assertThat(h.pv("$ct", o)).isNull();
        assertThat(h.pv("$rb", o)).isEqualTo("");
    }

    @Test
    void versionAndRequestUriScheme() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.pv("$rv", m)).isEqualTo("SIP/2.0");
        assertThat(h.pv("$rv", h.msg("ringing-rr.sip"))).isEqualTo("SIP/2.0");
        assertThat(h.pv("$rz", m)).isEqualTo("sip");
        m.ruri = "sips:bob@example.com";
        assertThat(h.pv("$rz", m)).isEqualTo("sips"); // the current R-URI
        m.ruri = "tel:+4930123456";
        assertThat(h.pv("$rz", m)).isEqualTo("tel");
        assertThat(h.pv("$rz", h.msg("ringing-rr.sip"))).isNull();
    }

    @Test
    void destinationUriParts() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.pv("$dd", m)).isNull();
        assertThat(h.pv("$dp", m)).isNull();
        assertThat(h.pv("$dP", m)).isNull();
        m.du = "sip:198.51.100.7:5070;transport=TCP";
        assertThat(h.pv("$dd", m)).isEqualTo("198.51.100.7");
        assertThat(h.pv("$dp", m)).isEqualTo(5070L);
        assertThat(h.pv("$dP", m)).isEqualTo("TCP"); // as written
        m.du = "sip:edge.example.net";
        assertThat(h.pv("$dp", m)).isEqualTo(5060L);
        assertThat(h.pv("$dP", m)).isEqualTo("udp");
        m.du = "sip:edge.example.net;transport=tls";
        assertThat(h.pv("$dp", m)).isEqualTo(5061L);
    }

    @Test
    void addressFamilyOfTheReceivingSocket() {
        MsgContext m = h.msg("invite-sdp.sip"); // received on 127.0.0.1
        assertThat(h.pv("$af(id)", m)).isEqualTo(2L);
        assertThat(h.pv("$af(name)", m)).isEqualTo("IPv4");
    }

    @Test
    void headerCount() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.pv("$hdrc(Supported)", m)).isEqualTo(2L);
        assertThat(h.pv("$hdrc(k)", m)).isEqualTo(2L); // the compact form names the same header
        assertThat(h.pv("$hdrc(X-Custom)", m)).isEqualTo(2L); // any case
        assertThat(h.pv("$hdrc(Via)", m)).isEqualTo(1L);
        assertThat(h.pv("$hdrc(Route)", m)).isEqualTo(0L);
        assertThat(h.pv("$hdrc(Route)", h.msg("bye-routed.sip"))).isEqualTo(1L); // fields, not values
    }

    @Test
    void timeIsTakenOncePerMessageExceptTheNowVariants() throws InterruptedException {
        MsgContext m = h.msg("invite-sdp.sip");
        long before = Instant.now().getEpochSecond();
        long ts = (Long) h.pv("$Ts", m);
        assertThat(ts).isBetween(before, before + 2);
        long usec = (Long) h.pv("$TV(u)", m);
        assertThat(usec).isBetween(0L, 999_999L);
        Thread.sleep(5);
        assertThat(h.pv("$TV(s)", m)).isEqualTo(ts);
        assertThat(h.pv("$TV(u)", m)).isEqualTo(usec); // cached for the message
        long sn = (Long) h.pv("$TV(sn)", m);
        assertThat(sn).isGreaterThanOrEqualTo(ts);
        assertThat((Long) h.pv("$TV(un)", m)).isBetween(0L, 999_999L);
        assertThat((String) h.pv("$TV(Sn)", m)).matches("[0-9]{10}\\.[0-9]{6}");
    }

    @Test
    void inAScript() {
        CompiledScript s = h.load("request_route {\n"
                + "  $avp(line) = $fn + \" -> \" + $tn + \", \" + $cT + \"/\" + $cl + \", \" + $rz + \", \" + $hdrc(Supported) + \" supported\";\n"
                + "  if ($af(name) == \"IPv4\" && $rv == \"SIP/2.0\") { $avp(ok) = 1; }\n"
                + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(m.avps().get("line", 0)).isEqualTo("Alice -> \"Bob B.\", application/sdp/" + m.msg.bodyLength() + ", sip, 2 supported");
        assertThat(m.avps().get("ok", 0)).isEqualTo(1L);
    }

    @Test
    void xavpAssignmentsFollowThePvModule() {
        CompiledScript s = h.load("request_route {\n"
                + "  $xavp(r=>a) = 1;\n"            // a new item r = {a=1}
                + "  $xavp(r[0]=>b) = \"two\";\n"  // field b added to that item
                + "  $xavp(r=>a) = 3;\n"            // another new item on top: r[0] = {a=3}, r[1] = {b=two, a=1}
                + "  $xavp(r[5]=>c) = 9;\n"         // no item 5: nothing happens
                + "  $xavp(s) = \"x\"; $xavp(s) = \"y\"; $xavp(s[-1]) = \"z\";\n" // s = [y, z]
                + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(h.pv("$xavp(r=>a)", m)).isEqualTo(3L);
        assertThat(h.pv("$xavp(r[0]=>b)", m)).isNull();
        assertThat(h.pv("$xavp(r[1]=>a)", m)).isEqualTo(1L);
        assertThat(h.pv("$xavp(r[1]=>b)", m)).isEqualTo("two");
        assertThat(h.pv("$xavp(r[-1]=>b)", m)).isEqualTo("two"); // -1 is the oldest
        assertThat(h.pv("$xavp(r[2]=>a)", m)).isNull();
        assertThat(h.pv("$xavp(s)", m)).isEqualTo("y");
        assertThat(h.pv("$xavp(s[1])", m)).isEqualTo("z");
    }

    @Test
    void xavpNullAssignmentsRemoveTheNamedItemOrField() {
        CompiledScript s = h.load("request_route {\n"
                + "  $xavp(r=>a) = 1; $xavp(r[0]=>b) = 2; $xavp(r=>a) = 3;\n"
                + "  $xavp(r[1]=>b) = $null;\n" // field b of the older item
                + "  $xavp(s) = 1; $xavp(s) = 2; $xavp(s) = 3;\n"
                + "  $xavp(s) = $null;\n"       // the newest s
                + "  $xavp(t) = 1; $xavp(t) = 2; $xavp(t[*]) = $null;\n" // every t
                + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(h.pv("$xavp(r[1]=>b)", m)).isNull();
        assertThat(h.pv("$xavp(r[1]=>a)", m)).isEqualTo(1L);
        assertThat(h.pv("$xavp(s)", m)).isEqualTo(2L);
        assertThat(h.pv("$xavp(s[1])", m)).isEqualTo(1L);
        assertThat(h.pv("$xavp(t)", m)).isNull();
    }

    @Test
    void aBadXavpNameIsRefusedWhenTheScriptLoads() {
        assertThat(h.loadErrors("request_route { $xavp(r[$var(i)]=>a) = 1; }\n")).contains("xavp index");
        assertThat(h.loadErrors("request_route { $xavp(r[0=>a) = 1; }\n")).contains("bad xavp name");
    }

    @Test
    void avpIsAStackPerNameNewestFirst() {
        CompiledScript s = h.load("request_route {\n"
                + "  $avp(x) = \"old\"; $avp(s:x) = \"new\";\n" // s:x is the same name
                + "  $avp(y) = 1; $avp(y) = 2; $avp(y) = $null;\n" // $null deletes them all
                + "  $(avp(x)[1]) = \"older\";\n"
                + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(h.pv("$avp(x)", m)).isEqualTo("new");
        assertThat(h.pv("$(avp(x)[1])", m)).isEqualTo("older");
        assertThat(h.pv("$avp(y)", m)).isNull();
    }

    @Test
    void formatStringsReadTheLanguagesOwnVariablesAndTransformations() throws Exception {
        CompiledScript s = h.load("request_route {\n"
                + "  $var(n) = 7; $shv(seen) = \"yes\";\n"
                + "  $avp(x) = \"a\"; $avp(x) = \"b\";\n"
                + "  sl_send_reply(\"404\", \"n=$var(n) shv=$shv(seen) rc=$rc user=$(fU{s.toupper}) older=$(avp(x)[1]) none=$xavp(q)\");\n"
                + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(h.reply().reasonPhrase()).isEqualTo("n=7 shv=yes rc=1 user=ALICE older=a none=<null>");
    }

    @Test
    void sharedVariablesAreOnePerNameAcrossMessages() {
        CompiledScript s = h.load("request_route { $shv(count) = $shv(count) + 1; }\n");
        h.core.sharedVariables().init("count=i:10");
        h.run(s, h.msg("invite-sdp.sip"));
        h.run(s, h.msg("options-proxy.sip"));
        assertThat(h.pv("$shv(count)", h.msg("invite-sdp.sip"))).isEqualTo(12L);
    }

    @Test
    void shvsetValuesAreCheckedWhenTheProxyStarts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.core.sharedVariables().init("count=x:1"))
                .hasMessageContaining("type is i or s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.core.sharedVariables().init("count=i:ten"))
                .hasMessageContaining("i: needs a number");
        h.core.sharedVariables().init("label=s:a b");
        assertThat(h.pv("$shv(label)", h.msg("invite-sdp.sip"))).isEqualTo("a b");
    }

    @Test
    void nowAndFormattedTime() {
        MsgContext m = h.msg("invite-sdp.sip");
        long before = Instant.now().getEpochSecond();
        assertThat((Long) h.pv("$TS", m)).isBetween(before, before + 2);
        assertThat((String) h.pv("$Tf", m)).matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}");
        assertThat(PvModule.ctime(0).length()).isEqualTo(24); // "Thu Jan  1 00:00:00 1970" in UTC: ctime's width
        assertThat((String) h.pv("$TF", m)).matches(".* [0-9]{4}");
    }
}
