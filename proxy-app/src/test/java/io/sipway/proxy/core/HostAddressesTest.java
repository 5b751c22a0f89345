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
    @ValueSource(strings = {"a1b2c3.invalid", "localhost", "proxy.example.com"})
    @DisplayName("a name is no literal: nothing here asks DNS")
    void namesAreNoLiterals(String host) {
        assertThat(HostAddresses.literal(host)).isNull();
    }
}
