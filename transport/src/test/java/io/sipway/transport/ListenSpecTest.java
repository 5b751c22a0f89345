package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sipway.transport.ListenSpec.ListenProtocol;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code listen=} values as Kamailio's core cookbook and cfg.y accept them, their canonical form, the
 * expansion of a spec without protocol, and the refusals with the column a person needs.
 */
class ListenSpecTest {

    /** What one valid value must parse to; null/-1 where the spec has no such part. */
    record Expected(String canonical, ListenProtocol protocol, String host, boolean ipv6, boolean any, int port,
            String advertisedHost, int advertisedPort, String name, boolean virtual) {
    }

    private static Arguments valid(String input, String canonical, ListenProtocol protocol, String host, int port) {
        return Arguments.of(input, new Expected(canonical, protocol, host, false, false, port, null, -1, null, false));
    }

    private static Arguments valid(String input, Expected expected) {
        return Arguments.of(input, expected);
    }

    static Stream<Arguments> validSpecs() {
        ListenProtocol udp = ListenProtocol.UDP;
        ListenProtocol tcp = ListenProtocol.TCP;
        ListenProtocol tls = ListenProtocol.TLS;
        return Stream.of(
                // protocols, IPv4, default ports per protocol, * for the default port, any case
                valid("udp:127.0.0.1:5060", "udp:127.0.0.1:5060", udp, "127.0.0.1", 5060),
                valid("tcp:127.0.0.1", "tcp:127.0.0.1:5060", tcp, "127.0.0.1", 5060),
                valid("tls:127.0.0.1", "tls:127.0.0.1:5061", tls, "127.0.0.1", 5061),
                valid("sctp:10.0.0.1", "sctp:10.0.0.1:5060", ListenProtocol.SCTP, "10.0.0.1", 5060),
                valid("udp:127.0.0.1:*", "udp:127.0.0.1:5060", udp, "127.0.0.1", 5060),
                valid("tls:127.0.0.1:*", "tls:127.0.0.1:5061", tls, "127.0.0.1", 5061),
                valid("UDP:127.0.0.1:5080", "udp:127.0.0.1:5080", udp, "127.0.0.1", 5080),
                valid("Tls:10.0.0.1:5062", "tls:10.0.0.1:5062", tls, "10.0.0.1", 5062),
                // IPv6 references, canonical (RFC 5952) text
                valid("Tls:[::1]", new Expected("tls:[::1]:5061", tls, "::1", true, false, 5061, null, -1, null, false)),
                valid("udp:[2a02:1850:1:1::18]:5060", new Expected("udp:[2a02:1850:1:1::18]:5060", udp,
                        "2a02:1850:1:1::18", true, false, 5060, null, -1, null, false)),
                valid("tcp:[2001:DB8:0:0:0:0:0:1]:5060", new Expected("tcp:[2001:db8::1]:5060", tcp, "2001:db8::1",
                        true, false, 5060, null, -1, null, false)),
                valid("udp:[::ffff:192.0.2.1]:5060", new Expected("udp:[::ffff:192.0.2.1]:5060", udp,
                        "::ffff:192.0.2.1", true, false, 5060, null, -1, null, false)),
                // the any address
                valid("udp:[::]:5060", new Expected("udp:[::]:5060", udp, "::", true, true, 5060, null, -1, null, false)),
                valid("udp:0.0.0.0:5060", new Expected("udp:0.0.0.0:5060", udp, "0.0.0.0", false, true, 5060, null, -1,
                        null, false)),
                valid("udp:*:5060", new Expected("udp:*:5060", udp, "*", false, true, 5060, null, -1, null, false)),
                // host and interface names; a keyword-named host in quotes
                valid("tcp:sip.example.com:5070", "tcp:sip.example.com:5070", tcp, "sip.example.com", 5070),
                valid("udp:\"tls\":5060", "udp:\"tls\":5060", udp, "tls", 5060),
                valid("tcp:\"localhost\"", "tcp:localhost:5060", tcp, "localhost", 5060),
                // no protocol: port 0 until expand() picks one per protocol
                valid("eth1:5062", "eth1:5062", null, "eth1", 5062),
                valid("10.10.10.10", "10.10.10.10", null, "10.10.10.10", 0),
                valid("*:10.10.10.10:5064", "10.10.10.10:5064", null, "10.10.10.10", 5064),
                valid("*:5060", new Expected("*:5060", null, "*", false, true, 5060, null, -1, null, false)),
                // advertise with and without port, name, virtual (cookbook examples)
                valid("udp:10.10.10.10:5060 advertise 11.11.11.11:5060", new Expected(
                        "udp:10.10.10.10:5060 advertise 11.11.11.11:5060", udp, "10.10.10.10", false, false, 5060,
                        "11.11.11.11", 5060, null, false)),
                valid("udp:10.10.10.20:5060 advertise \"mysipdomain.com\" name \"s3\"", new Expected(
                        "udp:10.10.10.20:5060 advertise mysipdomain.com name \"s3\"", udp, "10.10.10.20", false, false,
                        5060, "mysipdomain.com", -1, "s3", false)),
                valid("tcp:127.0.0.1:5060 advertise \"sip.dns.example.com\":5060", new Expected(
                        "tcp:127.0.0.1:5060 advertise sip.dns.example.com:5060", tcp, "127.0.0.1", false, false, 5060,
                        "sip.dns.example.com", 5060, null, false)),
                valid("tls:10.0.0.1 advertise [2001:db8:0::1]:5061", new Expected(
                        "tls:10.0.0.1:5061 advertise [2001:db8::1]:5061", tls, "10.0.0.1", false, false, 5061,
                        "[2001:db8::1]", 5061, null, false)),
                valid("tls:10.0.0.1:5081 advertise some.custom.io:0", new Expected(
                        "tls:10.0.0.1:5081 advertise some.custom.io", tls, "10.0.0.1", false, false, 5081,
                        "some.custom.io", -1, null, false)),
                valid("udp:10.0.0.10:5060 name \"s1\"", new Expected("udp:10.0.0.10:5060 name \"s1\"", udp, "10.0.0.10",
                        false, false, 5060, null, -1, "s1", false)),
                valid("udp:10.0.0.10:5060 name 's1' virtual", new Expected("udp:10.0.0.10:5060 name \"s1\" virtual", udp,
                        "10.0.0.10", false, false, 5060, null, -1, "s1", true)),
                valid("udp:10.1.1.1:5060 virtual", new Expected("udp:10.1.1.1:5060 virtual", udp, "10.1.1.1", false,
                        false, 5060, null, -1, null, true)),
                valid("udp:127.0.0.1 name \"a \\\"quoted\\\" name\"", new Expected(
                        "udp:127.0.0.1:5060 name \"a \\\"quoted\\\" name\"", udp, "127.0.0.1", false, false, 5060, null,
                        -1, "a \"quoted\" name", false)),
                // whitespace around every token, as Kamailio's lexer allows
                valid("  udp : 127.0.0.1 : 5060   advertise   1.2.3.4 : 5080  name  \"x\"  virtual ", new Expected(
                        "udp:127.0.0.1:5060 advertise 1.2.3.4:5080 name \"x\" virtual", udp, "127.0.0.1", false, false,
                        5060, "1.2.3.4", 5080, "x", true)),
                valid("\tudp:127.0.0.1:5060\r\n", "udp:127.0.0.1:5060", udp, "127.0.0.1", 5060),
                valid("udp:127.0.0.1 name\"x\"", new Expected("udp:127.0.0.1:5060 name \"x\"", udp, "127.0.0.1", false,
                        false, 5060, null, -1, "x", false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSpecs")
    void aValidValueParsesIntoItsParts(String input, Expected e) {
        ListenSpec spec = ListenSpec.parse(input);

        assertThat(spec.protocol()).as("protocol").isEqualTo(e.protocol());
        assertThat(spec.host()).as("host").isEqualTo(e.host());
        assertThat(spec.isIpv6()).as("ipv6").isEqualTo(e.ipv6());
        assertThat(spec.isAnyAddress()).as("any address").isEqualTo(e.any());
        assertThat(spec.port()).as("port").isEqualTo(e.port());
        assertThat(spec.advertisedHost()).as("advertised host").isEqualTo(e.advertisedHost());
        assertThat(spec.advertisedPort()).as("advertised port").isEqualTo(e.advertisedPort());
        assertThat(spec.name()).as("name").isEqualTo(e.name());
        assertThat(spec.isVirtual()).as("virtual").isEqualTo(e.virtual());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSpecs")
    void toStringIsKamailiosCanonicalForm(String input, Expected e) {
        assertThat(ListenSpec.parse(input)).hasToString(e.canonical());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSpecs")
    void theCanonicalFormParsesBackToAnEqualSpec(String input, Expected e) {
        ListenSpec spec = ListenSpec.parse(input);
        ListenSpec again = ListenSpec.parse(spec.toString());

        assertThat(again).isEqualTo(spec).hasSameHashCodeAs(spec);
    }

    @ParameterizedTest(name = "{0} listens on {1}")
    @CsvSource({"udp, 5060", "tcp, 5060", "tls, 5061", "sctp, 5060"})
    void eachProtocolHasItsDefaultPort(String proto, int port) {
        assertThat(ListenSpec.parse(proto + ":192.0.2.10").port()).isEqualTo(port);
        assertThat(ListenSpec.parse(proto + ":192.0.2.10:*").port()).isEqualTo(port);
    }

    @Test
    void theProtocolIsCaseInsensitive() {
        assertThat(ListenSpec.parse("TCP:127.0.0.1:5060")).isEqualTo(ListenSpec.parse("tcp:127.0.0.1:5060"));
        assertThat(ListenSpec.parse("sCtP:127.0.0.1:5060").protocol()).isEqualTo(ListenProtocol.SCTP);
    }

    @Test
    void optionKeywordsAreCaseInsensitive() {
        assertThat(ListenSpec.parse("udp:127.0.0.1 ADVERTISE 1.2.3.4:5060 NAME \"s\" VIRTUAL"))
                .isEqualTo(ListenSpec.parse("udp:127.0.0.1 advertise 1.2.3.4:5060 name \"s\" virtual"));
    }

    @Test
    void aBareAddressExpandsToUdpAndTcpWhenTlsIsDisabled() {
        List<ListenSpec> sockets = ListenSpec.expand(List.of(ListenSpec.parse("127.0.0.1")), false);

        assertThat(sockets).map(ListenSpec::toString).containsExactly("udp:127.0.0.1:5060", "tcp:127.0.0.1:5060");
    }

    @Test
    void aBareAddressExpandsToUdpTcpAndTlsWhenTlsIsEnabled() {
        List<ListenSpec> sockets = ListenSpec.expand(List.of(ListenSpec.parse("127.0.0.1")), true);

        assertThat(sockets).map(ListenSpec::toString)
                .containsExactly("udp:127.0.0.1:5060", "tcp:127.0.0.1:5060", "tls:127.0.0.1:5061");
    }

    @Test
    void aStarProtocolExpandsLikeABareAddress() {
        assertThat(ListenSpec.expand(List.of(ListenSpec.parse("*:[::1]")), true)).map(ListenSpec::toString)
                .containsExactly("udp:[::1]:5060", "tcp:[::1]:5060", "tls:[::1]:5061");
    }

    /** Kamailio's add_listen_advertise_iface: "ip:port => udp:ip:port, tcp:ip:port and tls:ip:port+1". */
    @Test
    void aBareAddressWithAPortPutsTlsOnThePortPlusOne() {
        List<ListenSpec> sockets = ListenSpec.expand(List.of(ListenSpec.parse("10.0.0.1:5080")), true);

        assertThat(sockets).map(ListenSpec::toString)
                .containsExactly("udp:10.0.0.1:5080", "tcp:10.0.0.1:5080", "tls:10.0.0.1:5081");
    }

    @Test
    void expansionCopiesAdvertiseNameAndVirtualToEverySocket() {
        List<ListenSpec> sockets = ListenSpec.expand(
                List.of(ListenSpec.parse("10.0.0.1 advertise 203.0.113.5:5060 name \"pub\" virtual")), false);

        assertThat(sockets).hasSize(2).allSatisfy(s -> {
            assertThat(s.advertisedHost()).isEqualTo("203.0.113.5");
            assertThat(s.advertisedPort()).isEqualTo(5060);
            assertThat(s.name()).isEqualTo("pub");
            assertThat(s.isVirtual()).isTrue();
        });
    }

    @Test
    void expansionKeepsSpecsWithAProtocolInOrderAndListsADuplicateOnce() {
        List<ListenSpec> specs = List.of(ListenSpec.parse("tls:127.0.0.1"), ListenSpec.parse("127.0.0.1"),
                ListenSpec.parse("udp:127.0.0.1:5060"));

        assertThat(ListenSpec.expand(specs, false)).map(ListenSpec::toString)
                .containsExactly("tls:127.0.0.1:5061", "udp:127.0.0.1:5060", "tcp:127.0.0.1:5060");
    }

    @Test
    void expansionRefusesATlsPortAbove65535() {
        assertThatThrownBy(() -> ListenSpec.expand(List.of(ListenSpec.parse("10.0.0.1:65535")), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls would listen on port 65536");
    }

    @Test
    void anOutOfRangePortNamesThePortTheRangeAndTheColumn() {
        ListenSpecException e = catchThrowableOfType(ListenSpecException.class,
                () -> ListenSpec.parse("udp:127.0.0.1:70000"));

        assertThat(e).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port 70000 out of range 1..65535 at column 14");
        assertThat(e.column()).isEqualTo(14);
        assertThat(e.reason()).isEqualTo("port 70000 out of range 1..65535");
    }

    static Stream<Arguments> invalidSpecs() {
        String wsReason = " is not a listen protocol: WebSocket is served on tcp: and tls: listeners"
                + " (ws on tcp:, wss on tls:)";
        String address = "expected an address (IPv4, [IPv6], host name or *)";
        String brackets = " (IPv6 addresses go in brackets, e.g. [::1])";
        String options = "': expected advertise, name, virtual or the end of the value (one socket per listen=)";
        return Stream.of(
                // WebSocket is not a listener
                Arguments.of("ws:127.0.0.1:8080", 0, "ws" + wsReason),
                Arguments.of("WSS:127.0.0.1:4443", 0, "wss" + wsReason),
                Arguments.of("  wss : [::1]", 2, "wss" + wsReason),
                // missing or malformed address
                Arguments.of("", 0, address + " in an empty listen value"),
                Arguments.of("   ", 3, address + " in an empty listen value"),
                Arguments.of("udp:", 4, address),
                Arguments.of("udp:   ", 7, address),
                Arguments.of("udp::5060", 4, address + brackets),
                Arguments.of("udp:/tmp/sock", 4, address + ", found '/'"),
                Arguments.of("udp:256.0.0.1:5060", 4, "invalid IPv4 address '256.0.0.1'"),
                Arguments.of("udp:10.0.0:5060", 4, "invalid IPv4 address '10.0.0'"),
                Arguments.of("udp:010.0.0.1", 4, "invalid IPv4 address '010.0.0.1'"),
                Arguments.of("udp:bad..name", 4, "invalid host name 'bad..name'"),
                Arguments.of("udp:tls:5060", 4, address + ", found the keyword 'tls' (quote it to use it as a host name)"),
                Arguments.of("udp:\"\"", 5, address + ", found an empty string"),
                Arguments.of("udp:\"localhost:5060", 4, "unterminated string: expected a closing \""),
                Arguments.of("udp:\"fe80::1\"", 9, "invalid character ':' in host name" + brackets),
                Arguments.of("udp:(10.0.0.1, 10.0.0.2):5060", 4,
                        "address lists (a, b) are not supported: write one listen= per address"),
                // protocol
                Arguments.of("udp 127.0.0.1", 3, "expected ':' after protocol udp"),
                Arguments.of("foo:127.0.0.1:5060", 0, "unknown protocol 'foo': expected udp, tcp, tls, sctp or *"),
                // IPv6 references
                Arguments.of("udp:[::1", 4, "unterminated IPv6 reference: expected ']'"),
                Arguments.of("udp:[::1 advertise [::2]:5060", 4, "unterminated IPv6 reference: expected ']'"),
                Arguments.of("udp:[::g]:5060", 7, "invalid character 'g' in IPv6 address"),
                Arguments.of("udp:[1::2::3]:5060", 5, "invalid IPv6 address '1::2::3'"),
                Arguments.of("udp:[1:2:3:4:5:6:7:8:9]", 5, "invalid IPv6 address '1:2:3:4:5:6:7:8:9'"),
                Arguments.of("udp:[]:5060", 5, "invalid IPv6 address ''"),
                Arguments.of("udp:fe80::1:5060", 9, "expected a port number 1..65535 or *, found ':1:5060'" + brackets),
                // ports
                Arguments.of("udp:127.0.0.1:", 14, "expected a port number 1..65535 or *"),
                Arguments.of("udp:127.0.0.1:0", 14, "port 0 out of range 1..65535"),
                Arguments.of("udp:127.0.0.1:65536", 14, "port 65536 out of range 1..65535"),
                Arguments.of("udp:127.0.0.1:99999999999", 14, "port 99999999999 out of range 1..65535"),
                Arguments.of("udp:127.0.0.1:5o60", 14, "expected a port number 1..65535 or *, found '5o60'"),
                Arguments.of("udp:127.0.0.1:05060", 14, "port 05060 has a leading zero (Kamailio reads it as octal)"),
                // garbage after the spec
                Arguments.of("udp:127.0.0.1:5060 foo", 19, "unexpected 'foo" + options),
                Arguments.of("udp:127.0.0.1:5060 tcp:127.0.0.1:5060", 19, "unexpected 'tcp:127.0.0.1:5060" + options),
                Arguments.of("udp:127.0.0.1/24", 13, "unexpected '/24" + options),
                Arguments.of("udp:127.0.0.1:5060;", 14, "expected a port number 1..65535 or *, found '5060;'"),
                Arguments.of("udp:127.0.0.1 name \"s1\" extra", 24, "unexpected 'extra" + options),
                // advertise
                Arguments.of("udp:127.0.0.1 advertise", 23, "expected an address after advertise"),
                Arguments.of("udp:127.0.0.1 advertise *", 24, "advertise needs a concrete address, not the any address *"),
                Arguments.of("udp:127.0.0.1 advertise 0.0.0.0:5060", 24,
                        "advertise needs a concrete address, not the any address 0.0.0.0"),
                Arguments.of("udp:127.0.0.1 advertise 1.2.3.4:70000", 32, "advertised port 70000 out of range 1..65535"),
                Arguments.of("udp:127.0.0.1 advertise 1.2.3.4:", 32, "expected an advertised port number 1..65535"),
                Arguments.of("udp:127.0.0.1 advertise name \"s\"", 24,
                        "expected an address after advertise, found the keyword 'name' (quote it to use it as a host name)"),
                // name
                Arguments.of("udp:127.0.0.1 name s1", 19, "expected a quoted socket name after name, e.g. name \"s1\""),
                Arguments.of("udp:127.0.0.1 name \"s1", 19, "unterminated string: expected a closing \""),
                Arguments.of("udp:127.0.0.1 name \"\"", 19, "socket name must not be empty"),
                // Kamailio's option order, each once
                Arguments.of("udp:127.0.0.1 name \"s1\" advertise 1.2.3.4", 24,
                        "advertise must come before name (Kamailio's order: advertise, name, virtual)"),
                Arguments.of("udp:127.0.0.1 virtual name \"s1\"", 22,
                        "name must come before virtual (Kamailio's order: advertise, name, virtual)"),
                Arguments.of("udp:127.0.0.1 virtual virtual", 22, "virtual given twice"));
    }

    @ParameterizedTest(name = "[{0}] -> column {1}: {2}")
    @MethodSource("invalidSpecs")
    void anInvalidValueIsRefusedWithTheColumnAndWhatWasExpected(String input, int column, String reason) {
        ListenSpecException e = catchThrowableOfType(ListenSpecException.class, () -> ListenSpec.parse(input));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.column()).isEqualTo(column);
        assertThat(e).hasMessage(reason + " at column " + column);
    }

    @Test
    void specsAreEqualByValue() {
        assertThat(ListenSpec.parse("udp:[0::1]:5060")).isEqualTo(ListenSpec.parse(" udp : [::1] "))
                .isNotEqualTo(ListenSpec.parse("tcp:[::1]:5060"))
                .isNotEqualTo(ListenSpec.parse("udp:[::1]:5060 virtual"));
    }
}
