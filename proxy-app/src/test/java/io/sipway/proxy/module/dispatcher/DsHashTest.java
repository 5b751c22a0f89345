package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dispatcher hash against Kamailio 5.6.3's own: the hash ids below are what its RPC
 * {@code dispatcher.hash 3 value [value2]} answered (kamcmd prints them as signed ints), so
 * algorithms 0 to 3 and 5 send a call where Kamailio would.
 */
class DsHashTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "a84b4c76e66710@pc33.example.com | | -1731507716",
            "call-0-a84b4c76e66710@pc33.example.com | | -1138001809",
            "abc | | 7167810",
            "abcd | | 1834959896",
            "x | | 119",
            "ZZZZZZZZZZZZZZZZZZZZZZZZZ | | -427136894",
            // bytes above 0x7f are signed chars in Kamailio's sum
            "café-ü@x | | 723364039",
            "caller | 127.0.0.1 | -596606508",
            "bob | example.com:5080 | -1957299126"})
    void hashIsKamailios(String x, String y, int kamailio) {
        assertThat(DsHash.of(x, y)).isEqualTo(kamailio);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // user and host; the port only when it is not the scheme's default
            "sip:caller@127.0.0.1 | caller | 127.0.0.1",
            "sip:bob@example.com:5080;transport=tcp | bob | example.com:5080",
            "sip:bob@example.com:5060 | bob | example.com",
            "sips:bob@example.com:5061 | bob | example.com"})
    void uriKeysAreUserAndHostPort(String uri, String user, String hostPort) {
        assertThat(DsHash.uri(uri, 0)).isEqualTo(DsHash.of(user, hostPort));
        assertThat(DsHash.uri(uri, DsHash.HASH_USER_ONLY)).as("flags 1: the user only").isEqualTo(DsHash.of(user, null));
    }
}
