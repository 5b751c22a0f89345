package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code s.} transformations against the examples of Kamailio's wiki page "Transformations"
 * (cookbooks 6.1.x) and the cases its code ({@code pv_trans.c}) decides where the page is silent.
 */
class StringTransformationsTest {

    /** A context with {@code $var}-like slots, for parameters read at run time. */
    static final class TestContext extends ScriptContext {
        final Map<String, Object> vars = new HashMap<>();
    }

    static ValueSource var(String name) {
        return ctx -> ((TestContext) ctx).vars.get(name);
    }

    /** Compiles {name} with the given parameters (plain values become constant Args) and applies it. */
    static Object tr(String name, Object input, Object... params) {
        return tr(new TestContext(), name, input, params);
    }

    static Object tr(TestContext ctx, String name, Object input, Object... params) {
        Transformation t = StringTransformations.compile(name, sources(params));
        assertThat(t).as("compile %s", name).isNotNull();
        return t.apply(input, ctx);
    }

    static List<ValueSource> sources(Object... params) {
        List<ValueSource> out = new ArrayList<>();
        for (Object p : params) {
            out.add(p instanceof ValueSource vs ? vs : Arg.constant(p, String.valueOf(p)));
        }
        return out;
    }

    static void assertCompileError(String name, String messagePart, Object... params) {
        assertThatThrownBy(() -> StringTransformations.compile(name, sources(params)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart);
    }

    @Nested
    class Catalogue {
        @Test
        void namesCoverTheListedTransformations() {
            assertThat(StringTransformations.names()).contains("s.len", "s.int", "s.substr", "s.select", "s.tolower",
                    "s.toupper", "s.strip", "s.striptail", "s.prefixes", "s.prefixes.quoted", "s.encode.hexa",
                    "s.decode.hexa", "s.md5", "s.escape.common", "s.unescape.common", "s.trim", "s.rtrim", "s.ltrim",
                    "s.numeric");
            assertThat(StringTransformations.names()).allMatch(n -> n.startsWith("s."));
        }

        @Test
        void namesAreReadOnly() {
            assertThatThrownBy(() -> StringTransformations.names().add("s.x"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void everyNameCompiles() {
            for (String name : StringTransformations.names()) {
                List<ValueSource> params = switch (name) {
                    case "s.substr" -> sources(0L, 0L);
                    case "s.select" -> sources(0L, ",");
                    case "s.strip", "s.striptail" -> sources(1L);
                    default -> List.of();
                };
                assertThat(StringTransformations.compile(name, params)).as(name).isNotNull();
            }
        }

        @Test
        void otherClassesAndUnknownNamesAreNotCompiledHere() {
            assertThat(StringTransformations.compile("uri.user", List.of())).isNull();
            assertThat(StringTransformations.compile("s.nosuch", List.of())).isNull();
            assertThat(StringTransformations.compile("len", List.of())).isNull();
            assertThat(StringTransformations.compile(null, List.of())).isNull();
        }

        @Test
        void namesIgnoreAsciiCaseAsKamailio() {
            assertThat(tr("s.LEN", "abc")).isEqualTo(3L);
            assertThat(tr("S.ToUpper", "abc")).isEqualTo("ABC");
        }

        @Test
        void aNullParameterListIsNoParameters() {
            assertThat(StringTransformations.compile("s.len", null).apply("ab", new TestContext())).isEqualTo(2L);
        }

        @Test
        void onlyConstantArgsAreCheckedAtCompileTime() {
            // a dynamic Arg or any other source is read when the route runs: no compile error, $null then
            TestContext ctx = new TestContext();
            ctx.vars.put("x", "abc");
            assertThat(tr(ctx, "s.substr", "abcd", Arg.dynamic(var("x"), "$var(x)"), 0L)).isNull();
            assertThat(tr(ctx, "s.substr", "abcd", (ValueSource) c -> "x", 0L)).isNull();
            ctx.vars.put("x", 2L);
            assertThat(tr(ctx, "s.substr", "abcd", Arg.dynamic(var("x"), "$var(x)"), 0L)).isEqualTo("cd");
        }

        @Test
        void nullInputGivesNullEverywhere() {
            for (String name : StringTransformations.names()) {
                List<ValueSource> params = switch (name) {
                    case "s.substr" -> sources(0L, 0L);
                    case "s.select" -> sources(0L, ",");
                    case "s.strip", "s.striptail" -> sources(1L);
                    default -> List.of();
                };
                assertThat(StringTransformations.compile(name, params).apply(null, new TestContext())).as(name).isNull();
            }
        }

        @Test
        void wrongParameterCountsSayWhatIsExpected() {
            assertCompileError("s.len", "s.len takes no parameters (got 1)", 1L);
            assertCompileError("s.md5", "s.md5 takes no parameters (got 2)", "a", "b");
            assertCompileError("s.substr", "s.substr needs 2 parameters: offset, length (got 1)", 1L);
            assertCompileError("s.substr", "s.substr needs 2 parameters: offset, length (got 3)", 1L, 2L, 3L);
            assertCompileError("s.substr", "(got 0)");
            assertCompileError("s.select", "s.select needs 2 parameters: index, separator (got 1)", 1L);
            assertCompileError("s.strip", "s.strip needs 1 parameter: length (got 0)");
            assertCompileError("s.striptail", "s.striptail needs 1 parameter: length (got 2)", 1L, 2L);
            assertCompileError("s.prefixes", "s.prefixes takes at most 1 parameter: max length (got 2)", 1L, 2L);
        }
    }

    @Nested
    class Len {
        @Test
        void docExample() {
            assertThat(tr("s.len", "abc")).isEqualTo(3L);
        }

        @Test
        void edges() {
            assertThat(tr("s.len", "")).isEqualTo(0L);
            assertThat(tr("s.len", 1234L)).isEqualTo(4L);
            assertThat(tr("s.len", -5L)).isEqualTo(2L);
            assertThat(tr("s.len", null)).isNull();
        }

        @Test
        void countsUtf8Bytes() {
            assertThat(tr("s.len", "Jörg")).isEqualTo(5L);
            assertThat(tr("s.len", "€")).isEqualTo(3L);
            assertThat(tr("s.len", "\uD83D\uDE00")).isEqualTo(4L); // one emoji, a surrogate pair
            assertThat(tr("s.len", "\uD83D")).isEqualTo(1L); // a lone surrogate encodes as '?'
        }
    }

    @Nested
    class Int {
        @Test
        void docExample() {
            assertThat(tr("s.int", "1234")).isEqualTo(1234L);
        }

        @ParameterizedTest
        @CsvSource(value = {"-12, -12", "+7, 7", "007, 7", "'', 0", "-, 0",
            "9223372036854775807, 9223372036854775807", "-9223372036854775808, -9223372036854775808"})
        void numbersAsStr2slong(String in, long expected) {
            assertThat(tr("s.int", in)).isEqualTo(expected);
            assertThat(tr("s.intv", in)).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource(value = {"12ab", "abc", "' 1'", "'1 '", "1.5", "9223372036854775808", "--1", "0x10"})
        void notANumberFailsAsInKamailio(String in) {
            assertThat(tr("s.int", in)).isNull();
        }

        @Test
        void aLongPassesThrough() {
            Long v = 123456789L;
            assertThat(tr("s.int", v)).isSameAs(v);
            assertThat(tr("s.int", null)).isNull();
        }
    }

    @Nested
    class Digests {
        @Test
        void md5IsLowercaseHex() {
            assertThat(tr("s.md5", "")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
            assertThat(tr("s.md5", "abc")).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
            assertThat(tr("s.md5", 123L)).isEqualTo("202cb962ac59075b964b07152d234b70");
        }

        @Test
        void md5DigestsTheUtf8Bytes() {
            assertThat(tr("s.md5", "ö")).isEqualTo("a172480f4e21d0a124bac19c89569c59"); // md5 of c3 b6
        }

        @Test
        void shaFamily() {
            assertThat(tr("s.sha1", "abc")).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
            assertThat(tr("s.sha256", "abc"))
                    .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
            assertThat((String) tr("s.sha384", "abc")).hasSize(96).matches("[0-9a-f]+");
            assertThat((String) tr("s.sha512", "abc")).hasSize(128).matches("[0-9a-f]+")
                    .startsWith("ddaf35a193617aba");
        }
    }

    @Nested
    class Substr {
        @Test
        void docExample() {
            assertThat(tr("s.substr", "abcd", 1L, 0L)).isEqualTo("bcd");
        }

        @ParameterizedTest
        @CsvSource(value = {"1, 2, bc", "0, 0, abcd", "0, 4, abcd", "3, 10, d", "3, 1, d", "-1, 0, d", "-2, 1, c",
            "-4, 2, ab", "-2, 5, cd", "-2, 2, cd", "-4, 0, abcd"})
        void inRange(long offset, long length, String expected) {
            assertThat(tr("s.substr", "abcd", offset, length)).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource(value = {"4, 0", "5, 1", "-5, 0", "-9223372036854775808, 1", "9223372036854775807, 0"})
        void offsetOutOfRangeFails(long offset, long length) {
            assertThat(tr("s.substr", "abcd", offset, length)).isNull();
        }

        @Test
        void emptyStringAlwaysFails() {
            assertThat(tr("s.substr", "", 0L, 0L)).isNull();
            assertThat(tr("s.substr", "", -1L, 0L)).isNull();
        }

        @Test
        void hugeLengthMeansToTheEnd() {
            assertThat(tr("s.substr", "abcd", 1L, Long.MAX_VALUE)).isEqualTo("bcd");
        }

        @Test
        void longInputIsItsDecimalString() {
            assertThat(tr("s.substr", 12345L, 1L, 2L)).isEqualTo("23");
            assertThat(tr("s.substr", -12L, 0L, 1L)).isEqualTo("-");
        }

        @Test
        void constantStringParametersAreNumbers() {
            assertThat(tr("s.substr", "abcd", "1", "2")).isEqualTo("bc");
            assertThat(tr("s.substr", "abcd", " -1 ", "+0")).isEqualTo("d");
            assertThat(tr("s.substr", "abcd", "- 2", "0")).isEqualTo("cd"); // Kamailio skips blanks after the sign
        }

        @Test
        void nonNumericConstantParametersAreCompileErrors() {
            assertCompileError("s.substr", "s.substr: the offset must be an integer or a pseudo-variable, not \"x\"",
                    "x", 1L);
            assertCompileError("s.substr", "the length must be an integer or a pseudo-variable, not \"2a\"", 1L, "2a");
            assertCompileError("s.substr", "the offset must be an integer", "", 1L);
            assertCompileError("s.substr", "the offset must be an integer", "-", 1L);
            assertCompileError("s.substr", "the offset must be an integer", "99999999999999999999", 1L);
        }

        @Test
        void negativeConstantLengthIsACompileError() {
            assertCompileError("s.substr", "s.substr: the length must not be negative (0 means to the end), not -1",
                    0L, -1L);
            assertCompileError("s.substr", "must not be negative", 0L, "-3");
        }

        @Test
        void runTimeParametersAreReadOnEachCall() {
            TestContext ctx = new TestContext();
            Transformation t = StringTransformations.compile("s.substr", List.of(var("o"), var("l")));
            ctx.vars.put("o", 1L);
            ctx.vars.put("l", "2");
            assertThat(t.apply("abcd", ctx)).isEqualTo("bc");
            ctx.vars.put("o", -1L);
            ctx.vars.put("l", 0L);
            assertThat(t.apply("abcd", ctx)).isEqualTo("d");
        }

        @Test
        void badRunTimeParametersFail() {
            TestContext ctx = new TestContext();
            ctx.vars.put("neg", -1L);
            ctx.vars.put("txt", "abc");
            ctx.vars.put("empty", "");
            assertThat(tr(ctx, "s.substr", "abcd", 0L, var("neg"))).isNull();
            assertThat(tr(ctx, "s.substr", "abcd", var("txt"), 0L)).isNull();
            assertThat(tr(ctx, "s.substr", "abcd", var("empty"), 0L)).isNull();
            assertThat(tr(ctx, "s.substr", "abcd", var("unset"), 0L)).isNull();
        }

        @Test
        void nonAsciiCountsChars() {
            assertThat(tr("s.substr", "Jörg", 1L, 2L)).isEqualTo("ör");
            assertThat(tr("s.substr", "Jörg", -1L, 0L)).isEqualTo("g");
        }
    }

    @Nested
    class Select {
        @Test
        void docExamples() {
            assertThat(tr("s.select", "12,34,56", 1L, ",")).isEqualTo("34");
            assertThat(tr("s.select", "12,34,56", -2L, ",")).isEqualTo("34");
        }

        @ParameterizedTest
        @CsvSource(value = {"0, 12", "1, 34", "2, 56", "-1, 56", "-3, 12"})
        void everyField(long index, String expected) {
            assertThat(tr("s.select", "12,34,56", index, ",")).isEqualTo(expected);
        }

        @Test
        void pastTheFieldsIsEmptyAsInKamailio() {
            assertThat(tr("s.select", "12,34,56", 3L, ",")).isEqualTo("");
            assertThat(tr("s.select", "12,34,56", -4L, ",")).isEqualTo("");
            assertThat(tr("s.select", "", 1L, ",")).isEqualTo("");
        }

        @Test
        void emptyFields() {
            assertThat(tr("s.select", "", 0L, ",")).isEqualTo("");
            assertThat(tr("s.select", ",a,", 0L, ",")).isEqualTo("");
            assertThat(tr("s.select", ",a,", 1L, ",")).isEqualTo("a");
            assertThat(tr("s.select", ",a,", 2L, ",")).isEqualTo("");
            assertThat(tr("s.select", ",a,", -1L, ",")).isEqualTo("");
            assertThat(tr("s.select", "abc", 0L, ",")).isEqualTo("abc");
            assertThat(tr("s.select", "abc", -1L, ",")).isEqualTo("abc");
        }

        @Test
        void escapedSeparators() {
            assertThat(tr("s.select", "a\tb", 1L, "\\t")).isEqualTo("b");
            assertThat(tr("s.select", "a\nb\rc", 1L, "\\n")).isEqualTo("b\rc");
            assertThat(tr("s.select", "a\nb\rc", -1L, "\\r")).isEqualTo("c");
            assertThat(tr("s.select", "a\\b", 1L, "\\\\")).isEqualTo("b");
            assertThat(tr("s.select", "a b\tc", 1L, "\\w")).isEqualTo("b\tc");
            assertThat(tr("s.select", "a b\tc\r\nd", 2L, "\\s")).isEqualTo("c");
            assertThat(tr("s.select", "a b\tc\r\nd", -1L, "\\s")).isEqualTo("d");
            assertThat(tr("s.select", "a b\tc\r\nd", 3L, "\\s")).isEqualTo(""); // between \r and \n
        }

        @Test
        void longInputAndSeparator() {
            assertThat(tr("s.select", 1020304L, 1L, "0")).isEqualTo("2");
            assertThat(tr("s.select", 1020304L, 1L, 0L)).isEqualTo("2");
        }

        @Test
        void badConstantsAreCompileErrors() {
            assertCompileError("s.select", "s.select: the separator must be one character or one of \\\\ \\t \\n \\r"
                    + " \\w \\s, not \"ab\"", 0L, "ab");
            assertCompileError("s.select", "not \"\\x\"", 0L, "\\x");
            assertCompileError("s.select", "not \"\"", 0L, "");
            assertCompileError("s.select", "s.select: the index must be an integer or a pseudo-variable, not \"one\"",
                    "one", ",");
        }

        @Test
        void runTimeParameters() {
            TestContext ctx = new TestContext();
            ctx.vars.put("i", 2L);
            ctx.vars.put("sep", ";");
            assertThat(tr(ctx, "s.select", "a;b;c", var("i"), var("sep"))).isEqualTo("c");
            ctx.vars.put("sep", "\\s");
            assertThat(tr(ctx, "s.select", "a b c", var("i"), var("sep"))).isEqualTo("c");
            ctx.vars.put("sep", ";;");
            assertThat(tr(ctx, "s.select", "a;b;c", var("i"), var("sep"))).isNull();
            ctx.vars.put("i", "x");
            assertThat(tr(ctx, "s.select", "a;b;c", var("i"), ";")).isNull();
        }
    }

    @Nested
    class Case {
        @Test
        void asciiOnly() {
            assertThat(tr("s.tolower", "AbC-ÖÉ")).isEqualTo("abc-ÖÉ");
            assertThat(tr("s.toupper", "abc-öé")).isEqualTo("ABC-öé");
            assertThat(tr("s.toupper", "")).isEqualTo("");
        }

        @Test
        void unchangedStringsAreNotCopied() {
            String s = "already lower 123";
            assertThat(tr("s.tolower", s)).isSameAs(s);
        }

        @Test
        void aLongStaysALongAsKamailioKeepsTheIntegerFlag() {
            Long v = 42L;
            assertThat(tr("s.tolower", v)).isSameAs(v);
            assertThat(tr("s.toupper", v)).isSameAs(v);
        }
    }

    @Nested
    class Strip {
        @Test
        void docExample() {
            assertThat(tr("s.strip", "1234", 2L)).isEqualTo("34");
        }

        @ParameterizedTest
        @CsvSource(value = {"0, 1234, 1234", "-1, 1234, 1234", "1, 234, 123", "3, 4, 1", "4, '', ''",
            "10, '', ''"})
        void headAndTail(long n, String stripped, String tailStripped) {
            assertThat(tr("s.strip", "1234", n)).isEqualTo(stripped);
            assertThat(tr("s.striptail", "1234", n)).isEqualTo(tailStripped);
        }

        @Test
        void longInputBecomesAString() {
            assertThat(tr("s.strip", 1234L, 2L)).isEqualTo("34");
            assertThat(tr("s.strip", 1234L, 0L)).isEqualTo("1234");
            assertThat(tr("s.striptail", 1234L, 1L)).isEqualTo("123");
        }

        @Test
        void emptyString() {
            assertThat(tr("s.strip", "", 1L)).isEqualTo("");
            assertThat(tr("s.striptail", "", 0L)).isEqualTo("");
        }

        @Test
        void parameters() {
            assertCompileError("s.strip", "s.strip: the length must be an integer or a pseudo-variable, not \"two\"",
                    "two");
            TestContext ctx = new TestContext();
            ctx.vars.put("n", "3");
            assertThat(tr(ctx, "s.striptail", "abcdef", var("n"))).isEqualTo("abc");
            ctx.vars.put("n", null);
            assertThat(tr(ctx, "s.striptail", "abcdef", var("n"))).isNull();
        }
    }

    @Nested
    class Prefixes {
        @Test
        void docExamples() {
            assertThat(tr("s.prefixes", "123456")).isEqualTo("1,12,123,1234,12345,123456");
            assertThat(tr("s.prefixes", "123456", 4L)).isEqualTo("1,12,123,1234");
            assertThat(tr("s.prefixes.quoted", "123456")).isEqualTo("'1','12','123','1234','12345','123456'");
            assertThat(tr("s.prefixes.quoted", "123456", 4L)).isEqualTo("'1','12','123','1234'");
        }

        @Test
        void limitsThatDoNotLimit() {
            assertThat(tr("s.prefixes", "123", 0L)).isEqualTo("1,12,123");
            assertThat(tr("s.prefixes", "123", -2L)).isEqualTo("1,12,123");
            assertThat(tr("s.prefixes", "123", 3L)).isEqualTo("1,12,123");
            assertThat(tr("s.prefixes", "123", 10L)).isEqualTo("1,12,123");
        }

        @Test
        void edges() {
            assertThat(tr("s.prefixes", "")).isEqualTo("");
            assertThat(tr("s.prefixes.quoted", "")).isEqualTo("");
            assertThat(tr("s.prefixes", "7")).isEqualTo("7");
            assertThat(tr("s.prefixes", 123L)).isEqualTo("1,12,123");
        }

        @Test
        void kamailiosBufferLimitIsKept() {
            String s300 = "1".repeat(300);
            String s400 = "1".repeat(400);
            assertThat(tr("s.prefixes", s300)).isNotNull();
            assertThat(tr("s.prefixes", s400)).isNull();
            assertThat(tr("s.prefixes", s400, 10L)).isEqualTo(tr("s.prefixes", "1".repeat(10)));
        }

        @Test
        void parameters() {
            assertCompileError("s.prefixes", "s.prefixes: the max length must be an integer or a pseudo-variable",
                    "x");
            TestContext ctx = new TestContext();
            ctx.vars.put("n", 2L);
            assertThat(tr(ctx, "s.prefixes", "123", var("n"))).isEqualTo("1,12");
            ctx.vars.put("n", "z");
            assertThat(tr(ctx, "s.prefixes", "123", var("n"))).isNull();
        }
    }

    @Nested
    class Codings {
        @Test
        void hexa() {
            assertThat(tr("s.encode.hexa", "abc")).isEqualTo("616263");
            assertThat(tr("s.encode.hexa", "")).isEqualTo("");
            assertThat(tr("s.encode.hexa", "ö")).isEqualTo("c3b6");
            assertThat(tr("s.encode.hexa", 10L)).isEqualTo("3130");
            assertThat(tr("s.decode.hexa", "616263")).isEqualTo("abc");
            assertThat(tr("s.decode.hexa", "C3B6")).isEqualTo("ö");
            assertThat(tr("s.decode.hexa", "")).isEqualTo("");
            assertThat(tr("s.decode.hexa", 3130L)).isEqualTo("10");
        }

        @Test
        void decodeHexaAsKamailio() {
            assertThat(tr("s.decode.hexa", "6162634")).isEqualTo("abc"); // an odd last digit is ignored
            assertThat(tr("s.decode.hexa", "61G2")).isNull();
            assertThat(tr("s.decode.hexa", "6 ")).isNull();
            assertThat(tr("s.decode.hexa", "\u0661\u0662")).isNull(); // Arabic-Indic digits are not hex
        }

        @Test
        void decodedBytesThatAreNotUtf8BecomeReplacementChars() {
            assertThat(tr("s.decode.hexa", "ff")).isEqualTo("\uFFFD");
        }

        @Test
        void base64() {
            assertThat(tr("s.encode.base64", "abc")).isEqualTo("YWJj");
            assertThat(tr("s.encode.base64", "ab")).isEqualTo("YWI=");
            assertThat(tr("s.decode.base64", "YWI=")).isEqualTo("ab");
            assertThat(tr("s.decode.base64", "")).isEqualTo("");
            assertThat(tr("s.decode.base64", "!!")).isNull();
        }

        @Test
        void escapeCommon() {
            assertThat(tr("s.escape.common", "a'b\"c\\d")).isEqualTo("a\\'b\\\"c\\\\d");
            assertThat(tr("s.escape.common", "a\0b")).isEqualTo("a\\0b");
            assertThat(tr("s.escape.common", "")).isEqualTo("");
            assertThat(tr("s.escape.common", 12L)).isEqualTo("12");
            String plain = "nothing to escape";
            assertThat(tr("s.escape.common", plain)).isSameAs(plain);
        }

        @Test
        void unescapeCommon() {
            assertThat(tr("s.unescape.common", "a\\'b\\\"c\\\\d")).isEqualTo("a'b\"c\\d");
            assertThat(tr("s.unescape.common", "a\\0b")).isEqualTo("a\0b");
            assertThat(tr("s.unescape.common", "a\\xb")).isEqualTo("a\\xb"); // other escapes are kept
            assertThat(tr("s.unescape.common", "ab\\")).isEqualTo("ab\\"); // so is a final backslash
            assertThat(tr("s.unescape.common", "\\\\\\'")).isEqualTo("\\'");
        }

        @Test
        void numeric() {
            assertThat(tr("s.numeric", "(040)1234/567-89")).isEqualTo("040123456789");
            assertThat(tr("s.numeric", "abc")).isEqualTo("");
            assertThat(tr("s.numeric", -12L)).isEqualTo("12");
        }
    }

    @Nested
    class Whitespace {
        @Test
        void trims() {
            String s = " \t a b \r\n";
            assertThat(tr("s.trim", s)).isEqualTo("a b");
            assertThat(tr("s.rtrim", s)).isEqualTo(" \t a b");
            assertThat(tr("s.ltrim", s)).isEqualTo("a b \r\n");
            assertThat(tr("s.trim", " \t\r\n")).isEqualTo("");
            assertThat(tr("s.trim", "")).isEqualTo("");
            assertThat(tr("s.trim", "\u00a0x\u00a0")).isEqualTo("\u00a0x\u00a0"); // only the four blanks
            assertThat(tr("s.trim", 5L)).isEqualTo("5");
        }

        @Test
        void rmws() {
            assertThat(tr("s.rmws", " a b\tc\r\n")).isEqualTo("abc");
            assertThat(tr("s.rmws", "")).isEqualTo("");
        }

        @Test
        void unquote() {
            assertThat(tr("s.unquote", "\"alice\"")).isEqualTo("alice");
            assertThat(tr("s.unquote", "'alice'")).isEqualTo("alice");
            assertThat(tr("s.unquote", "\"\"")).isEqualTo("");
            assertThat(tr("s.unquote", "\"alice'")).isEqualTo("\"alice'");
            assertThat(tr("s.unquote", "\"")).isEqualTo("\"");
            Long v = 7L;
            assertThat(tr("s.unquote", v)).isSameAs(v);
        }

        @Test
        void unbracket() {
            assertThat(tr("s.unbracket", "<sip:alice@test.sip>")).isEqualTo("sip:alice@test.sip");
            assertThat(tr("s.unbracket", "(a)")).isEqualTo("a");
            assertThat(tr("s.unbracket", "[a]")).isEqualTo("a");
            assertThat(tr("s.unbracket", "{a}")).isEqualTo("a");
            assertThat(tr("s.unbracket", "(a]")).isEqualTo("(a]");
            assertThat(tr("s.unbracket", "<")).isEqualTo("<");
        }
    }

    @Test
    void chainedAsInTheDocIntro() {
        // $(hdr(Test){s.escape.common}{s.len})
        TestContext ctx = new TestContext();
        Transformation esc = StringTransformations.compile("s.escape.common", List.of());
        Transformation len = StringTransformations.compile("s.len", List.of());
        assertThat(len.apply(esc.apply("it's", ctx), ctx)).isEqualTo(5L);
    }
}
