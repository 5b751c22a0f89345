package io.sipway.bench;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.SipParserConfig;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TmSettings;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.ConnectionTable;
import io.sipway.transport.Destination;
import io.sipway.transport.ListenSpec;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import io.sipway.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * tm's stateful cycle for one non-INVITE request, as a relay runs it: create the server
 * transaction (t_newtran), match a retransmission of the request (t_check_trans), open one branch
 * to a UDP next hop (t_relay: Via built, request sent), then take the next hop's 200 (parsed from
 * bytes carrying our branch, matched to the branch, relayed upstream). Both hops are UDP sockets on
 * loopback that nobody reads: the sends are real, the kernel drops what overflows. {@code wt_timer}
 * is 1 ms so that finished transactions leave the table at once; the requests come from a pool of
 * 32768 pre-parsed ones with distinct branches. The cycles run on one of the transport's event
 * loops, as tm runs in a proxy (a transaction belongs to the loop that read its request; its timers
 * fire there), {@value #BATCH} per handing over from the benchmark thread, so the handing over
 * does not weigh in the score.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar TransactionBenchmark -prof gc
 * </pre>
 * The score is the time of one whole cycle; its inverse is transactions per second on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransactionBenchmark {
    private static final int POOL = 32768;
    static final int BATCH = 256;

    private Transport transport;
    private io.netty.util.concurrent.EventExecutor loop;
    private TransactionLayer tm;
    private DatagramChannel caller;
    private DatagramChannel nextHop;
    private SipMessage[] requests;
    /** What follows our Via in each pool request's branch: its own Via and the other headers. */
    private String[] branchTails;
    private String tail;
    private ReceiveInfo fromCaller;
    private ReceiveInfo fromNextHop;
    private Destination toCaller;
    private Destination toNextHop;
    private int i;
    private String lastVia;
    private final TransactionLayer.BranchRequest branch = via -> {
        lastVia = via;
        return ("MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\nVia: " + via + "\r\n" + tail).getBytes(StandardCharsets.US_ASCII);
    };
    /** Transactions the pool handed out again before the old one had left (should stay 0). */
    public long reused;
    /** Replies that found no branch (should stay 0). */
    public long unmatched;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        caller = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        nextHop = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port;
        try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        transport = Transport.start(List.of(ListenSpec.parse("udp:127.0.0.1:" + port)), new ConnectionTable(false, false),
                SipParserConfig.defaults(), null, (m, from) -> { });
        tm = new TransactionLayer(transport, TmSettings.defaults().with("wt_timer", 1), new TransactionLayer.Hooks() { });
        loop = transport.eventLoopGroup().next();
        SendSocket socket = transport.sockets().get(0);
        InetSocketAddress callerAddress = (InetSocketAddress) caller.getLocalAddress();
        InetSocketAddress nextHopAddress = (InetSocketAddress) nextHop.getLocalAddress();
        fromCaller = new ReceiveInfo(Protocol.UDP, callerAddress, socket, 0);
        fromNextHop = new ReceiveInfo(Protocol.UDP, nextHopAddress, socket, 0);
        toCaller = Destination.to(Protocol.UDP, callerAddress);
        toNextHop = Destination.to(Protocol.UDP, nextHopAddress);
        requests = new SipMessage[POOL];
        branchTails = new String[POOL];
        for (int k = 0; k < POOL; k++) {
            String via = "Via: SIP/2.0/UDP 127.0.0.1:" + callerAddress.getPort() + ";branch=z9hG4bK-bench-" + k + ";rport\r\n";
            String rest = "From: <sip:alice@127.0.0.1>;tag=a" + k + "\r\nTo: <sip:bob@127.0.0.1>\r\n"
                    + "Call-ID: bench-" + k + "@127.0.0.1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
            requests[k] = SipParser.parse(("MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n" + via + "Max-Forwards: 70\r\n" + rest)
                    .getBytes(StandardCharsets.US_ASCII));
            branchTails[k] = via + "Max-Forwards: 69\r\n" + rest;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        tm.close();
        transport.close();
        caller.close();
        nextHop.close();
        if (reused > 0 || unmatched > 0) {
            System.err.println("TransactionBenchmark: " + reused + " requests met their previous transaction still in the table, "
                    + unmatched + " replies matched no branch");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int createMatchRelayReply() throws Exception {
        return loop.submit(this::batch).get();
    }

    /** {@link #BATCH} cycles on the loop; how many replies matched their branch. */
    private int batch() {
        int matched = 0;
        for (int n = 0; n < BATCH; n++) {
            if (cycle()) {
                matched++;
            }
        }
        return matched;
    }

    private boolean cycle() {
        SipMessage req = requests[i];
        tail = branchTails[i];
        i = (i + 1) & (POOL - 1);
        ServerTransaction st = tm.create(req, fromCaller, toCaller);
        if (st == null) {
            reused++;
            return false;
        }
        if (tm.check(req, fromCaller) != TransactionLayer.Check.RETRANSMISSION) {
            throw new IllegalStateException("a retransmission did not match its transaction");
        }
        tm.relay(st, List.of(new TransactionLayer.Target(toNextHop, branch)));
        SipMessage ok = SipParser.parse(("SIP/2.0 200 OK\r\nVia: " + lastVia + "\r\nVia: " + req.header("Via")
                + "\r\nFrom: " + req.header("From") + "\r\nTo: <sip:bob@127.0.0.1>;tag=b\r\nCall-ID: " + req.callId()
                + "\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        boolean matched = tm.onReply(ok, fromNextHop);
        if (!matched) {
            unmatched++;
        }
        return matched;
    }
}
