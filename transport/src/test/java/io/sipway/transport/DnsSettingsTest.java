package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Kamailio's dns_* names and defaults (Kamailio 5.6 core cookbook, DNS Parameters). */
class DnsSettingsTest {
    @Test
    void kamailiosDefaults() {
        DnsSettings d = DnsSettings.defaults();
        assertThat(d.tryNaptr()).isFalse();
        assertThat(d.tryIpv6()).isFalse();
        assertThat(d.srvLoadBalancing()).isFalse();
        assertThat(d.negativeTtl()).isEqualTo(60);
        assertThat(d.minTtl()).isZero();
        assertThat(d.maxTtl()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void eachGlobalByItsKamailioName() {
        DnsSettings d = DnsSettings.defaults().with("dns_try_naptr", "yes").with("dns_try_ipv6", "on").with("dns_srv_loadbalancing", 1)
                .with("dns_cache_negative_ttl", "5").with("dns_cache_min_ttl", 10).with("dns_cache_max_ttl", 3600);
        assertThat(d).isEqualTo(new DnsSettings(true, true, true, 5, 10, 3600));
        assertThat(d.with("dns_srv_lb", "no").srvLoadBalancing()).isFalse();
        assertThat(DnsSettings.has("dns_try_naptr")).isTrue();
        assertThat(DnsSettings.has("use_dns_cache")).isFalse();
    }

    @Test
    void aTtlIsHeldWithinMinAndMax() {
        DnsSettings d = DnsSettings.defaults().with("dns_cache_min_ttl", 10).with("dns_cache_max_ttl", 100);
        assertThat(d.cachedSeconds(1)).isEqualTo(10);
        assertThat(d.cachedSeconds(50)).isEqualTo(50);
        assertThat(d.cachedSeconds(86400)).isEqualTo(100);
    }

    @Test
    void badValuesAreRefusedNamingTheGlobal() {
        assertThatThrownBy(() -> DnsSettings.defaults().with("dns_try_naptr", "perhaps")).hasMessageContaining("dns_try_naptr");
        assertThatThrownBy(() -> DnsSettings.defaults().with("dns_cache_negative_ttl", -1)).hasMessageContaining("dns_cache_negative_ttl");
        assertThatThrownBy(() -> DnsSettings.defaults().with("dns_retr_no", 1)).hasMessageContaining("dns_retr_no");
    }
}
