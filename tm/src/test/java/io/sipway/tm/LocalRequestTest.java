package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import io.sipway.transport.SendStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requests tm originates (Kamailio's t_uac): RFC 3261 17.1 client transactions with no caller
 * upstream, their replies given to a callback. On virtual time with a recording wire; Kamailio's
 * default timers (T1 500, T2 4000, fr_timer 30 s, wt_timer 5 s).
 */
@DisplayName("a request tm originates")
class LocalRequestTest {
    /** What the callback heard: code and whether tm made the reply itself. */
    private record Heard(int code, boolean local, SipMessage request) {
    }

    private final TmFixture f = new TmFixture();
    private final List<Heard> heard = new ArrayList<>();
    private final LocalReplies callback = (request, code, reply) -> heard.add(new Heard(code, reply == null, request));

    /** The request as a module would write it around tm's Via. */
    private static TransactionLayer.Target target(String method, Protocol p) {
        return new TransactionLayer.Target(Destination.to(p, CALLEE), via -> (method + " sip:gw@192.0.2.20 SIP/2.0\r\nVia: " + via
                + "\r\nTo: <sip:gw@192.0.2.20>\r\nFrom: <sip:dispatcher@localhost>;tag=ds1\r\nCSeq: 10 " + method
                + "\r\nCall-ID: probe-1@192.0.2.1\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The callee answers what tm sent last to it with {@code code}, as received over UDP. */
    private boolean answer(String method, int code) {
        List<FakeWire.Sent> sent = f.wire.to(CALLEE, method);
        SipMessage request = SipParser.parse(sent.get(sent.size() - 1).text().getBytes(StandardCharsets.UTF_8));
        SipMessage reply = SipParser.parse(Replies.build(request, code, "Reason", "gw", null, null));
        return f.tm.onReply(reply, new ReceiveInfo(Protocol.UDP, CALLEE, new SendSocket(Protocol.UDP, FakeWire.US), 0));
    }

    @Test
    @DisplayName("17.1.2.2: a non-INVITE goes again at T1 doubling to T2; without a reply Timer F (fr_timer) ends it with a local 408")
    void nonInviteTimersEAndF() {
        assertThat(f.tm.request(target("OPTIONS", Protocol.UDP), callback)).isTrue();
        assertThat(f.wire.to(CALLEE, "OPTIONS").get(0).text()).as("tm's Via on top").contains("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK");
        f.advanceTo(29_999);
        assertThat(f.wire.times(CALLEE, "OPTIONS"))
                .containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L, 27500L);
        assertThat(heard).isEmpty();
        f.advanceTo(30_000);
        assertThat(heard).extracting(Heard::code, Heard::local).containsExactly(org.assertj.core.groups.Tuple.tuple(408, true));
        assertThat(heard.get(0).request().methodName()).isEqualTo("OPTIONS");
        f.advanceTo(60_000);
        assertThat(f.wire.times(CALLEE, "OPTIONS")).as("nothing after the timeout").hasSize(10);
        assertThat(f.tm.inUse()).as("freed after wt_timer").isZero();
        assertThat(f.tm.stat("tmx:UAC_transactions")).isEqualTo(1);
        assertThat(f.tm.stat("tm:total_local")).isEqualTo(1);
        assertThat(f.tm.stat("tmx:UAS_transactions")).isZero();
        assertThat(f.tm.stat("inuse_transactions")).isZero();
    }

    @Test
    @DisplayName("the reply is matched by tm's branch: provisional and final go to the callback, retransmissions stop")
    void repliesGoToTheCallback() {
        f.tm.request(target("OPTIONS", Protocol.UDP), callback);
        f.advanceTo(600);
        assertThat(answer("OPTIONS", 100)).isTrue();
        f.advanceTo(5_000);
        // armed with 2*T1 before the 100 (due at 1500), then every T2
        assertThat(f.wire.times(CALLEE, "OPTIONS")).containsExactly(0L, 500L, 1500L);
        assertThat(answer("OPTIONS", 200)).isTrue();
        assertThat(heard).extracting(Heard::code).containsExactly(100, 200);
        assertThat(heard.get(1).local()).isFalse();
        assertThat(answer("OPTIONS", 200)).as("a retransmitted final reply is absorbed").isTrue();
        assertThat(heard).hasSize(2);
        f.advanceTo(30_000);
        assertThat(f.wire.times(CALLEE, "OPTIONS")).hasSize(3);
        assertThat(f.tm.inUse()).isZero();
        assertThat(f.wire.sent).as("nothing goes anywhere but to the callee").allMatch(s -> s.to().address().equals(CALLEE));
    }

    @Test
    @DisplayName("17.1.1: an INVITE goes again until a provisional (Timer A); a negative final reply is ACKed by the transaction, again when retransmitted")
    void inviteTimerAAndAck() {
        f.tm.request(target("INVITE", Protocol.UDP), callback);
        f.advanceTo(2_000);
        assertThat(f.wire.times(CALLEE, "INVITE")).containsExactly(0L, 500L, 1500L);
        answer("INVITE", 180);
        f.advanceTo(20_000);
        assertThat(f.wire.times(CALLEE, "INVITE")).as("no retransmission after a provisional").hasSize(3);
        answer("INVITE", 486);
        List<FakeWire.Sent> acks = f.wire.to(CALLEE, "ACK");
        assertThat(acks).hasSize(1);
        String ack = acks.get(0).text();
        String invite = f.wire.to(CALLEE, "INVITE").get(0).text();
        assertThat(ack).startsWith("ACK sip:gw@192.0.2.20 SIP/2.0\r\n").contains("CSeq: 10 ACK").contains(";tag=gw");
        assertThat(SipParser.parse(ack.getBytes(StandardCharsets.UTF_8)).topVia().branch())
                .isEqualTo(SipParser.parse(invite.getBytes(StandardCharsets.UTF_8)).topVia().branch());
        answer("INVITE", 486);
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(2);
        assertThat(heard).extracting(Heard::code).containsExactly(180, 486);
    }

    @Test
    @DisplayName("Timer B: an INVITE without any reply ends at fr_timer with a local 408")
    void inviteTimerB() {
        f.tm.request(target("INVITE", Protocol.UDP), callback);
        f.advanceTo(30_000);
        // Timer A capped at T2 (Kamailio)
        assertThat(f.wire.times(CALLEE, "INVITE")).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L, 27500L);
        assertThat(heard).extracting(Heard::code, Heard::local).containsExactly(org.assertj.core.groups.Tuple.tuple(408, true));
        assertThat(f.wire.to(CALLEE, "CANCEL")).as("a branch that never rang is not canceled").isEmpty();
    }

    @Test
    @DisplayName("every 2xx to an INVITE goes to the callback, for the caller to ACK (RFC 6026)")
    void every2xx() {
        f.tm.request(target("INVITE", Protocol.UDP), callback);
        answer("INVITE", 200);
        answer("INVITE", 200);
        assertThat(heard).extracting(Heard::code).containsExactly(200, 200);
        assertThat(f.wire.to(CALLEE, "ACK")).isEmpty();
    }

    @Test
    @DisplayName("over TCP there is no retransmission; a request that cannot leave ends with a local 477")
    void tcpAndSendFailure() {
        f.tm.request(target("OPTIONS", Protocol.TCP), callback);
        f.advanceTo(10_000);
        assertThat(f.wire.times(CALLEE, "OPTIONS")).containsExactly(0L);
        f.wire.status = SendStatus.NO_SOCKET;
        assertThat(f.tm.request(target("OPTIONS", Protocol.UDP), callback)).isTrue();
        assertThat(heard).extracting(Heard::code, Heard::local).containsExactly(org.assertj.core.groups.Tuple.tuple(477, true));
        assertThat(f.tm.inUse()).as("the failed one is freed at once").isEqualTo(1);
    }

    @Test
    @DisplayName("a request tm originates counts against tm's memory budget: at the budget it is refused")
    void budget() {
        f.tm.limit(1);
        assertThat(f.tm.request(target("OPTIONS", Protocol.UDP), callback)).isTrue();
        assertThat(f.tm.full()).isTrue();
        assertThat(f.tm.request(target("OPTIONS", Protocol.UDP), callback)).isFalse();
        answer("OPTIONS", 200);
        f.advanceTo(6_000);
        assertThat(f.tm.full()).as("given back when freed").isFalse();
        assertThat(f.tm.request(target("OPTIONS", Protocol.UDP), callback)).isTrue();
    }

    @Test
    @DisplayName("a request of ours that comes back to us is a new request, not a retransmission of ours")
    void notMatchedAsReceived() {
        f.tm.request(target("OPTIONS", Protocol.UDP), callback);
        SipMessage looped = SipParser.parse(f.wire.to(CALLEE, "OPTIONS").get(0).text().getBytes(StandardCharsets.UTF_8));
        assertThat(f.tm.check(looped, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.NOT_FOUND);
    }
}
