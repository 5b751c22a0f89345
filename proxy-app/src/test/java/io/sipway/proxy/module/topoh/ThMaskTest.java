package io.sipway.proxy.module.topoh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * topoh's masking matches Kamailio's byte for byte: the values below are what Kamailio 5.6.3 wrote
 * with {@code mask_key "YouDoNotKnowIt"} and {@code mask_ip "10.1.1.10"} for a call relayed through it.
 */
class ThMaskTest {
    private final ThMask mask = new ThMask("YouDoNotKnowIt");

    @Test
    void masksAsKamailioDoes() {
        assertThat(mask.encode("sip:alice@127.0.0.1:25874", "sip:10.1.1.10;line=sr-"))
                .isEqualTo("sip:10.1.1.10;line=sr-rouWbPACVHsuIjK8s8OWLl-gx2U8s2GRs-**");
        assertThat(mask.encode("abc123@127.0.0.1", "!!:")).isEqualTo("!!:wHNlx2QJIjK8s8OWLl-gxI**");
        assertThat(mask.encode("sip:192.168.9.9;lr", "sr-")).isEqualTo("sr-rouWblKMxhOyslGgbzOMboy8");
        assertThat(mask.encode("sip:bob@127.0.0.1:25873", "sr-")).isEqualTo("sr-rouWbPNZwq-yxlrgxmOWLlKfxlcOsJx*");
    }

    @Test
    void unmasksWhatKamailioMasked() {
        String via = "z9hG4bKsr-c1uILJQgxmSFiA-Gx2QRLl-gxmOyblQ7bjr1bRNuwoFepPFqn2K8s8OWLl-gx2Tczj7qVBwEwDN93PsUnBUMVKr1wqCTx2T8r.S8pj18s2GRs-**";
        assertThat(mask.decode(via, "z9hG4bKsr-".length()))
                .isEqualTo("SIP/2.0/UDP 127.0.0.1:25874;received=127.0.0.1;TH=div;branch=z9hG4bK-1;rport=25874");
        assertThat(mask.decode("!!:wHNlx2QJIjK8s8OWLl-gxI**", 3)).isEqualTo("abc123@127.0.0.1");
        assertThat(mask.decode("sr-no*such", 3)).as("not masked text").isNull();
    }

    @Test
    void theDefaultKeyAndAnyInputGoBothWays() {
        ThMask m = new ThMask("aL9.n8~Hm]Z");
        for (String s : new String[] {"a", "ab", "abc", "SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bK77;rport", "\u00ff\u0000x"}) {
            assertThat(m.decode(m.encode(s, "p-"), 2)).isEqualTo(s);
        }
    }
}
