package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which server transaction a request belongs to: RFC 3261 17.2.3 with Kamailio's t_lookup.c
 * (branch, sent-by, transport and method within the Call-ID and CSeq number's bucket; the RFC 2543
 * rule for branches without the magic cookie).
 */
@DisplayName("transaction matching")
class TransactionMatchingTest {
    private static final String VIA = "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-shared";

    /** A request with every field a test may vary. */
    private static SipMessage request(String method, String via, String callId, long cseq, String fromTag, String to, String ruri) {
        return TmFixture.parse(method + " " + ruri + " SIP/2.0\r\nVia: " + via + "\r\nMax-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=" + fromTag + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\nContent-Length: 0\r\n\r\n");
    }

    private static SipMessage request(String method, String via, String callId, long cseq) {
        return request(method, via, callId, cseq, "alice", "<sip:bob@example.com>", "sip:bob@example.com");
    }

    private static ServerTransaction create(TmFixture f, SipMessage req) {
        return f.tm.create(req, TmFixture.fromCaller(Protocol.UDP), Destination.to(Protocol.UDP, CALLER));
    }

    /** Answers {@code st} with {@code code}; returns how many messages the caller has had. */
    private static int answer(TmFixture f, ServerTransaction st, int code) {
        f.tm.reply(st, code, "Busy Here");
        return f.wire.sent.size();
    }

    @Test
    @DisplayName("a request reusing another's branch and sent-by with its own Call-ID and CSeq is a transaction of its own")
    void sameBranchOtherCallIdAndCSeq() {
        TmFixture f = new TmFixture();
        ServerTransaction first = create(f, request("MESSAGE", VIA, "one@caller", 1));
        int sent = answer(f, first, 486);

        SipMessage other = request("MESSAGE", VIA, "two@caller", 7);
        assertThat(f.tm.check(other, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.NOT_FOUND);
        assertThat(f.wire.sent).as("no cached reply of the first one").hasSize(sent);
        ServerTransaction second = create(f, other);
        assertThat(second).isNotNull().isNotSameAs(first);
        assertThat(f.tm.inUse()).isEqualTo(2);

        assertThat(create(f, request("MESSAGE", VIA, "one@caller", 2))).as("another CSeq alone").isNotNull();
        assertThat(create(f, request("MESSAGE", VIA, "three@caller", 1))).as("another Call-ID alone").isNotNull();
    }

    @Test
    @DisplayName("the same branch from another sent-by, or over another transport, is another transaction")
    void sameBranchOtherSentBy() {
        TmFixture f = new TmFixture();
        create(f, request("MESSAGE", VIA, "one@caller", 1));
        assertThat(create(f, request("MESSAGE", "SIP/2.0/UDP 198.51.100.1:5070;branch=z9hG4bK-shared", "one@caller", 1))).isNotNull();
        assertThat(create(f, request("MESSAGE", "SIP/2.0/UDP 198.51.100.9:5060;branch=z9hG4bK-shared", "one@caller", 1))).isNotNull();
        assertThat(create(f, request("MESSAGE", "SIP/2.0/TCP 198.51.100.1:5060;branch=z9hG4bK-shared", "one@caller", 1))).isNotNull();
        assertThat(f.tm.inUse()).isEqualTo(4);
    }

    @Test
    @DisplayName("a retransmission matches (a Via without port is 5060) and gets the last reply again")
    void retransmissionMatches() {
        TmFixture f = new TmFixture();
        ServerTransaction st = create(f, request("MESSAGE", "SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK-shared", "one@caller", 1));
        int sent = answer(f, st, 486);
        SipMessage again = request("MESSAGE", VIA, "one@caller", 1);
        assertThat(f.tm.check(again, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.RETRANSMISSION);
        assertThat(f.wire.sent).hasSize(sent + 1);
        assertThat(f.wire.sent.get(sent).text()).startsWith("SIP/2.0 486 ");
        assertThat(create(f, again)).isNull();
    }

    @Test
    @DisplayName("17.2.3: the ACK of a negative reply and a CANCEL find the INVITE; with another CSeq number or Call-ID they do not")
    void ackAndCancelFindTheirInvite() {
        TmFixture f = new TmFixture();
        ServerTransaction invite = create(f, request("INVITE", VIA, "one@caller", 5));
        assertThat(f.tm.inviteFor(request("CANCEL", VIA, "one@caller", 5))).isSameAs(invite);
        assertThat(f.tm.inviteFor(request("CANCEL", VIA, "one@caller", 6))).isNull();
        assertThat(f.tm.inviteFor(request("CANCEL", VIA, "two@caller", 5))).isNull();
        assertThat(f.tm.check(request("CANCEL", VIA, "one@caller", 5), TmFixture.fromCaller(Protocol.UDP)))
                .isEqualTo(TransactionLayer.Check.FOUND_FOR_CANCEL);

        answer(f, invite, 486);
        SipMessage strayAck = request("ACK", VIA, "two@caller", 5, "alice", "<sip:bob@example.com>;tag=x", "sip:bob@example.com");
        assertThat(f.tm.check(strayAck, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.NOT_FOUND);
        assertThat(invite.state()).isEqualTo(ServerState.COMPLETED);
        SipMessage ack = request("ACK", VIA, "one@caller", 5, "alice", "<sip:bob@example.com>;tag=x", "sip:bob@example.com");
        assertThat(f.tm.check(ack, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.ACK_ABSORBED);
        assertThat(invite.state()).isEqualTo(ServerState.CONFIRMED);
    }

    @Test
    @DisplayName("RFC 2543 branches: R-URI, From, To, Call-ID, CSeq number and top Via decide; ACK and CANCEL match on the To URI")
    void rfc2543Matching() {
        TmFixture f = new TmFixture();
        String via = "SIP/2.0/UDP 198.51.100.1:5060;branch=old-style-1";
        String to = "<sip:bob@example.com>";
        ServerTransaction invite = create(f, request("INVITE", via, "old@caller", 1, "alice", to, "sip:bob@example.com"));
        assertThat(create(f, request("INVITE", via, "old@caller", 1, "alice", to, "sip:bob@example.com"))).as("a retransmission").isNull();
        assertThat(create(f, request("INVITE", via, "old@caller", 1, "other", to, "sip:bob@example.com"))).as("another From tag").isNotNull();
        assertThat(create(f, request("INVITE", via, "old@caller", 1, "alice", to, "sip:carol@example.com"))).as("another R-URI").isNotNull();
        assertThat(create(f, request("INVITE", via + ";x=1", "old@caller", 1, "alice", to, "sip:bob@example.com"))).as("another top Via").isNotNull();
        assertThat(f.tm.inviteFor(request("CANCEL", via, "old@caller", 1, "alice", to, "sip:bob@example.com"))).isSameAs(invite);

        answer(f, invite, 486);
        SipMessage ack = request("ACK", via, "old@caller", 1, "alice", to + ";tag=ours", "sip:bob@example.com");
        assertThat(f.tm.check(ack, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.ACK_ABSORBED);

        ServerTransaction message = create(f, request("MESSAGE", via, "old@caller", 2, "alice", to + ";tag=a", "sip:bob@example.com"));
        assertThat(message).isNotNull();
        assertThat(create(f, request("MESSAGE", via, "old@caller", 2, "alice", to + ";tag=b", "sip:bob@example.com")))
                .as("another To tag, for anything but the INVITE family").isNotNull();
    }

    @Test
    @DisplayName("a branch that is only the magic cookie is matched the RFC 2543 way")
    void cookieAloneIsOldStyle() {
        TmFixture f = new TmFixture();
        String via = "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK";
        create(f, request("MESSAGE", via, "one@caller", 1, "alice", "<sip:bob@example.com>", "sip:bob@example.com"));
        assertThat(create(f, request("MESSAGE", via, "one@caller", 1, "alice", "<sip:bob@example.com>", "sip:carol@example.com")))
                .as("RFC 3261 matching would take it for a retransmission; the R-URI tells them apart").isNotNull();
    }
}
