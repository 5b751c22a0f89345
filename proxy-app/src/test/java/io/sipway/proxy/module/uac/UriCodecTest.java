package io.sipway.proxy.module.uac;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Record-Route parameter's value, against values Kamailio 5.6.3 wrote (restore_passwd "s3cr3t"). */
@DisplayName("uac's ;vsf=/;vst= encoding")
class UriCodecTest {
    private static final byte[] KEY = b("s3cr3t");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("encodes as Kamailio: XOR of both URIs and the key, base64 with '-' for '='")
    void encodesAsKamailio() {
        assertThat(UriCodec.encode(b("sip:alice@example.com"), b("sip:anonymous@anonymous.invalid"), KEY))
                .isEqualTo("czNjcjN2dT5/Xzl5YR5ycDk0aTFhB0BaGl0VE18dFw--");
        assertThat(UriCodec.encode(b("sip:alice@example.com"), b("sip:x@y.z"), KEY)).isEqualTo("czNjcipYY358MlYMEl4THlZaEFwO");
        assertThat(UriCodec.encode(b("sip:carol@example.com"), b("sip:carol-long-name@somewhere.example.org"), KEY))
                .isEqualTo("czNjcjN0czNjHzpjfDk+cDc3dRx9HV4RBFsGAFZaFksCH0MYFh0MAFQ-");
        assertThat(UriCodec.encode(b("sip:dave@example.com"), b("sip:d@e"), KEY)).isEqualTo("czNjcjNVYFYjF0sVHkMPFx0XHF4-");
    }

    @Test
    @DisplayName("either URI gives the other one back; a value that does not fit the URI gives nothing")
    void decodesEitherWay() {
        String v = "czNjcjN2dT5/Xzl5YR5ycDk0aTFhB0BaGl0VE18dFw--";
        assertThat(new String(UriCodec.decode(v, b("sip:alice@example.com"), KEY), StandardCharsets.US_ASCII))
                .isEqualTo("sip:anonymous@anonymous.invalid");
        assertThat(new String(UriCodec.decode(v, b("sip:anonymous@anonymous.invalid"), KEY), StandardCharsets.US_ASCII))
                .isEqualTo("sip:alice@example.com");
        assertThat(UriCodec.decode(v, b("sip:anonymous@anonymous.invalid.and.longer.than.before"), KEY)).isNull();
        assertThat(UriCodec.decode("not*base64", b("sip:a@b"), KEY)).isNull();
    }
}
