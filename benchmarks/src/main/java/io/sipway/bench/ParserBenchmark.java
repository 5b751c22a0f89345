package io.sipway.bench;

import io.sipway.sip.Address;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.SipUri;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parser throughput on a ~940-byte INVITE with SDP, a 200 OK with two Vias, and a REGISTER.
 *
 * <ul>
 *   <li>{@code frame}: {@link SipParser#parse(byte[])} alone.</li>
 *   <li>{@code proxyNeeds}: what a proxy reads of every message: start line (method, parsed
 *       Request-URI), top Via with its branch, Call-ID, CSeq, From and To tags, Max-Forwards,
 *       the top Route with its URI (what loose routing reads), Content-Length.</li>
 *   <li>{@code fullParse}: {@link SipMessage#validate()}, every known header parsed.</li>
 * </ul>
 *
 * <p>Run (single thread, allocation per operation from {@code gc.alloc.rate.norm}):
 * <pre>
 * mvn -B -ntp -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar ParserBenchmark -t 1 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParserBenchmark {
    @Param({"invite", "ok200", "register"})
    public String message;

    private byte[] bytes;

    @Setup
    public void load() {
        bytes = resource("/messages/" + message + ".sip");
    }

    static byte[] resource(String name) {
        try (InputStream in = ParserBenchmark.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing benchmark message " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Framing alone: start line, header lines typed, Content-Length checked; nothing inside a value. */
    @Benchmark
    public SipMessage frame() {
        return SipParser.parse(bytes);
    }

    @Benchmark
    public void proxyNeeds(Blackhole bh) {
        SipMessage m = SipParser.parse(bytes);
        if (m.isRequest()) {
            bh.consume(m.method());
            SipUri ruri = m.requestUri();
            bh.consume(ruri.port());
        } else {
            bh.consume(m.statusCode());
        }
        bh.consume(m.topVia().branch());
        bh.consume(m.callId());
        bh.consume(m.cseq().number());
        bh.consume(m.fromTag());
        bh.consume(m.toTag());
        bh.consume(m.maxForwards());
        Address route = m.topRoute();
        bh.consume(route == null ? null : route.uri().isLooseRouter());
        bh.consume(m.contentLength());
    }

    @Benchmark
    public SipMessage fullParse() {
        return SipParser.parse(bytes).validate();
    }
}
