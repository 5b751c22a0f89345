package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Header field names: RFC 3261 7.3.1 (names are case-insensitive), 7.3.3 (compact form), IANA compact forms. */
class HeaderNameTest {

    @ParameterizedTest(name = "RFC 3261 7.3.1: long name of {0} in any letter case")
    @EnumSource(value = HeaderName.class, mode = EnumSource.Mode.EXCLUDE, names = "OTHER")
    void longNameInAnyCase(HeaderName type) {
        String name = type.canonicalName();
        assertThat(HeaderName.of(name)).isEqualTo(type);
        assertThat(HeaderName.of(name.toLowerCase(Locale.ROOT))).isEqualTo(type);
        assertThat(HeaderName.of(name.toUpperCase(Locale.ROOT))).isEqualTo(type);
        assertThat(HeaderName.of(alternateCase(name))).isEqualTo(type);
    }

    @ParameterizedTest(name = "RFC 3261 7.3.3 / IANA compact form ''{0}'' is {1}")
    @CsvSource({
        // RFC 3261 7.3.3 and section 20
        "i, CALL_ID", "m, CONTACT", "e, CONTENT_ENCODING", "l, CONTENT_LENGTH", "c, CONTENT_TYPE",
        "f, FROM", "s, SUBJECT", "k, SUPPORTED", "t, TO", "v, VIA",
        // extensions: RFC 6665 (o, u), RFC 3515 (r), RFC 3892 (b), RFC 4028 (x),
        // RFC 3841 (a, j, d), RFC 4474 (y, n)
        "o, EVENT", "u, ALLOW_EVENTS", "r, REFER_TO", "b, REFERRED_BY", "x, SESSION_EXPIRES",
        "a, ACCEPT_CONTACT", "j, REJECT_CONTACT", "d, REQUEST_DISPOSITION", "y, IDENTITY", "n, IDENTITY_INFO"
    })
    void compactFormInBothCases(String letter, HeaderName expected) {
        assertThat(HeaderName.of(letter)).isEqualTo(expected);
        assertThat(HeaderName.of(letter.toUpperCase(Locale.ROOT))).isEqualTo(expected);
        assertThat(expected.compactForm()).isEqualTo(letter.charAt(0));
    }

    @Test
    @DisplayName("RFC 3261 7.3.3: compact forms name the same type as the long names")
    void compactAndLongAgree() {
        for (HeaderName type : HeaderName.values()) {
            if (type.compactForm() != 0) {
                assertThat(HeaderName.of(String.valueOf(type.compactForm())))
                        .as("compact %s", type.compactForm())
                        .isEqualTo(HeaderName.of(type.canonicalName()))
                        .isEqualTo(type);
            }
        }
    }

    @Test
    @DisplayName("RFC 3261 20: canonical spellings")
    void canonicalNames() {
        assertThat(HeaderName.CALL_ID.canonicalName()).isEqualTo("Call-ID");
        assertThat(HeaderName.CSEQ.canonicalName()).isEqualTo("CSeq");
        assertThat(HeaderName.WWW_AUTHENTICATE.canonicalName()).isEqualTo("WWW-Authenticate");
        assertThat(HeaderName.RECORD_ROUTE.canonicalName()).isEqualTo("Record-Route");
        assertThat(HeaderName.OTHER.canonicalName()).isNull();
        assertThat(HeaderName.CSEQ.compactForm()).isEqualTo((char) 0);
    }

    @ParameterizedTest(name = "unknown name ''{0}'' is OTHER")
    @ValueSource(strings = {
        "X-Custom", "P-Asserted-Identity", "Vias", "Vi", "Contact-X", "Content-Lengths", "Call_ID", "CallID",
        "Record_Route", "To2", "",
        // single letters with no IANA compact form
        "g", "h", "p", "q", "w", "z", "G", "Z", "1", "-"
    })
    void unknownNamesAreOther(String name) {
        assertThat(HeaderName.of(name)).isEqualTo(HeaderName.OTHER);
    }

    @ParameterizedTest(name = "RFC 3261 7.3.1: {0} is a comma list (#element)")
    @EnumSource(value = HeaderName.class,
            names = {"VIA", "CONTACT", "ROUTE", "RECORD_ROUTE", "PATH", "SUPPORTED", "REQUIRE", "PROXY_REQUIRE", "ALLOW"})
    void commaListHeaders(HeaderName type) {
        assertThat(type.isCommaList()).isTrue();
    }

    @ParameterizedTest(name = "RFC 3261 25.1: {0} holds a single value")
    @EnumSource(value = HeaderName.class,
            names = {"FROM", "TO", "CALL_ID", "CSEQ", "MAX_FORWARDS", "CONTENT_LENGTH", "CONTENT_TYPE", "EXPIRES", "OTHER"})
    void singleValueHeaders(HeaderName type) {
        assertThat(type.isCommaList()).isFalse();
    }

    @Test
    @DisplayName("RFC 3261 7.3.1: comma-list property follows the type whatever the spelling")
    void commaListViaName() {
        assertThat(HeaderName.of("v").isCommaList()).isTrue();
        assertThat(HeaderName.of("m").isCommaList()).isTrue();
        assertThat(HeaderName.of("k").isCommaList()).isTrue();
        assertThat(HeaderName.of("record-route").isCommaList()).isTrue();
        assertThat(HeaderName.of("PATH").isCommaList()).isTrue();
        assertThat(HeaderName.of("require").isCommaList()).isTrue();
        assertThat(HeaderName.of("f").isCommaList()).isFalse();
    }

    private static String alternateCase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(i % 2 == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return b.toString();
    }
}
