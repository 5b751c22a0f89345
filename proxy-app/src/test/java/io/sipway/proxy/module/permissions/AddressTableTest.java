package io.sipway.proxy.module.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The address table's matching (Kamailio's address.c and hash.c) and the trusted table's POSIX patterns. */
class AddressTableTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private final AddressTable table = new AddressTable.Builder(512)
            .add(1, "192.0.2.10", 32, 5060, "gw-a")
            .add(1, "192.0.2.11", 0, 0, null) // mask 0 is a full mask
            .add(2, "198.51.100.0", 24, 0, "office")
            .add(3, "2001:db8::", 32, 5070, null)
            .add(4, "pbx.example.com", 0, 0, "pbx")
            .build();

    @Test
    void anExactAddressMatchesInItsGroupOnItsPortOnly() throws Exception {
        assertThat(table.match(1, ip("192.0.2.10"), 5060)).extracting(AddressTable.Entry::tag).isEqualTo("gw-a");
        assertThat(table.match(1, ip("192.0.2.10"), 5061)).isNull();
        assertThat(table.match(2, ip("192.0.2.10"), 5060)).isNull();
        assertThat(table.match(1, ip("192.0.2.11"), 40000)).as("port 0 is any port").isNotNull();
        assertThat(table.match(1, ip("192.0.2.12"), 5060)).isNull();
    }

    @Test
    void subnetsMatchByTheirMaskInBothFamilies() throws Exception {
        assertThat(table.match(2, ip("198.51.100.77"), 1234)).extracting(AddressTable.Entry::tag).isEqualTo("office");
        assertThat(table.match(2, ip("198.51.101.1"), 1234)).isNull();
        assertThat(table.match(3, ip("2001:db8:ffff::1"), 5070)).isNotNull();
        assertThat(table.match(3, ip("2001:db9::1"), 5070)).isNull();
        assertThat(table.match(3, ip("2001:db8::1"), 5060)).isNull();
    }

    @Test
    void namesAreMatchedLiterallyAndOnlyWhenAsked() throws Exception {
        assertThat(table.matchName(4, "PBX.example.com", 5060)).isNotNull();
        assertThat(table.matchName(4, "other.example.com", 5060)).isNull();
        assertThat(table.firstMatchName("pbx.example.com", 1)).extracting(AddressTable.Entry::grp).isEqualTo(4);
    }

    @Test
    void theFirstMatchInAnyGroupGivesItsGroup() throws Exception {
        assertThat(table.firstMatch(ip("198.51.100.1"), 9)).extracting(AddressTable.Entry::grp).isEqualTo(2);
        assertThat(table.firstMatch(ip("203.0.113.1"), 9)).isNull();
    }

    @Test
    void moreSubnetsThanMaxSubnetsFailTheLoad() {
        AddressTable.Builder b = new AddressTable.Builder(1).add(1, "10.0.0.0", 8, 0, null);
        assertThatThrownBy(() -> b.add(1, "10.1.0.0", 16, 0, null)).hasMessageContaining("max_subnets 1");
    }

    @Test
    void trustedPatternsArePosixBasicExpressionsSearchedAnywhere() {
        assertThat(PosixRegex.compile("^sip:alice@").matcher("sip:alice@example.com").find()).isTrue();
        assertThat(PosixRegex.compile("example\\.com").matcher("sip:bob@example.com;transport=udp").find()).isTrue();
        // in a basic expression + ( ) | are plain characters, \( \) group
        assertThat(PosixRegex.compile("a+b").matcher("a+b").find()).isTrue();
        assertThat(PosixRegex.compile("a+b").matcher("aab").find()).isFalse();
        assertThat(PosixRegex.compile("^sip:\\(alice\\|bob\\)@").matcher("sip:bob@x").find()).isTrue();
        assertThat(PosixRegex.compile("^sip:[[:digit:]]*@").matcher("sip:0123@x").find()).isTrue();
        assertThat(PosixRegex.compile("[")).isNull();
    }
}
