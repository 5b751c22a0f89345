package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("host text: literals are parsed, names are resolved only where a name may be")
class HostAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "::1", "[::1]", "2001:db8::7", "[2001:db8::7]", "::ffff:192.0.2.1"})
    void literalsAreAddresses(String host) {
        assertThat(HostAddresses.literal(host)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"7ddb6380-76f.invalid", "3com.example", "1.2.3", "1.2.3.4.5", "256.1.1.1", "example.com", "", "[]", "1e100.net"})
    @DisplayName("names that start with a digit are not literals (and are never sent to DNS by literal())")
    void namesAreNotLiterals(String host) {
        assertThat(HostAddresses.literal(host)).isNull();
    }

    @Test
    void literalsKeepTheirValue() throws Exception {
        assertThat(HostAddresses.literal("192.0.2.9")).isEqualTo(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 9}));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a1b2c3.invalid", "9f1e.INVALID", "x.invalid."})
    @DisplayName("RFC 6761 .invalid names never resolve: browsers name themselves so in Via and Contact")
    void invalidNamesDoNotResolve(String host) {
        assertThat(HostAddresses.resolve(host)).isNull();
    }

    @Test
    void localhostResolves() {
        assertThat(HostAddresses.resolve("localhost")).isNotNull();
        assertThat(HostAddresses.resolve("[::1]")).isNotNull();
    }
}
