package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
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
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The production arrangement on real threads: two Netty event loops, {@link LoopTimers}, and
 * replies read on the other loop racing each transaction's fr_timer. Whatever the interleaving, a
 * transaction's reply handling, timers and script hooks run on its own loop, never two at once, and
 * each request gets exactly one final reply.
 */
@DisplayName("on real event loops")
class EventLoopThreadsTest {
    private static final int TRANSACTIONS = 300;

    /** Every message sent, with the thread that sent it. */
    private record Sent(Thread thread, String text) {
    }

    @Test
    @DisplayName("a reply and a timer of the same transaction never run at the same time, and both run on its loop")
    void repliesAndTimersTakeTurns() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(2);
        Queue<Sent> sent = new ConcurrentLinkedQueue<>();
        Wire wire = (to, message) -> {
            sent.add(new Sent(Thread.currentThread(), new String(message, StandardCharsets.UTF_8)));
            return SendStatus.SENT;
        };
        Map<ServerTransaction, AtomicInteger> inside = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        TransactionLayer.Hooks hooks = new TransactionLayer.Hooks() {
            @Override
            public boolean onFailure(ServerTransaction st, Object route, int code) {
                visit(st);
                return false;
            }

            @Override
            public SipMessage onReply(ServerTransaction st, SipMessage reply, ReceiveInfo from) {
                visit(st);
                return reply;
            }

            /** A script route: is it alone in its transaction, on its loop? Stays a moment to let a racer in. */
            private void visit(ServerTransaction st) {
                AtomicInteger n = inside.computeIfAbsent(st, k -> new AtomicInteger());
                if (n.getAndIncrement() != 0) {
                    overlaps.incrementAndGet();
                }
                if (!st.loop().inEventLoop()) {
                    offLoop.incrementAndGet();
                }
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(50);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                n.decrementAndGet();
            }
        };
        TmSettings settings = TmSettings.defaults().with("fr_timer", 15).with("wt_timer", 20);
        TransactionLayer tm = new TransactionLayer(wire, group, new LoopTimers(), settings, hooks);
        try {
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            TmFixture requests = new TmFixture();
            List<ServerTransaction> all = new ArrayList<>();
            for (int i = 0; i < TRANSACTIONS; i++) {
                SipMessage req = requests.request("MESSAGE", Protocol.UDP);
                EventExecutor reader = loops.get(i % 2);
                ServerTransaction st = reader.submit(() -> {
                    ServerTransaction t = tm.create(req, TmFixture.fromCaller(Protocol.UDP), Destination.to(Protocol.UDP, CALLER));
                    t.onReplyRoute = "reply";
                    t.failureRoute = "failure";
                    tm.relay(t, List.of(TmFixture.target(t, Protocol.UDP, CALLEE)));
                    return t;
                }).get(5, TimeUnit.SECONDS);
                assertThat(st.loop()).isSameAs(reader);
                all.add(st);
                ClientBranch b = st.branches.get(0);
                int code = ThreadLocalRandom.current().nextBoolean() ? 200 : 486;
                SipMessage reply = SipParser.parse(Replies.build(b.sent, code, "Reason", "callee", null, null));
                ReceiveInfo from = new ReceiveInfo(Protocol.UDP, CALLEE, new SendSocket(Protocol.UDP, FakeWire.US), 0);
                EventExecutor other = loops.get(0) == st.loop() ? loops.get(1) : loops.get(0);
                // around fr_timer (15 ms): some replies win, some come after the 408
                other.schedule(() -> tm.onReply(reply, from), ThreadLocalRandom.current().nextInt(8, 25), TimeUnit.MILLISECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (tm.inUse() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(tm.inUse()).as("every transaction freed after wt_timer").isZero();
            Thread.sleep(50); // replies scheduled after their transaction went: absorbed as strays
        } finally {
            tm.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }

        assertThat(overlaps).as("script routes of one transaction running at once").hasValue(0);
        assertThat(offLoop).as("script routes off their transaction's loop").hasValue(0);
        Map<String, Integer> finals = new ConcurrentHashMap<>();
        java.util.Set<String> codes = new java.util.HashSet<>();
        for (Sent s : sent) {
            if (s.text().startsWith("SIP/2.0 ") && s.text().charAt(8) >= '2' && s.text().contains("CSeq: 1 MESSAGE")) {
                finals.merge(callId(s.text()), 1, Integer::sum);
                codes.add(s.text().substring(8, 11));
            }
        }
        assertThat(finals).as("one final reply per request").hasSize(TRANSACTIONS).allSatisfy((callId, n) -> assertThat(n).isEqualTo(1));
        assertThat(codes).as("the race went both ways").contains("408").containsAnyOf("200", "486");
        for (Sent s : sent) {
            assertThat(s.thread().getName()).as("sent from an event loop, not a timer thread").startsWith("defaultEventLoopGroup");
        }
    }

    private static String callId(String message) {
        int at = message.indexOf("Call-ID: ") + 9;
        return message.substring(at, message.indexOf("\r\n", at));
    }
}
