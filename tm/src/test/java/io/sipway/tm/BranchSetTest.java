package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLEE2;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * t_relay's leg as tm takes it: branches whose next hop is known now leave at once; a hop DNS has
 * not answered yet is waited for without blocking, and tm then answers itself when nothing could
 * leave; the codes and reasons are Kamailio's (E_CFG 500, 478, 477).
 */
@DisplayName("a t_relay leg")
class BranchSetTest {
    private static Promise<Destination> hop() {
        return ImmediateEventExecutor.INSTANCE.newPromise();
    }

    private static BranchSet.Branch branch(ServerTransaction st, Promise<Destination> to, java.net.InetSocketAddress callee) {
        return new BranchSet.Branch(to, d -> TmFixture.target(st, Protocol.UDP, callee).request());
    }

    private static Promise<Destination> known(java.net.InetSocketAddress a) {
        Promise<Destination> p = hop();
        p.setSuccess(Destination.to(Protocol.UDP, a));
        return p;
    }

    @Test
    @DisplayName("with every hop known, the branches leave at once and t_relay returns 1")
    void knownHopsLeaveAtOnce() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        BranchSet.Outcome o = f.tm.relay(st, new BranchSet(List.of(branch(st, known(CALLEE), CALLEE),
                branch(st, known(CALLEE2), CALLEE2)), 0));
        assertThat(o.failed()).isFalse();
        assertThat(o.pending()).isFalse();
        assertThat(o.scriptResult()).isEqualTo(1);
        assertThat(f.wire.to(CALLEE, "INVITE")).hasSize(1);
        assertThat(f.wire.to(CALLEE2, "INVITE")).hasSize(1);
    }

    @Test
    @DisplayName("no hop resolves: 478 Unresolvable destination, for the script to answer when it ends (-478)")
    void unresolvableIs478() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        Promise<Destination> none = hop();
        none.setSuccess(null);
        BranchSet.Outcome o = f.tm.relay(st, new BranchSet(List.of(branch(st, none, CALLEE)), 0));
        assertThat(o.code()).isEqualTo(478);
        assertThat(o.reason()).isEqualTo("Unresolvable destination (478/SL)");
        assertThat(o.scriptResult()).isEqualTo(-478);
        assertThat(f.wire.to(CALLER, "478")).isEmpty(); // the script's to answer (Kamailio's delayed reply)
    }

    @Test
    @DisplayName("branch_route dropped every branch: E_CFG, 500 I'm terribly sorry (-6)")
    void everyBranchDroppedIs500() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        BranchSet.Outcome o = f.tm.relay(st, new BranchSet(List.of(), 2));
        assertThat(o.code()).isEqualTo(500);
        assertThat(o.reason()).isEqualTo("I'm terribly sorry, server error occurred (6/TM)");
        assertThat(o.scriptResult()).isEqualTo(-6);
    }

    @Test
    @DisplayName("a hop DNS has not answered: pending, the branch leaves when it answers")
    void pendingHopLeavesWhenResolved() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        Promise<Destination> later = hop();
        BranchSet.Outcome o = f.tm.relay(st, new BranchSet(List.of(branch(st, known(CALLEE), CALLEE),
                branch(st, later, CALLEE2)), 0));
        assertThat(o.pending()).isTrue();
        assertThat(o.scriptResult()).isEqualTo(1);
        assertThat(f.wire.to(CALLEE, "INVITE")).isEmpty(); // the leg leaves whole, once every hop is known
        later.setSuccess(Destination.to(Protocol.UDP, CALLEE2));
        assertThat(f.wire.to(CALLEE, "INVITE")).hasSize(1);
        assertThat(f.wire.to(CALLEE2, "INVITE")).hasSize(1);
    }

    @Test
    @DisplayName("a pending hop that does not resolve: tm answers 478 itself")
    void pendingUnresolvableIsAnsweredByTm() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        Promise<Destination> later = hop();
        assertThat(f.tm.relay(st, new BranchSet(List.of(branch(st, later, CALLEE)), 0)).pending()).isTrue();
        later.setFailure(new java.net.UnknownHostException("callee.example.com: NXDOMAIN"));
        assertThat(f.wire.to(CALLER, "478")).hasSize(1);
        assertThat(f.wire.to(CALLER, "478").get(0).firstLine()).isEqualTo("SIP/2.0 478 Unresolvable destination (478/SL)");
    }
}
