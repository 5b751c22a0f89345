package io.sipway.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the resolver tests share: a {@link TestDnsServer} on loopback, the resolver's event loop
 * (epoll or NIO as Transport picks), a loop that plays the requester, a clock the test moves, and a
 * hosts file of the test's own. Nothing here asks the system's resolver or leaves 127.0.0.1.
 */
final class ResolverFixture implements AutoCloseable {
    final TestDnsServer dns;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, Transport.EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    final EventLoop dnsLoop = group.next();
    final EventLoop requester = group.next();
    final FakeTicker ticker = new FakeTicker();
    final Path hosts;
    private final List<SipResolver> resolvers = new ArrayList<>();

    ResolverFixture(Path dir, String hostsFile) throws InterruptedException, IOException {
        dns = new TestDnsServer();
        hosts = Files.writeString(dir.resolve("hosts"), hostsFile);
    }

    SipResolver.Builder builder() {
        return SipResolver.builder(dnsLoop)
                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(dns.address()))
                .hostsFile(hosts)
                .queryTimeout(Duration.ofSeconds(2))
                .ticker(ticker);
    }

    SipResolver resolver(DnsSettings settings) {
        SipResolver r = builder().settings(settings).build();
        resolvers.add(r);
        return r;
    }

    SipResolver keep(SipResolver r) {
        resolvers.add(r);
        return r;
    }

    /** Waits (bounded) for a result; the tests' own thread may wait, the loops never do. */
    static <T> T await(Future<T> f) throws Exception {
        if (!f.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no result within 10 s");
        }
        if (!f.isSuccess()) {
            throw (Exception) f.cause();
        }
        return f.getNow();
    }

    static Throwable failure(Future<?> f) throws InterruptedException {
        if (!f.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no result within 10 s");
        }
        if (f.isSuccess()) {
            throw new AssertionError("expected a failure, got " + f.getNow());
        }
        return f.cause();
    }

    static final class FakeTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    @Override
    public void close() {
        resolvers.forEach(SipResolver::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        dns.close();
    }
}
