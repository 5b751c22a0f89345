package io.sipway.proxy.module.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.log.LogCapture;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import io.sipway.sip.SipMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dialog module on a real proxy on loopback (src/test/resources/dialog/calls.cfg) with a caller
 * and a callee of the test's own: a call is tracked from its INVITE to its BYE ($dlg and
 * is_known_dlg in the requests inside it, dlg.list), a timeout ends a call with a BYE to each side,
 * profiles count the calls and drop to 0 when they end, dlg.terminate_dlg ends a call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DialogCallTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern X_DLG = Pattern.compile("(\\d+):(\\d+) state=(\\d) callid=(\\S+) ftag=(\\S+) ttag=(\\S+) who=(\\S+) lifetime=(\\d+)");

    @TempDir
    Path work;

    private Proxy proxy;
    private int proxyPort;
    private Ua alice;
    private Ua bob;
    private LogCapture xlog;

    @BeforeEach
    void start() throws Exception {
        xlog = new LogCapture("xlog");
        MovedPorts ports = MovedPorts.of(5096);
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/dialog/calls.cfg").toAbsolutePath(), work), Map.of(), List.of());
        proxyPort = ports.get(5096);
        alice = new Ua("alice");
        bob = new Ua("bob");
    }

    @AfterEach
    void stop() {
        xlog.close();
        alice.close();
        bob.close();
        proxy.close();
    }

    private Object rpc(String name, Object... params) throws RpcExport.RpcException {
        for (ModuleExports t : proxy.tables()) {
            RpcExport r = t.rpcs().get(name);
            if (r != null) {
                return r.handler().call(List.of(params));
            }
        }
        throw new IllegalArgumentException("no RPC " + name);
    }

    /** The script's answer to an OPTIONS from alice: "calls=N mine=M". */
    private String counts() {
        alice.send("OPTIONS sip:count@127.0.0.1:" + proxyPort + " SIP/2.0\r\n" + alice.via() + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=o" + System.nanoTime() + "\r\nTo: <sip:count@127.0.0.1>\r\n"
                + "Call-ID: count-" + System.nanoTime() + "@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", proxyPort);
        return alice.finalReply(WAIT).reasonPhrase();
    }

    private String countsOnceSettled(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        String got = counts();
        while (!got.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            got = counts();
        }
        return got;
    }

    /** A call set up through the proxy: INVITE, 180, 200, ACK; returns the caller's side and the ACK bob received. */
    private SipMessage[] connect(Ua.Call call, String calleeTag) {
        call.start();
        SipMessage invite = bob.request("INVITE", WAIT);
        bob.answer(invite, 180, "Ringing", calleeTag, proxyPort);
        bob.answer(invite, 200, "OK", calleeTag, proxyPort);
        SipMessage ok = call.caller.finalReply(WAIT);
        assertThat(ok.statusCode()).isEqualTo(200);
        call.answered(ok);
        call.ack();
        SipMessage ack = bob.request("ACK", WAIT);
        return new SipMessage[] {invite, ack};
    }

    @Test
    void aCallIsTrackedFromItsInviteToItsBye() throws Exception {
        Ua.Call call = new Ua.Call(alice, proxyPort, "bob", bob.port, "call-1@test");
        SipMessage[] setup = connect(call, "bob-tag");
        assertThat(setup[0].header("Record-Route")).as("dlg_manage put the dialog's id in our Record-Route").containsPattern(";did=[0-9a-f]+\\.[0-9a-f]+");

        // the ACK found its dialog by the did of our Route: confirmed (4), with the values of the call
        Matcher ack = X_DLG.matcher(String.valueOf(setup[1].header("X-Dlg")));
        assertThat(ack.matches()).as(setup[1].toString()).isTrue();
        assertThat(ack.group(3)).isEqualTo("4");
        assertThat(ack.group(4)).isEqualTo("call-1@test");
        assertThat(ack.group(5)).isEqualTo(call.fromTag);
        assertThat(ack.group(6)).isEqualTo("bob-tag");
        assertThat(ack.group(7)).isEqualTo("alice");
        assertThat(ack.group(8)).isEqualTo("60");
        assertThat(setup[1].header("X-Dlg-Status")).isEqualTo("4 active=1");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> dialogs = (List<Map<String, Object>>) rpc("dlg.list");
        assertThat(dialogs).hasSize(1);
        Map<String, Object> d = dialogs.get(0);
        assertThat(d).containsEntry("call-id", "call-1@test").containsEntry("state", 4L)
                .containsEntry("h_entry", Long.parseLong(ack.group(1))).containsEntry("h_id", Long.parseLong(ack.group(2)))
                .containsEntry("from_uri", "sip:alice@127.0.0.1").containsEntry("to_uri", "sip:bob@127.0.0.1")
                .containsEntry("lifetime", 60L);
        assertThat(d.get("profiles")).isEqualTo(List.of("calls", Map.of("caller", "alice")));
        assertThat(d.get("variables")).isEqualTo(List.of(Map.of("who", "alice")));
        @SuppressWarnings("unchecked")
        Map<String, Object> callee = (Map<String, Object>) d.get("callee");
        assertThat(callee).containsEntry("tag", "bob-tag").containsEntry("contact", "sip:bob@127.0.0.1:" + bob.port);
        assertThat(counts()).isEqualTo("calls=1 mine=1");

        // the BYE ends it: the callee sees it deleted (5) and the profiles drop to 0 once it is freed
        call.bye();
        SipMessage bye = bob.request("BYE", WAIT);
        Matcher b = X_DLG.matcher(String.valueOf(bye.header("X-Dlg")));
        assertThat(b.matches()).as(bye.toString()).isTrue();
        assertThat(b.group(3)).isEqualTo("5");
        assertThat(b.group(1) + ":" + b.group(2)).isEqualTo(ack.group(1) + ":" + ack.group(2));
        assertThat(bye.header("X-Dlg-Status")).isEqualTo("5 active=0");
        bob.answer(bye, 200, "OK", null, proxyPort);
        assertThat(alice.finalReply(WAIT).statusCode()).isEqualTo(200);
        assertThat(countsOnceSettled("calls=0 mine=0")).isEqualTo("calls=0 mine=0");
        assertThat((List<?>) rpc("dlg.list")).isEmpty();
        // the event routes ran on the 200 (confirmed, ACK pending: 3) and on the BYE (deleted: 5)
        assertThat(xlog.lines()).containsExactly("INFO: <script>: dialog:start call-1@test state=3\n",
                "INFO: <script>: dialog:end call-1@test state=5\n");
    }

    @Test
    void aRejectedCallFailsAndLeavesItsProfiles() throws Exception {
        Ua.Call call = new Ua.Call(alice, proxyPort, "bob", bob.port, "call-5@test");
        call.start();
        SipMessage invite = bob.request("INVITE", WAIT);
        bob.answer(invite, 180, "Ringing", "busy-tag", proxyPort);
        assertThat(counts()).isEqualTo("calls=1 mine=1");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> early = (List<Map<String, Object>>) rpc("dlg.list");
        assertThat(early).singleElement().satisfies(d -> assertThat(d).containsEntry("state", 2L));
        bob.answer(invite, 486, "Busy Here", "busy-tag", proxyPort);
        assertThat(alice.finalReply(WAIT).statusCode()).isEqualTo(486);
        assertThat(xlog.await(l -> l.contains("dialog:failed"), WAIT)).isEqualTo("INFO: <script>: dialog:failed call-5@test state=5\n");
        assertThat(countsOnceSettled("calls=0 mine=0")).isEqualTo("calls=0 mine=0");
        assertThat((List<?>) rpc("dlg.list")).isEmpty();
    }

    @Test
    void terminatingAnEarlyDialogAnswersTheCallerAndCancelsTheCallee() throws Exception {
        Ua.Call call = new Ua.Call(alice, proxyPort, "bob", bob.port, "call-8@test");
        call.start();
        SipMessage invite = bob.request("INVITE", WAIT);
        bob.answer(invite, 180, "Ringing", "t8", proxyPort);
        assertThat(alice.next(WAIT).statusCode()).as("the caller hears the ringing").isBetween(100, 199);
        assertThat(rpc("dlg.terminate_dlg", "call-8@test", call.fromTag, "t8")).isNull();
        SipMessage fin = alice.finalReply(WAIT);
        assertThat(fin.statusCode() + " " + fin.reasonPhrase()).isEqualTo("480 Temporarily Unavailable");
        SipMessage cancel = bob.request("CANCEL", WAIT);
        assertThat(cancel.callId()).isEqualTo("call-8@test");
        bob.answer(cancel, 200, "OK", null, proxyPort);
        bob.answer(invite, 487, "Request Terminated", "t8", proxyPort);
        assertThat(countsOnceSettled("calls=0 mine=0")).isEqualTo("calls=0 mine=0");
    }

    @Test
    void aTimeoutEndsTheCallWithAByeToEachSide() throws Exception {
        Ua.Call call = new Ua.Call(alice, proxyPort, "short", bob.port, "call-2@test");
        connect(call, "short-tag");
        assertThat(counts()).isEqualTo("calls=1 mine=1");

        // dlg_set_timeout("2"): two seconds after the ACK, the proxy sends BYE both ways
        SipMessage toCaller = alice.request("BYE", Duration.ofSeconds(6));
        SipMessage toCallee = bob.request("BYE", Duration.ofSeconds(6));

        assertThat(toCaller.requestUriString()).isEqualTo("sip:alice@127.0.0.1:" + alice.port);
        assertThat(toCaller.callId()).isEqualTo("call-2@test");
        assertThat(toCaller.fromTag()).isEqualTo("short-tag");
        assertThat(toCaller.toTag()).isEqualTo(call.fromTag);
        assertThat(toCaller.from().uriString()).isEqualTo("sip:short@127.0.0.1");
        assertThat(toCaller.to().uriString()).isEqualTo("sip:alice@127.0.0.1");
        // the callee sent no request yet: its CSeq is 0 and the BYE in its name is 1 (Kamailio 5.6.3 sends the same)
        assertThat(toCaller.header("CSeq")).isEqualTo("1 BYE");
        assertThat(toCaller.header("Max-Forwards")).isEqualTo("70");
        assertThat(toCaller.header("X-Reason")).isEqualTo("dialog timeout");

        assertThat(toCallee.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + bob.port);
        assertThat(toCallee.fromTag()).isEqualTo(call.fromTag);
        assertThat(toCallee.toTag()).isEqualTo("short-tag");
        assertThat(toCallee.from().uriString()).isEqualTo("sip:alice@127.0.0.1");
        assertThat(toCallee.header("CSeq")).isEqualTo("11 BYE");
        assertThat(toCallee.header("Route")).as("the callee's route set is empty: our own Record-Route is skipped").isNull();

        alice.answer(toCaller, 200, "OK", null, proxyPort);
        bob.answer(toCallee, 200, "OK", null, proxyPort);
        assertThat(countsOnceSettled("calls=0 mine=0")).isEqualTo("calls=0 mine=0");
        assertThat((List<?>) rpc("dlg.list")).isEmpty();
        // dialog:end ran as the BYEs left, the dialog confirmed until their replies (as Kamailio 5.6.3)
        assertThat(xlog.lines()).containsExactly("INFO: <script>: dialog:start call-2@test state=3\n",
                "INFO: <script>: dialog:end call-2@test state=4\n");
    }

    @Test
    void theByesOfATimeoutFollowEachLegsRouteSet() throws Exception {
        try (Ua upstream = new Ua("p1"); Ua downstream = new Ua("p2")) {
            String p1 = "<sip:127.0.0.1:" + upstream.port + ";lr>";
            String p2 = "<sip:127.0.0.1:" + downstream.port + ";lr>";
            // alice behind proxy p1, bob behind proxy p2: the INVITE carries p1's Record-Route, the 200 p2's on top
            Ua.Call call = new Ua.Call(alice, proxyPort, "short", bob.port, "call-7@test");
            alice.send(call.invite.replace("Contact: ", "Record-Route: " + p1 + "\r\nContact: "), proxyPort);
            SipMessage invite = bob.request("INVITE", WAIT);
            assertThat(invite.headers("Record-Route")).hasSize(2);
            bob.answerWithRecordRoute(invite, 200, "OK", "t7", p2, proxyPort);
            SipMessage ok = alice.finalReply(WAIT);
            call.answered(ok);
            assertThat(call.routes).hasSize(3);
            // p1 took its own Route off: the ACK reaches us with ours and p2's, and goes on to p2
            call.routes = call.routes.subList(1, 3);
            call.ack();
            assertThat(downstream.request("ACK", WAIT).callId()).isEqualTo("call-7@test");

            SipMessage toCaller = upstream.request("BYE", Duration.ofSeconds(6));
            SipMessage toCallee = downstream.request("BYE", Duration.ofSeconds(6));
            assertThat(toCaller.requestUriString()).isEqualTo("sip:alice@127.0.0.1:" + alice.port);
            assertThat(toCaller.header("Route")).isEqualTo(p1);
            assertThat(toCallee.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + bob.port);
            assertThat(toCallee.header("Route")).as("ours skipped, p2's left").isEqualTo(p2);
            upstream.answer(toCaller, 200, "OK", null, proxyPort);
            downstream.answer(toCallee, 200, "OK", null, proxyPort);
            assertThat(countsOnceSettled("calls=0 mine=0")).isEqualTo("calls=0 mine=0");
        }
    }

    @Test
    void endDlgEndsACallByItsHashEntryAndId() throws Exception {
        Ua.Call call = new Ua.Call(alice, proxyPort, "bob", bob.port, "call-6@test");
        connect(call, "t6");
        @SuppressWarnings("unchecked")
        Map<String, Object> d = ((List<Map<String, Object>>) rpc("dlg.list")).get(0);
        assertThat(rpc("dlg.end_dlg", d.get("h_entry"), d.get("h_id"), "X-Why: operator")).isNull();
        SipMessage toCaller = alice.request("BYE", WAIT);
        SipMessage toCallee = bob.request("BYE", WAIT);
        assertThat(toCaller.header("X-Why")).isEqualTo("operator");
        assertThat(toCallee.header("X-Why")).isEqualTo("operator");
        assertThat(toCallee.header("X-Reason")).as("dlg_extra_hdrs first").isEqualTo("dialog timeout");
        alice.answer(toCaller, 200, "OK", null, proxyPort);
        bob.answer(toCallee, 200, "OK", null, proxyPort);
        assertThat(countsOnceSettled("calls=0 mine=0")).isEqualTo("calls=0 mine=0");
        org.junit.jupiter.api.Assertions.assertThrows(RpcExport.RpcException.class, () -> rpc("dlg.end_dlg", 1L, 99999L));
    }

    @Test
    void profilesCountTheCallsAndTerminateDlgEndsOne() throws Exception {
        // "flagged": the dialog is made by dlg_flag when t_relay creates the transaction
        Ua.Call first = new Ua.Call(alice, proxyPort, "flagged", bob.port, "call-3@test");
        connect(first, "t3");
        Ua.Call second = new Ua.Call(alice, proxyPort, "bob", bob.port, "call-4@test");
        connect(second, "t4");
        assertThat(counts()).isEqualTo("calls=2 mine=2");
        assertThat(rpc("dlg.profile_get_size", "caller", "alice")).isEqualTo(Map.of("profile", "caller", "value", "alice", "count", 2L));
        assertThat(rpc("dlg.profile_get_size", "calls")).isEqualTo(Map.of("profile", "calls", "value", "", "count", 2L));

        first.bye();
        SipMessage bye = bob.request("BYE", WAIT);
        assertThat(bye.callId()).isEqualTo("call-3@test");
        assertThat(bye.header("X-Dlg")).contains("state=5").contains("who=alice");
        bob.answer(bye, 200, "OK", null, proxyPort);
        assertThat(alice.finalReply(WAIT).statusCode()).isEqualTo(200);
        assertThat(countsOnceSettled("calls=1 mine=1")).isEqualTo("calls=1 mine=1");

        assertThat(rpc("dlg.terminate_dlg", "call-4@test", second.fromTag, "t4")).isNull();
        SipMessage toCaller = alice.request("BYE", WAIT);
        SipMessage toCallee = bob.request("BYE", WAIT);
        assertThat(toCaller.callId()).isEqualTo("call-4@test");
        assertThat(toCallee.callId()).isEqualTo("call-4@test");
        alice.answer(toCaller, 200, "OK", null, proxyPort);
        bob.answer(toCallee, 200, "OK", null, proxyPort);
        assertThat(countsOnceSettled("calls=0 mine=0")).isEqualTo("calls=0 mine=0");
        org.junit.jupiter.api.Assertions.assertThrows(RpcExport.RpcException.class, () -> rpc("dlg.terminate_dlg", "nope", "a", "b"));
    }
}
