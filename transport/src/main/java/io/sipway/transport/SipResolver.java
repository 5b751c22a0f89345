package io.sipway.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sipway.sip.SipUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import io.netty.handler.codec.dns.DnsRecordType;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * Name resolution that never waits: a SIP URI's host to an ordered list of {@link SipTarget}s by
 * RFC 3263 (NAPTR, SRV, A/AAAA), and plain host names to addresses. Literal addresses never go to
 * DNS, names under {@code .invalid} are refused at once (RFC 6761), the hosts file is read before
 * DNS, and DNS answers are cached by TTL ({@link DnsSettings}: Kamailio's {@code dns_*} globals).
 *
 * <p>Queries go out through Netty's {@link DnsNameResolver} on one event loop; every call returns a
 * Netty {@link Future} of the requester's executor, completed there (its listeners run on that
 * loop; {@code future.asStage()} gives a {@code CompletionStage}). A failure is an
 * {@link java.net.UnknownHostException} saying why (no such name, no usable record, no answer
 * within the query timeout). Thread-safe; one instance serves every loop.
 */
public final class SipResolver implements AutoCloseable {
    private final DnsNameResolver resolver;
    private final DnsCache cache;
    private final Rfc3263 rfc3263;
    private final DnsSettings settings;

    private SipResolver(Builder b) {
        HostsLookup hosts;
        try {
            hosts = b.hostsFile == null ? HostsLookup.system() : HostsLookup.file(b.hostsFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read hosts file " + b.hostsFile, e);
        }
        boolean epoll = b.loop instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class);
        DnsServerAddressStreamProvider servers = b.nameServers != null ? b.nameServers : DnsServerAddressStreamProviders.platformDefault();
        this.resolver = new DnsNameResolverBuilder(b.loop)
                // the channel kind must match the loop's I/O type: epoll or NIO, as Transport chose it
                .datagramChannelType(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                // a truncated answer (a long NAPTR or SRV set) is asked again over TCP
                .socketChannelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .nameServerProvider(servers)
                // raw queries go to this stream, not through the provider: name the same servers
                .queryServerAddressStream(servers.nameServerAddressStream(""))
                .queryTimeoutMillis(b.queryTimeout.toMillis())
                .recursionDesired(true)
                // the cache is ours (TTL-bound, Kamailio's limits); Netty's would only hold copies
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .build();
        this.settings = b.settings;
        this.cache = new DnsCache(new DnsQueries(resolver, b.ticker), b.settings, b.maxCacheEntries, b.ticker);
        this.rfc3263 = new Rfc3263(cache, hosts, b.settings, Set.copyOf(b.protocols), b.random);
    }

    /** A resolver whose queries run on {@code loop} (any loop of the Transport's group will do). */
    public static Builder builder(EventLoop loop) {
        return new Builder(loop);
    }

    /**
     * The targets of a SIP or SIPS URI: its {@code maddr} when present, else its host; its port; its
     * {@code transport} parameter. Completed on {@code requester}.
     */
    public Future<List<SipTarget>> resolve(SipUri uri, EventExecutor requester) {
        Protocol transport;
        try {
            if (!uri.isSip() || uri.host() == null) {
                throw new IllegalArgumentException("not a sip: or sips: URI: " + uri);
            }
            transport = uri.transport() == null ? null : Protocol.of(uri.transport());
        } catch (IllegalArgumentException e) {
            return requester.newFailedFuture(e);
        }
        String host = uri.maddr() != null ? uri.maddr() : uri.host();
        return resolve(host, uri.port(), transport, uri.scheme() == SipUri.Scheme.SIPS, requester);
    }

    /**
     * The targets of a URI's parts, RFC 3263 section 4: a numeric host or a port means A/AAAA only
     * (none for a literal); else, without a transport and with {@code dns_try_naptr}, NAPTR, then
     * SRV, then A/AAAA on 5060/5061.
     *
     * @param host      a name, an IPv4 address, an IPv6 address with or without brackets
     * @param port      the URI's port, or 0 or negative when it names none
     * @param transport the URI's transport parameter, or null when it has none
     * @param secure    a sips: URI
     */
    public Future<List<SipTarget>> resolve(String host, int port, Protocol transport, boolean secure, EventExecutor requester) {
        return on(requester, rfc3263.targets(host, port, transport, secure));
    }

    /** The addresses of a host (A, and AAAA with {@code dns_try_ipv6}; literals as they are), IPv4 first. */
    public Future<List<InetAddress>> addresses(String host, EventExecutor requester) {
        return on(requester, rfc3263.addressesOf(host));
    }

    /**
     * The addresses of a host as getaddrinfo() with AF_UNSPEC finds them: the hosts file, else its A and
     * its AAAA records whatever {@code dns_try_ipv6} says (IPv4 first); a literal as it is. For the script
     * functions that ask the system's resolver in Kamailio (ipops' dns_query, dns_sys_match_ip).
     */
    public Future<List<InetAddress>> allAddresses(String host, EventExecutor requester) {
        return on(requester, rfc3263.addressesOf(host, true));
    }

    /**
     * The SRV records of a name ({@code _sip._udp.example.com}) as the name server answers them, in its
     * order (cached by TTL like every answer): none for a name without any. A failure is an
     * {@link java.net.UnknownHostException} (no answer in time, a server error).
     */
    public Future<List<SrvRecord>> srv(String name, EventExecutor requester) {
        CompletableFuture<List<SrvRecord>> records = cache.get(DnsRdata.normalize(name), DnsRecordType.SRV).thenApply(a -> {
            List<SrvRecord> out = new java.util.ArrayList<>();
            for (Object o : a.records()) {
                DnsRdata.Srv r = (DnsRdata.Srv) o;
                out.add(new SrvRecord(r.priority(), r.weight(), r.port(), r.target()));
            }
            return List.copyOf(out);
        });
        return on(requester, records);
    }

    /**
     * The NAPTR records of a name, as the name server answers them (cached by TTL like every answer):
     * none for a name without any. A failure is an {@link java.net.UnknownHostException} (no answer in time,
     * a server error). For ENUM (RFC 3761), whose rules are not RFC 3263's.
     */
    public Future<List<NaptrRecord>> naptr(String name, EventExecutor requester) {
        CompletableFuture<List<NaptrRecord>> records = cache.get(DnsRdata.normalize(name), DnsRecordType.NAPTR).thenApply(a -> {
            List<NaptrRecord> out = new java.util.ArrayList<>();
            for (Object o : a.records()) {
                DnsRdata.Naptr n = (DnsRdata.Naptr) o;
                out.add(new NaptrRecord(n.order(), n.preference(), n.flags(), n.service(), n.regexp(), n.replacement()));
            }
            return List.copyOf(out);
        });
        return on(requester, records);
    }

    /** The TXT records of a name, each as its character-strings (enum's i_enum_query with bl_algorithm "txt"). */
    public Future<List<List<String>>> txt(String name, EventExecutor requester) {
        CompletableFuture<List<List<String>>> records = cache.get(DnsRdata.normalize(name), DnsRecordType.TXT).thenApply(a -> {
            List<List<String>> out = new java.util.ArrayList<>();
            for (Object o : a.records()) {
                @SuppressWarnings("unchecked")
                List<String> strings = (List<String>) o;
                out.add(strings);
            }
            return List.copyOf(out);
        });
        return on(requester, records);
    }

    public DnsSettings settings() {
        return settings;
    }

    /** Forgets every cached answer (an operator's {@code dns.*} RPC, a test). */
    public void clearCache() {
        cache.clear();
    }

    /** Closes the resolver's socket; lookups in flight fail. */
    @Override
    public void close() {
        resolver.close();
        cache.clear();
    }

    /** Hands a result to the requester's loop: the promise notifies its listeners there, whoever completes it. */
    private static <T> Future<T> on(EventExecutor requester, CompletableFuture<T> result) {
        if (result.isDone() && !result.isCompletedExceptionally()) {
            return requester.newSucceededFuture(result.join()); // a literal or a cached answer: no listener to run later
        }
        Promise<T> promise = requester.newPromise();
        result.whenComplete((value, error) -> {
            if (error != null) {
                promise.tryFailure(Rfc3263.unwrap(error));
            } else {
                promise.trySuccess(value);
            }
        });
        return promise;
    }

    /** How a {@link SipResolver} is made. */
    public static final class Builder {
        private final EventLoop loop;
        private DnsSettings settings = DnsSettings.defaults();
        private DnsServerAddressStreamProvider nameServers;
        private Path hostsFile;
        private Duration queryTimeout = Duration.ofSeconds(5);
        private long maxCacheEntries = 10_000;
        private Set<Protocol> protocols = EnumSet.allOf(Protocol.class);
        private Ticker ticker = Ticker.systemTicker();
        private RandomGenerator random = new Random();

        private Builder(EventLoop loop) {
            this.loop = Objects.requireNonNull(loop, "loop");
        }

        /** Kamailio's dns_* globals (default: Kamailio's defaults). */
        public Builder settings(DnsSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** The name servers, asked in this order (default: /etc/resolv.conf's). */
        public Builder nameServers(List<InetSocketAddress> servers) {
            return nameServerProvider(new SequentialDnsServerAddressStreamProvider(servers));
        }

        /** The name servers as Netty provides them (e.g. {@code SingletonDnsServerAddressStreamProvider}). */
        public Builder nameServerProvider(DnsServerAddressStreamProvider provider) {
            this.nameServers = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** A hosts file read once at build instead of the system's (which is re-read when it changes). */
        public Builder hostsFile(Path file) {
            this.hostsFile = file;
            return this;
        }

        /** How long one DNS question may wait for its answer (default 5 s, resolv.conf's default timeout). */
        public Builder queryTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("query timeout must be positive: " + timeout);
            }
            this.queryTimeout = timeout;
            return this;
        }

        /** Cached answers at most (one per name and record type; default 10,000). */
        public Builder maxCacheEntries(long entries) {
            this.maxCacheEntries = entries;
            return this;
        }

        /**
         * The transports this side can send over (default all): NAPTR services and SRV queries for
         * the others are skipped, as RFC 3263 asks of a client.
         */
        public Builder protocols(Set<Protocol> protocols) {
            this.protocols = EnumSet.copyOf(protocols);
            return this;
        }

        /** The cache's clock (tests move time on). */
        Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        /** The random source of SRV weight selection (tests fix it). */
        Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        /** @throws UncheckedIOException when the given hosts file cannot be read */
        public SipResolver build() {
            return new SipResolver(this);
        }
    }
}
