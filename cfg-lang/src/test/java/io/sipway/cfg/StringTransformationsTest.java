package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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

    /** Parameters each transformation compiles with. */
    static List<ValueSource> sampleParams(String name) {
        return switch (name) {
            case "s.substr" -> sources(0L, 0L);
            case "s.select" -> sources(0L, ",");
            case "s.strip", "s.striptail" -> sources(1L);
            case "s.replace" -> sources("a", "b");
            case "s.rm", "s.count", "s.before", "s.rbefore", "s.after", "s.rafter" -> sources("a");
            case "s.fmtlines", "s.fmtlinet" -> sources(4L, 2L);
            case "s.ftime" -> sources("%s");
            default -> List.of();
        };
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
                assertThat(StringTransformations.compile(name, sampleParams(name))).as(name).isNotNull();
            }
        }

        @Test
        void everyNameOfKamailios56WikiPageIsHere() {
            // the s. transformations of cookbooks/5.6.x/transformations.md, every one of them
            assertThat(StringTransformations.names()).contains("s.len", "s.int", "s.md5", "s.sha256", "s.sha384",
                    "s.sha512", "s.substr", "s.select", "s.encode.7bit", "s.decode.7bit", "s.encode.hexa",
                    "s.decode.hexa", "s.encode.base58", "s.decode.base58", "s.encode.base64", "s.decode.base64",
                    "s.encode.base64t", "s.decode.base64t", "s.encode.base64url", "s.decode.base64url",
                    "s.encode.base64urlt", "s.decode.base64urlt", "s.escape.common", "s.unescape.common",
                    "s.escape.user", "s.unescape.user", "s.escape.param", "s.unescape.param", "s.escape.csv",
                    "s.numeric", "s.tolower", "s.toupper", "s.strip", "s.striptail", "s.prefixes",
                    "s.prefixes.quoted", "s.replace", "s.ftime", "s.trim", "s.rtrim", "s.ltrim", "s.rm", "s.rmws",
                    "s.corehash", "s.unquote", "s.unbracket", "s.count", "s.after", "s.rafter", "s.before",
                    "s.rbefore", "s.fmtlines", "s.fmtlinet", "s.urlencode.param", "s.urldecode.param");
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
                Transformation t = StringTransformations.compile(name, sampleParams(name));
                assertThat(t.apply(null, new TestContext())).as(name).isNull();
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

    @Nested
    class Replace {
        @Test
        void docExample() {
            assertThat(tr("s.replace", "abababa", "a", "c")).isEqualTo("cbcbcbc");
        }

        @Test
        void everyOccurrenceLeftToRightWithoutOverlap() {
            assertThat(tr("s.replace", "aaaa", "aa", "b")).isEqualTo("bb");
            assertThat(tr("s.replace", "aaa", "aa", "b")).isEqualTo("ba");
            assertThat(tr("s.replace", "abc", "abc", "xyz")).isEqualTo("xyz");
            assertThat(tr("s.replace", "abc", "x", "y")).isEqualTo("abc");
            assertThat(tr("s.replace", "", "x", "y")).isEqualTo("");
        }

        @Test
        void theMatchIsLiteralTextNotAPattern() {
            assertThat(tr("s.replace", "a.b.c", ".", "_")).isEqualTo("a_b_c");
            assertThat(tr("s.replace", "2*3", "*", "x")).isEqualTo("2x3");
        }

        @Test
        void aConstantReplacementMayBeEmpty() {
            assertThat(tr("s.replace", "a-b-c", "-", "")).isEqualTo("abc");
        }

        @Test
        void constantsAsKamailioParsesThem() {
            // blanks before a parameter are skipped, spaces after it are part of it
            assertThat(tr("s.replace", "a a", " a", "b")).isEqualTo("b b");
            assertThat(tr("s.replace", "a a b", "a ", "x")).isEqualTo("xxb");
            assertThat(tr("s.replace", "1+1", "+", " plus ")).isEqualTo("1plus 1");
        }

        @Test
        void longInputIsItsDecimalString() {
            assertThat(tr("s.replace", 1010L, "0", "x")).isEqualTo("1x1x");
        }

        @Test
        void pseudoVariableParametersMustHoldText() {
            TestContext ctx = new TestContext();
            ctx.vars.put("m", "b");
            ctx.vars.put("r", "X");
            assertThat(tr(ctx, "s.replace", "abab", var("m"), var("r"))).isEqualTo("aXaX");
            ctx.vars.put("m", 1L);
            assertThat(tr(ctx, "s.replace", "a1b1", var("m"), var("r"))).isEqualTo("aXbX");
            ctx.vars.put("r", "");
            assertThat(tr(ctx, "s.replace", "a1b1", var("m"), var("r"))).isNull(); // Kamailio: "cannot get p2"
            assertThat(tr(ctx, "s.replace", "a1b1", var("unset"), "x")).isNull();
        }

        @Test
        void badConstantsAreCompileErrors() {
            assertCompileError("s.replace", "s.replace: the text to replace must not be empty", "", "x");
            assertCompileError("s.replace", "the text to replace must not be empty", "  ", "x");
            assertCompileError("s.replace", "the replacement cannot hold a tab or a line break", "a", "x\ty");
            assertCompileError("s.replace", "s.replace needs 2 parameters: match, replacement (got 1)", "a");
        }

        @Test
        void aResultBeyondKamailiosBufferFails() {
            String x100 = "x".repeat(100);
            assertThat((String) tr("s.replace", "a".repeat(600), "a", x100)).hasSize(60_000);
            assertThat(tr("s.replace", "a".repeat(700), "a", x100)).isNull();
        }
    }

    @Nested
    class Rm {
        @Test
        void removesEveryOccurrence() {
            assertThat(tr("s.rm", "testing a test", "test")).isEqualTo("ing a ");
            assertThat(tr("s.rm", "abc", "x")).isEqualTo("abc");
            assertThat(tr("s.rm", 1001L, "0")).isEqualTo("11");
        }

        @Test
        void aConstantMayHoldEscapes() {
            assertThat(tr("s.rm", "a\nb\tc\r", "\\n")).isEqualTo("ab\tc\r");
            assertThat(tr("s.rm", "a\nb\tc\r", "\\t")).isEqualTo("a\nbc\r");
            assertThat(tr("s.rm", "a\nb\tc\r", "\\r")).isEqualTo("a\nb\tc");
            assertThat(tr("s.rm", "a\\b\\c", "\\\\")).isEqualTo("abc");
            assertThat(tr("s.rm", "axbx", "\\x")).isEqualTo("ab"); // any other escaped character is itself
            assertThat(tr("s.rm", "a\\b", "\\")).isEqualTo("ab"); // a lone final backslash is itself
        }

        @Test
        void aPseudoVariableIsTakenAsItIs() {
            TestContext ctx = new TestContext();
            ctx.vars.put("m", "\\n");
            assertThat(tr(ctx, "s.rm", "a\\nb\n", var("m"))).isEqualTo("ab\n");
            ctx.vars.put("m", "");
            assertThat(tr(ctx, "s.rm", "abc", var("m"))).isNull();
        }

        @Test
        void anEmptyConstantIsACompileError() {
            assertCompileError("s.rm", "s.rm: the text to remove must not be empty", "");
        }
    }

    @Nested
    class Count {
        @Test
        void docExample() {
            assertThat(tr("s.count", "abababa", "a")).isEqualTo(4L);
        }

        @Test
        void countsTheFirstCharacterOfTheParameter() {
            assertThat(tr("s.count", "abababa", "ab")).isEqualTo(4L);
            assertThat(tr("s.count", "abc", "x")).isEqualTo(0L);
            assertThat(tr("s.count", "", "x")).isEqualTo(0L);
            assertThat(tr("s.count", "Jörg Jörg", "ö")).isEqualTo(2L);
            assertThat(tr("s.count", 1001L, "0")).isEqualTo(2L);
        }

        @Test
        void theCommaIsWrittenAsTwoCommas() {
            // {s.count,,}: the script parser hands over "," as the one parameter
            assertThat(tr("s.count", "a,b,,c", ",")).isEqualTo(3L);
        }

        @Test
        void parameters() {
            TestContext ctx = new TestContext();
            ctx.vars.put("c", "b");
            assertThat(tr(ctx, "s.count", "abababa", var("c"))).isEqualTo(3L);
            ctx.vars.put("c", "");
            assertThat(tr(ctx, "s.count", "abababa", var("c"))).isNull();
            assertCompileError("s.count", "s.count: the character must not be empty", "");
        }
    }

    @Nested
    class BeforeAndAfter {
        @Test
        void docExamples() {
            assertThat(tr("s.after", "abcdef", "c")).isEqualTo("def");
            assertThat(tr("s.rafter", "abcdefcgh", "c")).isEqualTo("gh");
            assertThat(tr("s.before", "abcdef", "c")).isEqualTo("ab");
            assertThat(tr("s.rbefore", "abcdefcgh", "c")).isEqualTo("abcdef");
        }

        @Test
        void withoutTheCharacterBeforeIsTheWholeValueAndAfterIsEmpty() {
            assertThat(tr("s.before", "abcdef", "x")).isEqualTo("abcdef");
            assertThat(tr("s.rbefore", "abcdef", "x")).isEqualTo("abcdef");
            assertThat(tr("s.after", "abcdef", "x")).isEqualTo("");
            assertThat(tr("s.rafter", "abcdef", "x")).isEqualTo("");
        }

        @Test
        void atTheEdges() {
            assertThat(tr("s.before", "cab", "c")).isEqualTo("");
            assertThat(tr("s.after", "abc", "c")).isEqualTo("");
            assertThat(tr("s.rbefore", "cab", "c")).isEqualTo("");
            assertThat(tr("s.rafter", "abc", "c")).isEqualTo("");
            assertThat(tr("s.after", "", "c")).isEqualTo("");
            assertThat(tr("s.before", "", "c")).isEqualTo("");
        }

        @Test
        void onSipValues() {
            assertThat(tr("s.before", "alice@atlanta.com", "@")).isEqualTo("alice");
            assertThat(tr("s.after", "alice@atlanta.com", "@")).isEqualTo("atlanta.com");
            assertThat(tr("s.rafter", "sip:alice@10.0.0.1:5060", ":")).isEqualTo("5060");
            assertThat(tr("s.rbefore", "a,b,c", ",")).isEqualTo("a,b");
            assertThat(tr("s.after", 123456L, "3")).isEqualTo("456");
        }

        @Test
        void parameters() {
            TestContext ctx = new TestContext();
            ctx.vars.put("c", "@");
            assertThat(tr(ctx, "s.after", "alice@atlanta.com", var("c"))).isEqualTo("atlanta.com");
            assertThat(tr(ctx, "s.before", "alice@atlanta.com", var("unset"))).isNull();
            assertCompileError("s.rafter", "s.rafter: the character must not be empty", "");
        }
    }

    @Nested
    class FmtLines {
        @Test
        void docExamples() {
            assertThat(tr("s.fmtlines", "abcdefgh", 4L, 2L)).isEqualTo("abcd\r\n  efgh");
            assertThat(tr("s.fmtlinet", "abcdefgh", 4L, 2L)).isEqualTo("abcd\r\n\t\tefgh");
        }

        @Test
        void linesOfNCharactersTheLastOneShorter() {
            assertThat(tr("s.fmtlines", "abcdefghij", 4L, 0L)).isEqualTo("abcd\r\nefgh\r\nij");
            assertThat(tr("s.fmtlines", "abcd", 4L, 2L)).isEqualTo("abcd");
            assertThat(tr("s.fmtlines", "ab", 4L, 2L)).isEqualTo("ab");
            assertThat(tr("s.fmtlines", "", 4L, 2L)).isEqualTo("");
            assertThat(tr("s.fmtlines", 123456L, 2L, 1L)).isEqualTo("12\r\n 34\r\n 56");
        }

        @Test
        void parameters() {
            assertCompileError("s.fmtlines", "s.fmtlines: the line length must be positive, not 0", 0L, 2L);
            assertCompileError("s.fmtlines", "the line length must be positive, not -1", -1L, 2L);
            assertCompileError("s.fmtlinet", "s.fmtlinet: the indent must not be negative, not -2", 4L, -2L);
            assertCompileError("s.fmtlines", "the indent must be an integer or a pseudo-variable", 4L, "x");
            TestContext ctx = new TestContext();
            ctx.vars.put("n", 3L);
            ctx.vars.put("m", "1");
            assertThat(tr(ctx, "s.fmtlines", "abcdef", var("n"), var("m"))).isEqualTo("abc\r\n def");
            ctx.vars.put("n", 0L);
            assertThat(tr(ctx, "s.fmtlines", "abcdef", var("n"), var("m"))).isNull();
            ctx.vars.put("n", 3L);
            ctx.vars.put("m", -1L);
            assertThat(tr(ctx, "s.fmtlines", "abcdef", var("n"), var("m"))).isNull();
        }

        @Test
        void aResultBeyondKamailiosBufferFails() {
            assertThat(tr("s.fmtlines", "ab", 1L, 70_000L)).isNull();
            assertThat(tr("s.fmtlines", "a", 2L, 70_000L)).isEqualTo("a"); // shorter than a line: nothing added
        }
    }

    @Nested
    class CoreHash {
        // values of Kamailio's core_hash (src/core/hashes.h) on x86-64
        @Test
        void theHashAsADecimalString() {
            assertThat(tr("s.corehash", "")).isEqualTo("0");
            assertThat(tr("s.corehash", "a")).isEqualTo("109");
            assertThat(tr("s.corehash", "abc")).isEqualTo("7167810");
            assertThat(tr("s.corehash", "abcd")).isEqualTo("1834959896");
            assertThat(tr("s.corehash", "alice@example.com")).isEqualTo("2920418261");
            assertThat(tr("s.corehash", 1234567890L)).isEqualTo("1790332925");
        }

        @Test
        void nonAsciiBytesAreSignedChars() {
            assertThat(tr("s.corehash", "Jörg")).isEqualTo("1090848987");
        }

        @Test
        void withNTheSlotInATableOfNEntries() {
            assertThat(tr("s.corehash", "abc", 16L)).isEqualTo("2");
            assertThat(tr("s.corehash", "sip:alice@atlanta.com", 1024L)).isEqualTo("377");
            assertThat(tr("s.corehash", "sip:alice@atlanta.com", "16")).isEqualTo("9");
            assertThat(tr("s.corehash", "abc", 0L)).isEqualTo("7167810");
        }

        @Test
        void parameters() {
            TestContext ctx = new TestContext();
            ctx.vars.put("n", 16L);
            assertThat(tr(ctx, "s.corehash", "abcd", var("n"))).isEqualTo("8");
            ctx.vars.put("n", "x");
            assertThat(tr(ctx, "s.corehash", "abcd", var("n"))).isNull();
            assertCompileError("s.corehash", "s.corehash: the table size must be an integer", "sixteen");
        }
    }

    @Nested
    class Ftime {
        @Test
        void docExampleFormatsInTheLocalTimeZone() {
            // $(TS{s.ftime,%Y-%m-%d %H:%M:%S})
            long ts = 1_700_000_000L;
            String expected = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .format(Instant.ofEpochSecond(ts).atZone(ZoneId.systemDefault()));
            assertThat(tr("s.ftime", ts, "%Y-%m-%d %H:%M:%S")).isEqualTo(expected);
        }

        @Test
        void theValueIsAnEpochAsStr2slongReadsIt() {
            assertThat(tr("s.ftime", 1_700_000_000L, "%s")).isEqualTo("1700000000");
            assertThat(tr("s.ftime", "1700000000", "%s")).isEqualTo("1700000000");
            assertThat(tr("s.ftime", "-1", "%s")).isEqualTo("-1");
            assertThat(tr("s.ftime", "", "%s")).isEqualTo("0");
            assertThat(tr("s.ftime", "12ab", "%s")).isNull();
            assertThat(tr("s.ftime", "now", "%s")).isNull();
        }

        @Test
        void theFormatAsKamailioParsesIt() {
            assertThat(tr("s.ftime", 5L, " %s")).isEqualTo("5"); // blanks before it are skipped
            assertThat(tr("s.ftime", 5L, "%s s")).isEqualTo("5 s");
            assertThat(tr("s.ftime", 5L, "")).isEqualTo(""); // strftime of "" is ""
            assertThat(tr("s.ftime", 5L, "at %s%%")).isEqualTo("at 5%");
        }

        @Test
        void aTimeOutsideJavasRangeFails() {
            assertThat(tr("s.ftime", Long.MAX_VALUE, "%s")).isNull();
        }

        @Test
        void aPseudoVariableFormat() {
            TestContext ctx = new TestContext();
            Transformation t = StringTransformations.compile("s.ftime", List.of(var("f")));
            ctx.vars.put("f", "%s");
            assertThat(t.apply(60L, ctx)).isEqualTo("60");
            ctx.vars.put("f", "[%s]");
            assertThat(t.apply(60L, ctx)).isEqualTo("[60]");
            ctx.vars.put("f", "");
            assertThat(t.apply(60L, ctx)).isNull();
            ctx.vars.remove("f");
            assertThat(t.apply(60L, ctx)).isNull();
        }
    }

    @Nested
    class SevenBit {
        @Test
        void septetsPackedIntoOctetsAsUppercaseHex() {
            assertThat(tr("s.encode.7bit", "hellohello")).isEqualTo("E8329BFD4697D9EC37");
            assertThat(tr("s.encode.7bit", "A")).isEqualTo("41");
            assertThat(tr("s.encode.7bit", "1234567")).isEqualTo("31D98C56B3DD00");
            assertThat(tr("s.encode.7bit", "12345678")).isEqualTo("31D98C56B3DD70");
            assertThat(tr("s.encode.7bit", "")).isEqualTo("");
        }

        @Test
        void decodeUnpacks() {
            assertThat(tr("s.decode.7bit", "E8329BFD4697D9EC37")).isEqualTo("hellohello");
            assertThat(tr("s.decode.7bit", "e8329bfd4697d9ec37")).isEqualTo("hellohello");
            assertThat(tr("s.decode.7bit", "31D98C56B3DD70")).isEqualTo("12345678");
            assertThat(tr("s.decode.7bit", "")).isEqualTo("");
        }

        @Test
        void sevenOctetsAlwaysGiveEightSeptetsAsInKamailio() {
            assertThat(tr("s.decode.7bit", "31D98C56B3DD00")).isEqualTo("1234567\0");
        }
    }

    @Nested
    class Base58 {
        @Test
        void theBitcoinAlphabet() {
            assertThat(tr("s.encode.base58", "Hello World!")).isEqualTo("2NEpo7TZRRrLZSi2U");
            assertThat(tr("s.encode.base58", "hello world")).isEqualTo("StV1DL6CwTryKyV");
            assertThat(tr("s.encode.base58", "Jörg")).isEqualTo("9SEVHs4");
            assertThat(tr("s.encode.base58", "")).isEqualTo("");
            assertThat(tr("s.decode.base58", "2NEpo7TZRRrLZSi2U")).isEqualTo("Hello World!");
            assertThat(tr("s.decode.base58", "9SEVHs4")).isEqualTo("Jörg");
            assertThat(tr("s.decode.base58", "")).isEqualTo("");
        }

        @Test
        void leadingZeroBytesAreOnes() {
            assertThat(tr("s.encode.base58", "\0\0abc")).isEqualTo("11ZiCa");
            assertThat(tr("s.decode.base58", "11ZiCa")).isEqualTo("\0\0abc");
        }

        @Test
        void aCharacterOutsideTheAlphabetFails() {
            for (String bad : new String[] {"0", "O", "I", "l", "ab+c", "é"}) {
                assertThat(tr("s.decode.base58", bad)).as(bad).isNull();
            }
        }
    }

    @Nested
    class Base64Variants {
        @Test
        void base64tHasNoPadding() {
            assertThat(tr("s.encode.base64t", "abc")).isEqualTo("YWJj");
            assertThat(tr("s.encode.base64t", "ab")).isEqualTo("YWI");
            assertThat(tr("s.encode.base64t", "a")).isEqualTo("YQ");
            assertThat(tr("s.decode.base64t", "YWI")).isEqualTo("ab");
            assertThat(tr("s.decode.base64t", "YQ")).isEqualTo("a");
            assertThat(tr("s.decode.base64t", "YWI=")).isEqualTo("ab"); // padded is fine too
            assertThat(tr("s.decode.base64t", "")).isEqualTo("");
            assertThat(tr("s.decode.base64t", "!!")).isNull();
        }

        @Test
        void base64urlUsesMinusAndUnderscore() {
            assertThat(tr("s.encode.base64", ">>>?")).isEqualTo("Pj4+Pw==");
            assertThat(tr("s.encode.base64url", ">>>?")).isEqualTo("Pj4-Pw==");
            assertThat(tr("s.encode.base64urlt", ">>>?")).isEqualTo("Pj4-Pw");
            assertThat(tr("s.encode.base64url", "???")).isEqualTo("Pz8_");
            assertThat(tr("s.encode.base64url", "")).isEqualTo("");
            assertThat(tr("s.decode.base64url", "Pj4-Pw==")).isEqualTo(">>>?");
            assertThat(tr("s.decode.base64url", "Pz8_")).isEqualTo("???");
            assertThat(tr("s.decode.base64urlt", "Pj4-Pw")).isEqualTo(">>>?");
            assertThat(tr("s.decode.base64urlt", "w6k")).isEqualTo("é");
        }

        @Test
        void base64urlDecodesAsKamailiosBase64urlDec() {
            assertThat(tr("s.decode.base64url", "Pj4+Pw==")).isNull(); // the standard alphabet is refused
            assertThat(tr("s.decode.base64url", "Pj4-Pw")).isEqualTo(">>>?"); // padding may be missing
            assertThat(tr("s.decode.base64url", "YWJj=")).isEqualTo("ab"); // surplus padding shortens
            assertThat(tr("s.decode.base64url", "Y")).isNull(); // no whole byte
            assertThat(tr("s.decode.base64url", "")).isNull(); // nor here: Kamailio fails the empty string
            assertThat(tr("s.decode.base64urlt", "")).isNull();
            assertThat(tr("s.decode.base64url", "YW=J")).isNull(); // '=' inside
        }
    }

    @Nested
    class UriEscapes {
        @Test
        void escapeUserKeepsWhatAUserPartMayHold() {
            assertThat(tr("s.escape.user", "alice smith")).isEqualTo("alice%20smith");
            assertThat(tr("s.escape.user", "a/b@c:d")).isEqualTo("a%2fb%40c%3ad");
            assertThat(tr("s.escape.user", "+49-(0)30;phone-context=x?&$,")).isEqualTo("+49-(0)30;phone-context=x?&$,");
            assertThat(tr("s.escape.user", "-_.!~*'()")).isEqualTo("-_.!~*'()");
            assertThat(tr("s.escape.user", "100%")).isEqualTo("100%25");
            assertThat(tr("s.escape.user", 42L)).isEqualTo("42");
        }

        @Test
        void escapeParamKeepsWhatAParameterMayHold() {
            assertThat(tr("s.escape.param", "a b;c=d")).isEqualTo("a%20b%3bc%3dd");
            assertThat(tr("s.escape.param", "[::1]/x:&+$")).isEqualTo("[::1]/x:&+$");
            assertThat(tr("s.escape.param", ",?@\"")).isEqualTo("%2c%3f%40%22");
        }

        @Test
        void escapingFailsOnAnythingButPrintableAscii() {
            assertThat(tr("s.escape.user", "Jörg")).isNull();
            assertThat(tr("s.escape.user", "a\tb")).isNull();
            assertThat(tr("s.escape.param", "a\u007fb")).isNull();
        }

        @Test
        void unescapeTurnsPercentHexIntoPrintableAscii() {
            assertThat(tr("s.unescape.user", "alice%20smith")).isEqualTo("alice smith");
            assertThat(tr("s.unescape.user", "a%2Fb%2fc")).isEqualTo("a/b/c");
            assertThat(tr("s.unescape.param", "a%3bc%3dd")).isEqualTo("a;c=d");
            assertThat(tr("s.unescape.user", "Jörg%21")).isEqualTo("Jörg!");
            assertThat(tr("s.unescape.user", "plain")).isEqualTo("plain");
        }

        @Test
        void unescapeFailsOnABadEscape() {
            for (String bad : new String[] {"%zz", "%4", "%", "a%0", "%00", "%1f", "%7f", "%c3%b6"}) {
                assertThat(tr("s.unescape.user", bad)).as(bad).isNull();
                assertThat(tr("s.unescape.param", bad)).as(bad).isNull();
            }
        }

        @Test
        void csvAsTheWikiExample() {
            assertThat(tr("s.escape.csv", "foo,bar\"baz")).isEqualTo("\"foo,bar\"\"baz\"");
            assertThat(tr("s.escape.csv", "")).isEqualTo("\"\"");
            assertThat(tr("s.escape.csv", 12L)).isEqualTo("\"12\"");
        }
    }

    @Nested
    class UrlEncoding {
        @Test
        void encodeKeepsUnreservedAsciiOnly() {
            assertThat(tr("s.urlencode.param", "a b&c=d/é")).isEqualTo("a%20b%26c%3dd%2f%c3%a9");
            assertThat(tr("s.urlencode.param", "AZaz09-_.~")).isEqualTo("AZaz09-_.~");
            assertThat(tr("s.urlencode.param", "")).isEqualTo("");
        }

        @Test
        void decode() {
            assertThat(tr("s.urldecode.param", "a%20b+c")).isEqualTo("a b c");
            assertThat(tr("s.urldecode.param", "%C3%A9t%c3%a9")).isEqualTo("été");
            assertThat(tr("s.urldecode.param", "a%2fb")).isEqualTo("a/b");
        }

        @Test
        void decodeNeverFailsAsKamailiosUrldecode() {
            assertThat(tr("s.urldecode.param", "100%")).isEqualTo("100");
            assertThat(tr("s.urldecode.param", "%4")).isEqualTo("4");
            assertThat(tr("s.urldecode.param", "%zz")).isEqualTo("3"); // unchecked digits: (35 << 4 | 35) & 0xff
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
