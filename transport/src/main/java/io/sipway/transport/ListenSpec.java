package io.sipway.transport;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One socket that a kamailio.cfg {@code listen=} line asks for, parsed from the line's value.
 *
 * <p>Syntax (Kamailio core cookbook, "listen"; src/core/cfg.y):
 *
 * <pre>
 *   [proto:]address[:port] [advertise address[:port]] [name "socket name"] [virtual]
 * </pre>
 *
 * <ul>
 *   <li>{@code proto}: {@code udp}, {@code tcp}, {@code tls}, {@code sctp} in any case, or {@code *}
 *       (= none: every enabled protocol, see {@link #expand}). {@code ws}/{@code wss} are refused:
 *       WebSocket is served on {@code tcp:} and {@code tls:} listeners (KAMAILIO.md 1.1).
 *   <li>{@code address}: an IPv4 address, an IPv6 address in brackets ({@code [::1]}), a host or
 *       interface name ({@code eth1}), {@code *} or {@code 0.0.0.0} (any address), or any of these
 *       in quotes, which is how Kamailio lets a host carry a keyword's name ({@code "tls"}). Names are
 *       kept as written: resolving them (DNS or interface) is the binder's work.
 *   <li>{@code port}: 1..65535, or {@code *} or nothing for the protocol's default (5060, tls 5061).
 *   <li>{@code advertise}: the address (and port) written into Via and Record-Route instead of the
 *       socket's own; without a port (or with {@code :0}, which Kamailio accepts) the socket's own port
 *       is advertised (kamailio/kamailio#3932).
 *   <li>{@code name}: a quoted label that selects the socket ({@code $fsn}, rr/path parameters).
 *   <li>{@code virtual}: the address may float away (Kamailio 5.6+); {@code myself} then checks that it
 *       is local at the time.
 * </ul>
 *
 * Whitespace (space, tab, CR, LF) may surround every token, as Kamailio's lexer allows; the options
 * must come in Kamailio's order (advertise, name, virtual).
 *
 * <p>Not supported, refused with a message that says so: Kamailio's address list
 * {@code (addr1, addr2):port} (for udp/tcp/tls it only stands for one socket per address, and its
 * real use, SCTP multihoming, Sipway does not have) and several sockets in one {@code listen=} value
 * separated by spaces. Write one {@code listen=} line per socket instead.
 *
 * <p>Instances are immutable values: equal when every field is equal, and {@link #toString()} gives
 * back a value that parses to an equal spec.
 */
public final class ListenSpec {

    /** The protocols a socket can listen on: no WS/WSS, which are upgraded TCP/TLS connections. */
    public enum ListenProtocol {
        UDP(5060), TCP(5060), TLS(5061), SCTP(5060);

        private final int defaultPort;

        ListenProtocol(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        /** The port of a listen line that gives none: 5060, or 5061 for TLS (Kamailio's port/tls_port_no defaults). */
        public int defaultPort() {
            return defaultPort;
        }

        /** Lower-case name, as Kamailio writes it ({@code udp}). */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ListenProtocol protocol;
    private final String host;
    private final boolean ipv6;
    private final boolean anyAddress;
    private final int port;
    private final String advertisedHost;
    private final int advertisedPort;
    private final String name;
    private final boolean virtual;

    private ListenSpec(ListenProtocol protocol, String host, boolean ipv6, boolean anyAddress, int port,
            String advertisedHost, int advertisedPort, String name, boolean virtual) {
        this.protocol = protocol;
        this.host = host;
        this.ipv6 = ipv6;
        this.anyAddress = anyAddress;
        this.port = port;
        this.advertisedHost = advertisedHost;
        this.advertisedPort = advertisedPort;
        this.name = name;
        this.virtual = virtual;
    }

    /**
     * Parses the value of one {@code listen=} line (the text after {@code =}, without a trailing
     * {@code ;} or comment, which belong to the config lexer).
     *
     * @throws ListenSpecException naming what was expected and the 0-based column where it was not
     *     found
     */
    public static ListenSpec parse(String value) {
        return new Parser(Objects.requireNonNull(value, "value")).parse();
    }

    /**
     * Turns specs into concrete sockets, as Kamailio's {@code add_listen_advertise_iface} does: a spec
     * with a protocol stays as it is; one without becomes udp and tcp, plus tls when TLS is enabled
     * (never sctp: Sipway has no SCTP transport). A spec without a port takes each protocol's default;
     * one with port {@code P} listens on {@code P} for udp and tcp and on {@code P+1} for tls
     * (Kamailio's rule, so that udp/tcp and tls do not clash). Advertise, name and virtual are copied
     * to every socket. Order is kept, and a socket that appears twice is kept once (Kamailio removes
     * duplicates too).
     *
     * @throws IllegalArgumentException when port {@code P+1} for tls would be above 65535
     */
    public static List<ListenSpec> expand(List<ListenSpec> specs, boolean tlsEnabled) {
        Set<ListenSpec> out = new LinkedHashSet<>();
        for (ListenSpec spec : specs) {
            Objects.requireNonNull(spec, "spec");
            if (spec.protocol != null) {
                out.add(spec);
                continue;
            }
            boolean portGiven = spec.port != 0;
            out.add(spec.on(ListenProtocol.UDP, portGiven ? spec.port : ListenProtocol.UDP.defaultPort()));
            out.add(spec.on(ListenProtocol.TCP, portGiven ? spec.port : ListenProtocol.TCP.defaultPort()));
            if (tlsEnabled) {
                int tlsPort = portGiven ? spec.port + 1 : ListenProtocol.TLS.defaultPort();
                if (tlsPort > 65535) {
                    throw new IllegalArgumentException("listen=" + spec + ": tls would listen on port " + tlsPort
                            + " (a listen without protocol puts tls on its port + 1); give tls its own listen=tls:...");
                }
                out.add(spec.on(ListenProtocol.TLS, tlsPort));
            }
        }
        return List.copyOf(out);
    }

    private ListenSpec on(ListenProtocol p, int newPort) {
        return new ListenSpec(p, host, ipv6, anyAddress, newPort, advertisedHost, advertisedPort, name, virtual);
    }

    /** The protocol, or null when the spec gives none (or {@code *}): see {@link #expand}. */
    public ListenProtocol protocol() {
        return protocol;
    }

    /**
     * The address as text: an IP address in canonical form (IPv6 without brackets, compressed lower
     * case as RFC 5952 and Kamailio's default ipv6_hex_style write it), a host or interface name as
     * written, or {@code *}.
     */
    public String host() {
        return host;
    }

    /** True for {@code *}, {@code 0.0.0.0} and {@code [::]}: bind every local address. */
    public boolean isAnyAddress() {
        return anyAddress;
    }

    /** True when the address is an IPv6 literal. */
    public boolean isIpv6() {
        return ipv6;
    }

    /**
     * The port: as given, else the protocol's default. 0 only for a spec without protocol and without
     * port, whose port {@link #expand} chooses per protocol.
     */
    public int port() {
        return port;
    }

    /**
     * The advertised address as written into Via and Record-Route (an IPv6 address in brackets), or
     * null when the spec has no {@code advertise}.
     */
    public String advertisedHost() {
        return advertisedHost;
    }

    /** The advertised port, or -1 when none was given (the socket's own port is advertised). */
    public int advertisedPort() {
        return advertisedPort;
    }

    /** The socket name ({@code name "s1"}), or null. */
    public String name() {
        return name;
    }

    /** True when the spec ends with {@code virtual}. */
    public boolean isVirtual() {
        return virtual;
    }

    /**
     * Kamailio's form: {@code udp:127.0.0.1:5060}, {@code tls:[::1]:5061}, followed by
     * {@code advertise}, {@code name} and {@code virtual} when present. A spec without protocol has no
     * {@code proto:} prefix and, without a port, no {@code :port}; parsing the result gives an equal spec.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(48);
        if (protocol != null) {
            b.append(protocol.text()).append(':');
        }
        b.append(ipv6 ? "[" + host + "]" : quoteKeyword(host));
        if (port != 0) {
            b.append(':').append(port);
        }
        if (advertisedHost != null) {
            b.append(" advertise ").append(quoteKeyword(advertisedHost));
            if (advertisedPort > 0) {
                b.append(':').append(advertisedPort);
            }
        }
        if (name != null) {
            b.append(" name \"").append(name.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        if (virtual) {
            b.append(" virtual");
        }
        return b.toString();
    }

    /** A host spelled like a keyword must be quoted to parse back as a host, as in Kamailio. */
    private static String quoteKeyword(String h) {
        return Parser.isKeyword(h) ? "\"" + h + "\"" : h;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ListenSpec)) {
            return false;
        }
        ListenSpec other = (ListenSpec) o;
        return protocol == other.protocol && host.equals(other.host) && ipv6 == other.ipv6
                && anyAddress == other.anyAddress && port == other.port
                && Objects.equals(advertisedHost, other.advertisedHost) && advertisedPort == other.advertisedPort
                && Objects.equals(name, other.name) && virtual == other.virtual;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, host, ipv6, anyAddress, port, advertisedHost, advertisedPort, name, virtual);
    }

    /** An address as parsed: canonical text, and what kind it is. */
    private record Address(String text, boolean ipv6, boolean any, boolean bareWord) {
    }

    /** A hand-written scanner over one value; every error names the column where it was found. */
    private static final class Parser {
        private static final String EXPECTED_ADDRESS = "expected an address (IPv4, [IPv6], host name or *)";
        private static final String[] OPTIONS = {"", "advertise", "name", "virtual"};

        private final String s;
        private final int n;
        private int pos;
        /** True once a {@code proto:} (or {@code *:}) prefix was read. */
        private boolean protocolWritten;

        Parser(String s) {
            this.s = s;
            this.n = s.length();
        }

        ListenSpec parse() {
            skipWs();
            if (pos == n) {
                throw error(pos, EXPECTED_ADDRESS + " in an empty listen value");
            }
            ListenProtocol proto = protocol();
            Address address = address(false);
            int port = proto == null ? 0 : proto.defaultPort();
            int afterAddress = pos;
            skipWs();
            if (pos < n && s.charAt(pos) == ':') {
                pos++;
                skipWs();
                int given = port(address);
                if (given != 0) {
                    port = given;
                }
            } else {
                pos = afterAddress;
            }

            String advertisedHost = null;
            int advertisedPort = -1;
            String name = null;
            boolean virtual = false;
            int stage = 0; // index in OPTIONS of the last option read: they come in that order
            while (true) {
                int wsStart = pos;
                skipWs();
                if (pos == n) {
                    break;
                }
                if (pos == wsStart) {
                    throw unexpected();
                }
                int start = pos;
                int end = scan(pos);
                int option = optionIndex(s.substring(start, end));
                if (option == 0) {
                    throw unexpected();
                }
                if (option <= stage) {
                    throw error(start, option == stage ? OPTIONS[option] + " given twice"
                            : OPTIONS[option] + " must come before " + OPTIONS[stage]
                                    + " (Kamailio's order: advertise, name, virtual)");
                }
                stage = option;
                pos = end;
                switch (option) {
                    case 1 -> {
                        skipWs();
                        Address adv = address(true);
                        advertisedHost = adv.ipv6() ? "[" + adv.text() + "]" : adv.text();
                        int afterHost = pos;
                        skipWs();
                        if (pos < n && s.charAt(pos) == ':') {
                            pos++;
                            skipWs();
                            advertisedPort = advertisedPort();
                        } else {
                            pos = afterHost;
                        }
                    }
                    case 2 -> {
                        skipWs();
                        name = socketName();
                    }
                    default -> virtual = true;
                }
            }
            return new ListenSpec(proto, address.text(), address.ipv6(), address.any(), port,
                    advertisedHost, advertisedPort, name, virtual);
        }

        /** Reads {@code proto:} if the value starts with one; returns null for none or {@code *}. */
        private ListenProtocol protocol() {
            int start = pos;
            if (s.charAt(pos) == '*') {
                int colon = skipWs(pos + 1);
                if (colon < n && s.charAt(colon) == ':') {
                    int after = skipWs(colon + 1);
                    // "*:1.2.3.4" is any protocol; "*:5060" is the any address with a port
                    if (!isPortNumber(after)) {
                        pos = after;
                        protocolWritten = true;
                    }
                }
                return null;
            }
            int end = scan(pos);
            String word = s.substring(start, end).toLowerCase(Locale.ROOT);
            switch (word) {
                case "ws", "wss" -> throw error(start, word + " is not a listen protocol: WebSocket is served on"
                        + " tcp: and tls: listeners (ws on tcp:, wss on tls:)");
                case "udp", "tcp", "tls", "sctp" -> {
                    int colon = skipWs(end);
                    if (colon == n || s.charAt(colon) != ':') {
                        throw error(end, "expected ':' after protocol " + word);
                    }
                    pos = skipWs(colon + 1);
                    protocolWritten = true;
                    return ListenProtocol.valueOf(word.toUpperCase(Locale.ROOT));
                }
                default -> {
                    return null; // a host name such as "eth1:5062" or "localhost"
                }
            }
        }

        /** Reads the listen address ({@code advertise} false) or the advertised one. */
        private Address address(boolean advertise) {
            String expected = advertise ? "expected an address after advertise" : EXPECTED_ADDRESS;
            if (pos == n) {
                throw error(pos, expected);
            }
            int start = pos;
            char c = s.charAt(pos);
            if (c == '(' && !advertise) {
                throw error(pos, "address lists (a, b) are not supported: write one listen= per address");
            }
            if (c == '"' || c == '\'') {
                int close = s.indexOf(c, pos + 1);
                if (close < 0) {
                    throw error(pos, "unterminated string: expected a closing " + c);
                }
                Address a = host(pos + 1, close, true, advertise);
                pos = close + 1;
                return a;
            }
            int end;
            if (c == '[') {
                int j = pos + 1;
                while (j < n && isIpv6Char(s.charAt(j))) {
                    j++;
                }
                if (j == n || isWs(s.charAt(j))) {
                    throw error(pos, "unterminated IPv6 reference: expected ']'");
                }
                if (s.charAt(j) != ']') {
                    throw error(j, "invalid character " + describe(s.charAt(j)) + " in IPv6 address");
                }
                end = j + 1;
            } else if (c == '*') {
                end = pos + 1;
            } else {
                end = scan(pos);
                if (end == pos) {
                    throw error(pos, c == ':' ? expected + " (IPv6 addresses go in brackets, e.g. [::1])"
                            : expected + ", found " + describe(c));
                }
            }
            Address a = host(start, end, false, advertise);
            pos = end;
            return a;
        }

        /** Checks and classifies the address text {@code s[from, to)}, brackets included. */
        private Address host(int from, int to, boolean quoted, boolean advertise) {
            String expected = advertise ? "expected an address after advertise" : EXPECTED_ADDRESS;
            if (from == to) {
                throw error(from, expected + ", found an empty string");
            }
            String text = s.substring(from, to);
            Address a;
            if (text.equals("*")) {
                a = new Address(text, false, true, false);
            } else if (s.charAt(from) == '[') {
                int k = from + 1;
                while (k < to && isIpv6Char(s.charAt(k))) {
                    k++;
                }
                if (k == to) {
                    throw error(from, "unterminated IPv6 reference: expected ']'");
                }
                if (s.charAt(k) != ']' || k + 1 != to) {
                    throw error(k, "invalid character " + describe(s.charAt(k)) + " in IPv6 address");
                }
                int[] groups = Ip.parseIpv6(s, from + 1, k);
                if (groups == null) {
                    throw error(from + 1, "invalid IPv6 address '" + s.substring(from + 1, k) + "'");
                }
                a = new Address(Ip.formatIpv6(groups), true, Ip.isZero(groups), false);
            } else if (isDigitsAndDots(text)) {
                int[] octets = Ip.parseIpv4(s, from, to);
                if (octets == null) {
                    throw error(from, "invalid IPv4 address '" + text + "'");
                }
                a = new Address(text, false, text.equals("0.0.0.0"), false);
            } else {
                for (int i = from; i < to; i++) {
                    char c = s.charAt(i);
                    if (!isHostChar(c)) {
                        throw error(i, "invalid character " + describe(c) + " in host name"
                                + (c == ':' ? " (IPv6 addresses go in brackets, e.g. [::1])" : ""));
                    }
                }
                for (String label : text.split("\\.", -1)) {
                    if (label.isEmpty() || label.startsWith("-") || label.endsWith("-")) {
                        throw error(from, "invalid host name '" + text + "'");
                    }
                }
                if (!quoted && isKeyword(text)) {
                    throw error(from, expected + ", found the keyword '" + text
                            + "' (quote it to use it as a host name)");
                }
                a = new Address(text, false, false, !quoted && text.indexOf('.') < 0 && Character.isLetter(text.charAt(0)));
            }
            if (advertise && a.any()) {
                throw error(from, "advertise needs a concrete address, not the any address " + text);
            }
            return a;
        }

        /** Reads the port after {@code address:}; returns 0 for {@code *} (the default). */
        private int port(Address address) {
            int start = pos;
            int end = scanNonWs(pos);
            String token = s.substring(start, end);
            if (token.isEmpty()) {
                throw error(start, "expected a port number 1..65535 or *");
            }
            if (token.equals("*")) {
                pos = end;
                return 0;
            }
            if (isDigits(token)) {
                pos = end;
                return checkedPort(token, start, "port");
            }
            if (!protocolWritten && address.bareWord()) {
                // "foo:1.2.3.4": the word was meant as a protocol, not as a host with a port; it is the
                // first token, so it starts where the value's first non-blank character is
                throw error(skipWs(0), "unknown protocol '" + address.text() + "': expected udp, tcp, tls, sctp or *");
            }
            throw error(start, "expected a port number 1..65535 or *, found '" + shorten(token) + "'"
                    + (token.indexOf(':') >= 0 ? " (IPv6 addresses go in brackets, e.g. [::1])" : ""));
        }

        /** Reads the port after {@code advertise address:}; returns -1 for 0, which Kamailio reads as none. */
        private int advertisedPort() {
            int start = pos;
            int end = scanNonWs(pos);
            String token = s.substring(start, end);
            if (!isDigits(token)) {
                throw error(start, token.isEmpty() ? "expected an advertised port number 1..65535"
                        : "expected an advertised port number 1..65535, found '" + shorten(token) + "'");
            }
            pos = end;
            if (token.chars().allMatch(ch -> ch == '0')) {
                return -1;
            }
            return checkedPort(token, start, "advertised port");
        }

        private int checkedPort(String digits, int column, String what) {
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                // Kamailio's lexer reads a leading 0 as octal: refuse rather than guess
                throw error(column, what + " " + digits + " has a leading zero (Kamailio reads it as octal)");
            }
            int v = digits.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (v < 1 || v > 65535) {
                throw error(column, what + " " + shorten(digits) + " out of range 1..65535");
            }
            return v;
        }

        /** Reads the quoted name after {@code name}: "..." with \" and \\ escapes, or '...' as is. */
        private String socketName() {
            if (pos == n || (s.charAt(pos) != '"' && s.charAt(pos) != '\'')) {
                throw error(pos, "expected a quoted socket name after name, e.g. name \"s1\"");
            }
            int open = pos;
            char quote = s.charAt(pos);
            StringBuilder b = new StringBuilder();
            int i = pos + 1;
            while (true) {
                if (i == n) {
                    throw error(open, "unterminated string: expected a closing " + quote);
                }
                char c = s.charAt(i);
                if (c == quote) {
                    break;
                }
                if (quote == '"' && c == '\\' && i + 1 < n && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                    i++;
                    c = s.charAt(i);
                }
                b.append(c);
                i++;
            }
            if (b.length() == 0) {
                throw error(open, "socket name must not be empty");
            }
            pos = i + 1;
            return b.toString();
        }

        private ListenSpecException unexpected() {
            return error(pos, "unexpected '" + shorten(s.substring(pos, scanNonWs(pos)))
                    + "': expected advertise, name, virtual or the end of the value (one socket per listen=)");
        }

        private ListenSpecException error(int column, String reason) {
            return new ListenSpecException(reason, column);
        }

        private static int optionIndex(String word) {
            switch (word.toLowerCase(Locale.ROOT)) {
                case "advertise":
                    return 1;
                case "name":
                    return 2;
                case "virtual":
                    return 3;
                default:
                    return 0;
            }
        }

        /** Words that Kamailio's lexer takes as keywords here: a host of that name must be quoted. */
        static boolean isKeyword(String word) {
            switch (word.toLowerCase(Locale.ROOT)) {
                case "udp", "tcp", "tls", "sctp", "ws", "wss", "advertise", "name", "virtual":
                    return true;
                default:
                    return false;
            }
        }

        private boolean isPortNumber(int from) {
            int end = from;
            while (end < n && isDigit(s.charAt(end))) {
                end++;
            }
            return end > from && (end == n || isWs(s.charAt(end)));
        }

        private void skipWs() {
            pos = skipWs(pos);
        }

        private int skipWs(int from) {
            int i = from;
            while (i < n && isWs(s.charAt(i))) {
                i++;
            }
            return i;
        }

        /** End of the run of host characters from {@code from}. */
        private int scan(int from) {
            int i = from;
            while (i < n && isHostChar(s.charAt(i))) {
                i++;
            }
            return i;
        }

        private int scanNonWs(int from) {
            int i = from;
            while (i < n && !isWs(s.charAt(i))) {
                i++;
            }
            return i;
        }

        private static boolean isWs(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** Letters, digits, '-', '_' and '.': host and interface names ("eth0.100", "br-lan"). */
        private static boolean isHostChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '-' || c == '_' || c == '.';
        }

        private static boolean isIpv6Char(char c) {
            return Character.digit(c, 16) >= 0 && c < 128 || c == ':' || c == '.';
        }

        private static boolean isDigits(String t) {
            return !t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9');
        }

        private static boolean isDigitsAndDots(String t) {
            return t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        }

        private static String describe(char c) {
            return c < ' ' || c > '~' ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }

        private static String shorten(String t) {
            return t.length() > 24 ? t.substring(0, 24) + "..." : t;
        }
    }

    /** IP literal parsing and RFC 5952 formatting, on the characters of the value. */
    private static final class Ip {
        private Ip() {
        }

        /** Dotted quad, each part 0..255 without leading zeros (Kamailio would read those as octal). */
        static int[] parseIpv4(String s, int from, int to) {
            int[] octets = new int[4];
            int i = from;
            for (int part = 0; part < 4; part++) {
                int start = i;
                int v = 0;
                while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    v = v * 10 + (s.charAt(i) - '0');
                    i++;
                }
                if (i == start || v > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                    return null;
                }
                octets[part] = v;
                if (part < 3) {
                    if (i >= to || s.charAt(i) != '.') {
                        return null;
                    }
                    i++;
                }
            }
            return i == to ? octets : null;
        }

        /** RFC 4291 text form (groups, one "::", optional dotted IPv4 tail) into eight 16-bit groups. */
        static int[] parseIpv6(String s, int from, int to) {
            int[] g = new int[8];
            int count = 0;
            int gap = -1; // index in g where "::" stands
            int i = from;
            if (i < to && s.charAt(i) == ':') {
                if (i + 1 >= to || s.charAt(i + 1) != ':') {
                    return null;
                }
                gap = 0;
                i += 2;
            }
            while (i < to) {
                if (count == 8) {
                    return null;
                }
                int start = i;
                int v = 0;
                while (i < to && i - start < 4 && Character.digit(s.charAt(i), 16) >= 0) {
                    v = v * 16 + Character.digit(s.charAt(i), 16);
                    i++;
                }
                if (i < to && s.charAt(i) == '.') { // a dotted IPv4 ends the address
                    int[] v4 = parseIpv4(s, start, to);
                    if (v4 == null || count > 6) {
                        return null;
                    }
                    g[count++] = v4[0] << 8 | v4[1];
                    g[count++] = v4[2] << 8 | v4[3];
                    break;
                }
                if (i == start) {
                    return null;
                }
                g[count++] = v;
                if (i == to) {
                    break;
                }
                if (s.charAt(i) != ':') {
                    return null;
                }
                i++;
                if (i < to && s.charAt(i) == ':') {
                    if (gap >= 0) {
                        return null;
                    }
                    gap = count;
                    i++;
                } else if (i == to) {
                    return null; // a trailing single colon
                }
            }
            if (gap < 0) {
                return count == 8 ? g : null;
            }
            if (count > 7) {
                return null; // "::" stands for at least one group
            }
            int[] r = new int[8];
            System.arraycopy(g, 0, r, 0, gap);
            System.arraycopy(g, gap, r, 8 - (count - gap), count - gap);
            return r;
        }

        static boolean isZero(int[] g) {
            for (int v : g) {
                if (v != 0) {
                    return false;
                }
            }
            return true;
        }

        /** RFC 5952: lower case, no leading zeros, the longest run of 2+ zero groups as "::". */
        static String formatIpv6(int[] g) {
            if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
                return "::ffff:" + (g[6] >> 8) + "." + (g[6] & 0xff) + "." + (g[7] >> 8) + "." + (g[7] & 0xff);
            }
            int bestStart = -1;
            int bestLen = 1;
            for (int i = 0; i < 8; ) {
                if (g[i] != 0) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            }
            StringBuilder b = new StringBuilder(39);
            for (int i = 0; i < 8; i++) {
                if (i == bestStart) {
                    b.append("::");
                    i += bestLen - 1;
                    continue;
                }
                if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                    b.append(':');
                }
                b.append(Integer.toHexString(g[i]));
            }
            return b.toString();
        }
    }
}
