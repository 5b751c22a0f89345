package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Laws the {@code s.} transformations keep for any input. */
class StringTransformationsPropertyTest {

    private static final ScriptContext CTX = new ScriptContext() {
    };

    private static Object tr(String name, Object input, Object... params) {
        List<ValueSource> ps = Arrays.stream(params)
                .map(p -> (ValueSource) Arg.constant(p, String.valueOf(p)))
                .collect(Collectors.toList());
        return StringTransformations.compile(name, ps).apply(input, CTX);
    }

    /** Well-formed text: any code points but surrogates, so any BMP or astral character. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<Integer> codePoint = Arbitraries.oneOf(
                Arbitraries.integers().between(0x20, 0x7e),
                Arbitraries.integers().between(0, 0x10ffff).filter(cp -> cp < 0xd800 || cp > 0xdfff));
        return codePoint.list().ofMaxSize(40)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                        StringBuilder::append).toString());
    }

    @Provide
    Arbitrary<String> ascii() {
        return Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(60);
    }

    /** Short strings over a small alphabet with many separators, to hit empty fields. */
    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.strings().withChars("ab,,").ofMaxLength(20);
    }

    @Property
    void decodeHexaUndoesEncodeHexa(@ForAll("text") String s) {
        Object hex = tr("s.encode.hexa", s);
        assertThat((String) hex).matches("[0-9a-f]*");
        assertThat(tr("s.decode.hexa", hex)).isEqualTo(s);
    }

    @Property
    void decodeBase64UndoesEncodeBase64(@ForAll("text") String s) {
        assertThat(tr("s.decode.base64", tr("s.encode.base64", s))).isEqualTo(s);
    }

    @Property
    void substrZeroZeroIsTheIdentityOnNonEmptyStrings(@ForAll String s) {
        assertThat(tr("s.substr", s, 0L, 0L)).isEqualTo(s.isEmpty() ? null : s);
    }

    @Property
    void toupperKeepsTheLengthOfAscii(@ForAll("ascii") String s) {
        assertThat(tr("s.len", tr("s.toupper", s))).isEqualTo(tr("s.len", s)).isEqualTo((long) s.length());
        assertThat(tr("s.len", tr("s.tolower", s))).isEqualTo((long) s.length());
    }

    @Property
    void caseChangesKeepTheByteLengthOfAnyText(@ForAll("text") String s) {
        assertThat(tr("s.len", tr("s.toupper", s))).isEqualTo(tr("s.len", s));
    }

    @Property
    void lenIsTheUtf8ByteCount(@ForAll String s) {
        assertThat(tr("s.len", s)).isEqualTo((long) s.getBytes(StandardCharsets.UTF_8).length);
    }

    @Property
    void unescapeCommonUndoesEscapeCommon(@ForAll("text") String s) {
        assertThat(tr("s.unescape.common", tr("s.escape.common", s))).isEqualTo(s);
    }

    @Property
    void intReadsWhatALongPrints(@ForAll long n) {
        assertThat(tr("s.int", Long.toString(n))).isEqualTo(n);
        assertThat(tr("s.len", n)).isEqualTo((long) Long.toString(n).length());
    }

    @Property
    void selectPicksTheFieldsOfASplit(@ForAll("fields") String s, @ForAll @IntRange(min = 0, max = 25) int i) {
        String[] parts = s.split(",", -1);
        String expected = i < parts.length ? parts[i] : "";
        assertThat(tr("s.select", s, (long) i, ",")).isEqualTo(expected);
        String expectedFromEnd = i < parts.length ? parts[parts.length - 1 - i] : "";
        assertThat(tr("s.select", s, (long) (-1 - i), ",")).isEqualTo(expectedFromEnd);
    }

    @Property
    void substrAgreesWithSubstring(@ForAll @StringLength(min = 1, max = 30) String s,
            @ForAll @IntRange(min = -40, max = 40) int offset, @ForAll @IntRange(min = 0, max = 40) int length) {
        int n = s.length();
        Object got = tr("s.substr", s, (long) offset, (long) length);
        if (offset >= n || offset < -n) {
            assertThat(got).isNull();
            return;
        }
        int start = offset >= 0 ? offset : n + offset;
        int end = length == 0 ? n : Math.min(n, start + length);
        assertThat(got).isEqualTo(s.substring(start, end));
    }

    @Property
    void stripAndStriptailSplitTheString(@ForAll("text") String s, @ForAll @IntRange(min = 0, max = 50) int k) {
        int cut = Math.min(k, s.length());
        Object head = tr("s.striptail", s, (long) (s.length() - cut));
        Object tail = tr("s.strip", s, (long) k);
        assertThat((String) head + tail).isEqualTo(s);
        assertThat((String) tail).hasSize(s.length() - cut);
    }

    @Property
    void prefixesListEveryPrefix(@ForAll("fields") String raw, @ForAll @IntRange(min = 0, max = 25) int max) {
        String s = raw.replace(",", "x");
        int m = max > 0 && max < s.length() ? max : s.length();
        String expected = IntStream.rangeClosed(1, m).mapToObj(i -> s.substring(0, i)).collect(Collectors.joining(","));
        assertThat(tr("s.prefixes", s, (long) max)).isEqualTo(expected);
    }
}
