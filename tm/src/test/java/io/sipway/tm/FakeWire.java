package io.sipway.tm;

import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendListener;
import io.sipway.transport.SendSocket;
import io.sipway.transport.SendStatus;
import io.sipway.transport.TrafficStats;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A recording {@link Wire}: every message tm sends, where and when (virtual ms); no socket. */
final class FakeWire implements Wire {
    /** One message sent: its first line tells what it is. */
    record Sent(long atMs, Destination to, String text, SendListener lateFailure) {
        String firstLine() {
            return text.substring(0, text.indexOf("\r\n"));
        }

        /** The request's method, or the reply's code as text. */
        String what() {
            String l = firstLine();
            return l.startsWith("SIP/2.0 ") ? l.substring(8, 11) : l.substring(0, l.indexOf(' '));
        }
    }

    /** The address our Via names. */
    static final InetSocketAddress US = new InetSocketAddress("192.0.2.1", 5060);

    private final FakeTimers clock;
    final List<Sent> sent = new ArrayList<>();
    /** What send() answers (a test may make the next hop unreachable). */
    SendStatus status = SendStatus.SENT;

    FakeWire(FakeTimers clock) {
        this.clock = clock;
    }

    /** A connection-oriented send fails before it returns (the connect failed at once, on the caller's thread). */
    boolean failWhileSending;

    @Override
    public SendStatus send(Destination to, byte[] message) {
        return send(to, message, null);
    }

    @Override
    public SendStatus send(Destination to, byte[] message, SendListener lateFailure) {
        sent.add(new Sent(clock.nowMs(), to, new String(message, StandardCharsets.UTF_8), lateFailure));
        if (failWhileSending && lateFailure != null) {
            lateFailure.failed(to, TrafficStats.SendFailure.CONNECT_FAILED);
        }
        return status;
    }

    /**
     * The connections tm's messages to {@code address} waited for failed (refused, or
     * tcp_connect_timeout): every send that left a listener hears it. How many did.
     */
    int connectFails(InetSocketAddress address) {
        int told = 0;
        for (Sent s : List.copyOf(sent)) {
            if (s.lateFailure() != null && s.to().address().equals(address)) {
                s.lateFailure().failed(s.to(), TrafficStats.SendFailure.CONNECT_FAILED);
                told++;
            }
        }
        return told;
    }

    @Override
    public SendSocket socketFor(Destination to) {
        return new SendSocket(to.protocol() == Protocol.UDP ? Protocol.UDP : Protocol.TCP, US);
    }

    /** The messages sent to {@code address} whose method or code is {@code what}, in order. */
    List<Sent> to(InetSocketAddress address, String what) {
        List<Sent> out = new ArrayList<>();
        for (Sent s : sent) {
            if (s.to().address().equals(address) && s.what().equals(what)) {
                out.add(s);
            }
        }
        return out;
    }

    /** When each of those was sent (virtual ms). */
    List<Long> times(InetSocketAddress address, String what) {
        List<Long> out = new ArrayList<>();
        for (Sent s : to(address, what)) {
            out.add(s.atMs());
        }
        return out;
    }
}
