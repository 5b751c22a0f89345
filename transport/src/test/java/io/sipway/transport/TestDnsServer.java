package io.sipway.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A tiny authoritative DNS server on 127.0.0.1 for the resolver tests: answers NAPTR, SRV, CNAME,
 * A and AAAA from a map, NXDOMAIN for names it does not know, NODATA for a known name without the
 * asked type, and records every question it gets. Built on Netty's DNS codec.
 */
final class TestDnsServer implements AutoCloseable {
    /** One resource record, written afresh for every response (the encoder releases what it sends). */
    private record Rr(String name, DnsRecordType type, long ttl, Consumer<ByteBuf> rdata) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<Rr>> zone = new ConcurrentHashMap<>();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private final Channel channel;

    TestDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer());
                    }
                })
                .bind(new InetSocketAddress(NetUtil.LOCALHOST4, 0)).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Every question asked so far, as "name TYPE" (name without the final dot). */
    List<String> questions() {
        return List.copyOf(questions);
    }

    long asked(String name, DnsRecordType type) {
        String q = name + " " + type.name();
        return questions.stream().filter(q::equals).count();
    }

    TestDnsServer a(String name, long ttl, String address) {
        byte[] b = NetUtil.createByteArrayFromIpAddressString(address);
        return add(new Rr(name, b.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA, ttl, buf -> buf.writeBytes(b)));
    }

    TestDnsServer cname(String name, long ttl, String target) {
        return add(new Rr(name, DnsRecordType.CNAME, ttl, buf -> writeName(buf, target)));
    }

    TestDnsServer srv(String name, long ttl, int priority, int weight, int port, String target) {
        return add(new Rr(name, DnsRecordType.SRV, ttl, buf -> {
            buf.writeShort(priority).writeShort(weight).writeShort(port);
            writeName(buf, target);
        }));
    }

    TestDnsServer naptr(String name, long ttl, int order, int preference, String flags, String service, String replacement) {
        return add(new Rr(name, DnsRecordType.NAPTR, ttl, buf -> {
            buf.writeShort(order).writeShort(preference);
            writeString(buf, flags);
            writeString(buf, service);
            writeString(buf, ""); // SIP uses the replacement, never a regexp
            writeName(buf, replacement);
        }));
    }

    private TestDnsServer add(Rr rr) {
        zone.computeIfAbsent(rr.name().toLowerCase(Locale.ROOT), k -> new CopyOnWriteArrayList<>()).add(rr);
        return this;
    }

    private static void writeString(ByteBuf buf, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        buf.writeByte(b.length).writeBytes(b);
    }

    /** Uncompressed wire form; "." is the root. */
    private static void writeName(ByteBuf buf, String name) {
        for (String label : name.split("\\.")) {
            if (!label.isEmpty()) {
                byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                buf.writeByte(b.length).writeBytes(b);
            }
        }
        buf.writeByte(0);
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            String name = DnsRdata.normalize(q.name());
            questions.add(name + " " + q.type().name());
            List<Rr> records = zone.get(name);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id(), DnsOpCode.QUERY,
                    records == null ? DnsResponseCode.NXDOMAIN : DnsResponseCode.NOERROR);
            response.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired());
            response.addRecord(DnsSection.QUESTION, q);
            if (records != null) {
                List<Rr> answers = new ArrayList<>();
                for (Rr rr : records) {
                    if (rr.type().equals(q.type()) || rr.type().equals(DnsRecordType.CNAME)) {
                        answers.add(rr);
                    }
                }
                for (Rr rr : answers) {
                    ByteBuf rdata = Unpooled.buffer();
                    rr.rdata().accept(rdata);
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(rr.name() + ".", rr.type(), rr.ttl(), rdata));
                }
            }
            ctx.writeAndFlush(response);
        }
    }

    static InetAddress ip(String literal) {
        return DnsRdata.literal(literal);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
