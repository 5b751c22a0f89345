package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** tls_method and cipher_list read as Kamailio's tls module (and OpenSSL's ciphers(1)) read them, within the profile. */
class TlsProfileTest {
    @Test
    void methodsAsKamailioNamesThem() {
        assertThat(TlsProfile.defaults().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsProfile.of("TLSv1.2+", null).protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsProfile.of("SSLv23", null).protocols()).as("any: what there is").containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsProfile.of("TLSv1+", null).protocols()).as("1.0 or newer").containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsProfile.of("TLSv1.2", null).protocols()).containsExactly("TLSv1.2");
        assertThat(TlsProfile.of("TLSv1.3", null).protocols()).containsExactly("TLSv1.3");
        assertThat(TlsProfile.of("TLSv1.3", null).cipherSuites()).allMatch(s -> !s.contains("_WITH_"));
        assertThat(TlsProfile.of("TLSv1.2", null).cipherSuites()).allMatch(s -> s.contains("_WITH_"));
        assertThatThrownBy(() -> TlsProfile.of("TLSv1", null)).hasMessageContaining("tls method TLSv1:").hasMessageContaining("TLS 1.2 and 1.3");
        assertThatThrownBy(() -> TlsProfile.of("TLSv9", null)).hasMessageContaining("expected TLSv1.2+");
    }

    @Test
    void theDefaultOrderIsTheProfilesAeadOnly() {
        assertThat(TlsProfile.defaults().cipherSuites()).startsWith("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").hasSize(12)
                .noneMatch(s -> s.contains("CBC") || s.startsWith("TLS_RSA_"));
    }

    @Test
    void cipherListNamesAliasesAndOperators() {
        assertThat(tls12("ECDHE-RSA-AES256-GCM-SHA384:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                .containsExactly("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls12("HIGH:!DHE:!aRSA")).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(tls12("ECDHE+CHACHA20:ECDHE+AESGCM:-AES256:@STRENGTH")).as("- removes what came before").containsExactly(
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls12("aECDSA:+AES128")).as("+ moves to the end").endsWith("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls12("!AES128:ALL:AES128")).as("! is for good").isNotEmpty().noneMatch(s -> s.contains("AES_128"));
        assertThat(tls12("AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256")).as("CBC is not in the profile")
                .containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void aListThatSelectsNothingIsAnError() {
        assertThatThrownBy(() -> TlsProfile.of(null, "RC4-SHA:DES-CBC3-SHA")).hasMessageContaining("cipher_list \"RC4-SHA:DES-CBC3-SHA\"")
                .hasMessageContaining("selects none");
    }

    private static java.util.List<String> tls12(String cipherList) {
        return TlsProfile.of("TLSv1.2", cipherList).cipherSuites();
    }
}
