package io.sipway.proxy.module.enum_;

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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A small authoritative DNS server on 127.0.0.1 for the ENUM tests (after the transport's TestDnsServer,
 * which proxy-app's tests cannot reach): NAPTR records with their regexp, TXT, A, AAAA and SRV records;
 * NXDOMAIN for a name it does not know; the questions it was asked. ipops' tests use it too.
 */
public final class EnumDnsServer implements AutoCloseable {
    private record Rr(String name, DnsRecordType type, Consumer<ByteBuf> rdata) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<Rr>> zone = new ConcurrentHashMap<>();
    public final List<String> questions = new CopyOnWriteArrayList<>();
    private final Channel channel;

    public EnumDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer());
                    }
                })
                .bind(new InetSocketAddress(NetUtil.LOCALHOST4, 0)).sync().channel();
    }

    /** "127.0.0.1:port", for the system property sipway.dns.servers. */
    public String address() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    public EnumDnsServer naptr(String name, int order, int preference, String flags, String services, String regexp) {
        return naptr(name, order, preference, flags, services, regexp, "");
    }

    /** A NAPTR record with a replacement name ("" for the root). */
    public EnumDnsServer naptr(String name, int order, int preference, String flags, String services, String regexp, String replacement) {
        return add(new Rr(name, DnsRecordType.NAPTR, buf -> {
            buf.writeShort(order).writeShort(preference);
            string(buf, flags);
            string(buf, services);
            string(buf, regexp);
            name(buf, replacement);
        }));
    }

    public EnumDnsServer txt(String name, String text) {
        return add(new Rr(name, DnsRecordType.TXT, buf -> string(buf, text)));
    }

    public EnumDnsServer a(String name, String address) {
        byte[] b = NetUtil.createByteArrayFromIpAddressString(address);
        return add(new Rr(name, DnsRecordType.A, buf -> buf.writeBytes(b)));
    }

    public EnumDnsServer aaaa(String name, String address) {
        byte[] b = NetUtil.createByteArrayFromIpAddressString(address);
        return add(new Rr(name, DnsRecordType.AAAA, buf -> buf.writeBytes(b)));
    }

    public EnumDnsServer srv(String name, int priority, int weight, int port, String target) {
        return add(new Rr(name, DnsRecordType.SRV, buf -> {
            buf.writeShort(priority).writeShort(weight).writeShort(port);
            name(buf, target);
        }));
    }

    /** A domain name, uncompressed; "" is the root. */
    private static void name(ByteBuf buf, String name) {
        for (String label : name.split("\\.")) {
            if (!label.isEmpty()) {
                string(buf, label);
            }
        }
        buf.writeByte(0);
    }

    private EnumDnsServer add(Rr rr) {
        zone.computeIfAbsent(rr.name().toLowerCase(Locale.ROOT), k -> new CopyOnWriteArrayList<>()).add(rr);
        return this;
    }

    private static void string(ByteBuf buf, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        buf.writeByte(b.length).writeBytes(b);
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            String name = q.name().toLowerCase(Locale.ROOT);
            name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            questions.add(name + " " + q.type().name());
            List<Rr> records = zone.get(name);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id(), DnsOpCode.QUERY,
                    records == null ? DnsResponseCode.NXDOMAIN : DnsResponseCode.NOERROR);
            response.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired());
            response.addRecord(DnsSection.QUESTION, q);
            if (records != null) {
                for (Rr rr : records) {
                    if (rr.type().equals(q.type())) {
                        ByteBuf rdata = Unpooled.buffer();
                        rr.rdata().accept(rdata);
                        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(rr.name() + ".", rr.type(), 60, rdata));
                    }
                }
            }
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
