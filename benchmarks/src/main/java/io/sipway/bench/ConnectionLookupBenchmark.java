package io.sipway.bench;

import io.sipway.transport.Connection;
import io.sipway.transport.ConnectionTable;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The connection table's address lookup, the hot path of every send over TCP, TLS, WS and WSS.
 *
 * <p>A table of {@code size} connections (a quarter each TCP, TLS, WS, WSS; remote addresses spread
 * over 10.0.0.0/8, each with one port alias) is built once; each operation looks up the next of
 * {@code active} prepared destinations in the given {@code protocol} spelling (a {@code ws}
 * spelling is what a URI says for WS and WSS alike). {@code hit}: destinations of existing
 * connections, spelled so that they are found; {@code miss}: addresses no connection has. With
 * {@code match=true} every destination carries the forced send socket its connection was accepted
 * on (registrar lookup()), so the local-side rule runs too.
 *
 * <p>{@code active} is how many distinct peers are being sent to (the calls in progress), the same
 * at every table size, so that the size comparison measures the table and not a bigger working set:
 * 1,024 by default. With {@code -p active=65536} the lookups at 100,000 and 1,000,000 connections
 * spill the CPU caches and measure memory latency instead (README, "Connection lookup").
 *
 * <p>The fork runs with transparent huge pages ({@code -XX:+UseTransparentHugePages}, honoured
 * where the kernel's THP mode is {@code madvise} or {@code always}), as recommended for a proxy
 * holding a large table: it spares each lookup a TLB miss on the slot array.
 *
 * <pre>
 * mvn -B -ntp -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar ConnectionLookupBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseTransparentHugePages")
public class ConnectionLookupBenchmark {

    @Param({"1000", "100000", "1000000"})
    public int size;

    @Param({"false", "true"})
    public boolean match;

    @Param({"tcp", "tls", "ws", "wss"})
    public String protocol;

    @Param({"hit", "miss"})
    public String outcome;

    @Param({"1024"})
    public int active;

    private ConnectionTable table;
    private Destination[] destinations;
    private int next;

    @Setup(Level.Trial)
    public void build() throws UnknownHostException {
        table = new ConnectionTable(match, false);
        Protocol spelling = Protocol.of(protocol);
        SendSocket tcpListener = new SendSocket(Protocol.TCP, new InetSocketAddress("127.0.0.1", 5060));
        SendSocket tlsListener = new SendSocket(Protocol.TLS, new InetSocketAddress("127.0.0.1", 5061));
        // the kinds a spelling finds: tcp -> TCP, tls -> TLS, ws -> WS and WSS, wss -> WSS
        Protocol[] kinds = {Protocol.TCP, Protocol.TLS, Protocol.WS, Protocol.WSS};
        Connection[] findable = new Connection[size];
        int findableCount = 0;
        for (int i = 0; i < size; i++) {
            Protocol kind = kinds[i & 3];
            SendSocket listener = kind.isSecure() ? tlsListener : tcpListener;
            Connection c = table.add(kind.isSecure() ? Protocol.TLS : Protocol.TCP, remote(i), listener.local());
            if (kind.isWebSocket()) {
                table.upgradeToWebSocket(c);
            }
            table.addAlias(c, 5060);
            if (found(spelling, kind)) {
                findable[findableCount++] = c;
            }
        }
        SplittableRandom random = new SplittableRandom(42);
        destinations = new Destination[active];
        for (int i = 0; i < active; i++) {
            Destination d;
            if (outcome.equals("hit")) {
                Connection c = findable[random.nextInt(findableCount)];
                d = Destination.to(spelling, c.remote());
                if (match) {
                    d = d.withForcedSocket(c.protocol().isSecure() ? tlsListener : tcpListener);
                }
            } else {
                d = Destination.to(spelling, new InetSocketAddress(remote(size + random.nextInt(1 << 20)).getAddress(), 9));
                if (match) {
                    d = d.withForcedSocket(tcpListener);
                }
            }
            destinations[i] = d;
        }
        // check the setup once: a hit must hit and a miss must miss
        for (Destination d : destinations) {
            if ((table.find(d) != null) != outcome.equals("hit")) {
                throw new IllegalStateException("benchmark setup wrong for " + d);
            }
        }
    }

    private static boolean found(Protocol spelling, Protocol kind) {
        return switch (spelling) {
            case TCP -> kind == Protocol.TCP;
            case TLS -> kind == Protocol.TLS;
            case WS -> kind == Protocol.WS || kind == Protocol.WSS;
            case WSS -> kind == Protocol.WSS;
            case UDP -> false;
        };
    }

    /** The i-th remote address: 10.x.y.z, port 20000..59999. */
    private static InetSocketAddress remote(int i) throws UnknownHostException {
        byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        return new InetSocketAddress(InetAddress.getByAddress(ip), 20000 + (int) ((i * 7919L) % 40000));
    }

    @Benchmark
    public Connection lookup() {
        Destination d = destinations[next];
        next = next + 1 == destinations.length ? 0 : next + 1;
        return table.find(d);
    }
}
