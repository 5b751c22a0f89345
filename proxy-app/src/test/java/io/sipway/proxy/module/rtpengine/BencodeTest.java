package io.sipway.proxy.module.rtpengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bencode as rtpengine speaks it, and what a malformed answer from the wire gets: a clear error, no more. */
class BencodeTest {
    private static Object decode(String s) throws Bencode.MalformedException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Bencode.decode(b, 0, b.length);
    }

    @Test
    void valuesGoThereAndBack() throws Exception {
        byte[] b = Bencode.encode(new Bencode.Dict().put("result", "ok").put("n", 42L).put("l", List.of("a", -3L))
                .put("d", Map.of("k", "v")));
        assertThat(new String(b, StandardCharsets.ISO_8859_1)).isEqualTo("d6:result2:ok1:ni42e1:ll1:ai-3ee1:dd1:k1:vee");
        assertThat(decode("d6:result2:ok1:ni42e1:ll1:ai-3ee1:dd1:k1:vee"))
                .isEqualTo(Map.of("result", "ok", "n", 42L, "l", List.of("a", -3L), "d", Map.of("k", "v")));
        assertThat(decode("0:")).isEqualTo("");
        assertThat(decode("5:\u00e9\r\n\u0000x")).as("bytes kept as they are").isEqualTo("\u00e9\r\n\u0000x");
    }

    @Test
    void malformedInputIsAClearError() {
        assertThatThrownBy(() -> decode("")).hasMessageContaining("ends where a value should start");
        assertThatThrownBy(() -> decode("d6:result2:ok")).hasMessageContaining("dictionary is not closed");
        assertThatThrownBy(() -> decode("999999:short")).hasMessageContaining("string of 999999 bytes");
        assertThatThrownBy(() -> decode("i12")).hasMessageContaining("malformed integer");
        assertThatThrownBy(() -> decode("ie")).hasMessageContaining("malformed integer");
        assertThatThrownBy(() -> decode("i1234567890123456789012e")).hasMessageContaining("more than 18 digits");
        assertThatThrownBy(() -> decode("di1e1:xe")).hasMessageContaining("key is not a string");
        assertThatThrownBy(() -> decode("x")).hasMessageContaining("unexpected byte 0x78");
        assertThatThrownBy(() -> decode("2:ok2:ok")).hasMessageContaining("bytes after the value");
        assertThatThrownBy(() -> decode("l".repeat(100_000))).hasMessageContaining("nested deeper than 32");
        assertThatThrownBy(() -> Bencode.decodeDict("2:ok".getBytes(StandardCharsets.US_ASCII), 0, 4))
                .hasMessageContaining("not a dictionary");
    }
}
