package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The in-place UTF-8 check that picks a WebSocket frame's opcode (text for UTF-8, else binary)
 * agrees with the JDK's strict decoder on every input.
 */
class Utf8CheckPropertyTest {

    private static boolean jdkSaysUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Property(tries = 20000)
    void agreesWithTheJdkDecoderOnRandomBytes(@ForAll("bytes") byte[] b) {
        assertThat(Transport.isUtf8(b)).isEqualTo(jdkSaysUtf8(b));
    }

    @Property(tries = 5000)
    void acceptsEveryEncodedString(@ForAll String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertThat(Transport.isUtf8(b)).isEqualTo(jdkSaysUtf8(b));
    }

    @Example
    void refusesOverlongsSurrogatesAndTruncation() {
        assertThat(Transport.isUtf8(new byte[] {(byte) 0xC0, (byte) 0x80})).isFalse(); // overlong NUL
        assertThat(Transport.isUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isFalse(); // U+D800
        assertThat(Transport.isUtf8(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).isFalse(); // > U+10FFFF
        assertThat(Transport.isUtf8(new byte[] {'a', (byte) 0xE2, (byte) 0x82})).isFalse(); // cut short
        assertThat(Transport.isUtf8("é€😀".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        // biased to the interesting lead and continuation bytes
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.bytes()),
                net.jqwik.api.Tuple.of(2, Arbitraries.of((byte) 0x80, (byte) 0xBF, (byte) 0x9F, (byte) 0xA0, (byte) 0x8F, (byte) 0x90)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of((byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xED, (byte) 0xEF, (byte) 0xF0, (byte) 0xF4, (byte) 0xF5, (byte) 0xC1)),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E)));
        return b.array(byte[].class).ofMaxSize(12);
    }
}
