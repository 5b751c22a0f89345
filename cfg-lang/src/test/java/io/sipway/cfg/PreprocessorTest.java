package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kamailio.cfg preprocessor, rule by rule (KAMAILIO.md 2.1 and 2.2). */
class PreprocessorTest {
    @TempDir
    Path dir;

    final Diagnostics diags = new Diagnostics();
    final Map<String, String> commandLine = new LinkedHashMap<>();
    final Map<String, String> env = new HashMap<>();

    Preprocessed pp(String text) {
        return new Preprocessor(commandLine, env::get, diags).run(text, "main.cfg", dir);
    }

    Preprocessed ppFile(Path file, String displayName) {
        return new Preprocessor(commandLine, env::get, diags).run(file, displayName);
    }

    List<String> messages() {
        return diags.list().stream().map(Diagnostic::toString).toList();
    }

    /** The code with runs of whitespace made one space: what the grammar sees, token-wise. */
    static String squash(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    static long lines(String s) {
        return s.chars().filter(c -> c == '\n').count();
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(PreprocessorTest.class.getResource("/preprocessor/" + name).toURI());
    }

    @Nested
    class ScriptModes {
        @Test
        void kamailioOrOpenserOnTheFirstLineSelectsKamailioMode() {
            assertThat(pp("#!KAMAILIO\nx=1;\n").mode()).isEqualTo(ScriptMode.KAMAILIO);
            assertThat(pp("#!OPENSER\n").mode()).isEqualTo(ScriptMode.KAMAILIO);
            assertThat(messages()).isEmpty();
        }

        @Test
        void serAndMaxcompatAndAll() {
            assertThat(pp("#!SER\n").mode()).isEqualTo(ScriptMode.SER);
            assertThat(pp("#!MAXCOMPAT\n").mode()).isEqualTo(ScriptMode.MAXCOMPAT);
            assertThat(pp("#!ALL").mode()).isEqualTo(ScriptMode.MAXCOMPAT);
        }

        @Test
        void defaultIsMaxcompatAndAModeLineCountsWhereverItStands() {
            assertThat(pp("x=1;\n").mode()).isEqualTo(ScriptMode.MAXCOMPAT);
            // Kamailio 5.6.3 reads "# comment\n#!KAMAILIO" as Kamailio mode (scripts/invalid/bad-pvar-name.cfg)
            Preprocessed p = pp("x=1;\n#!KAMAILIO\n");
            assertThat(p.mode()).isEqualTo(ScriptMode.KAMAILIO);
            assertThat(p.text()).isEqualTo("x=1;\n\n");
            assertThat(messages()).isEmpty();
        }
    }

    @Nested
    class Comments {
        @Test
        void hashAndDoubleSlashCommentsAreRemovedKeepingTheNewline() {
            Preprocessed p = pp("a=1; # one\n// whole line\nb=2; // two\n");
            assertThat(p.text()).isEqualTo("a=1; \n\nb=2; \n");
        }

        @Test
        void blockCommentsNestAndKeepTheirNewlines() {
            Preprocessed p = pp("a /* x /* y */ still comment\n */ b\n");
            assertThat(p.text()).isEqualTo("a \n b\n");
        }

        @Test
        void unterminatedBlockCommentIsAnErrorAtTheOpeningMark() {
            pp("a=1;\n  /* x /* y */\nb=2;\n");
            assertThat(messages()).containsExactly("main.cfg:2:3: error: unterminated /* comment");
        }

        @Test
        void commentMarkersInsideStringsAreText() {
            Preprocessed p = pp("s = \"a#b//c/*d\"; t = 'x # y';\n");
            assertThat(p.text()).isEqualTo("s = \"a#b//c/*d\"; t = 'x # y';\n");
        }

        @Test
        void aShebangLineIsAComment() {
            assertThat(pp("#!/usr/sbin/kamailio -f\nx\n").text()).isEqualTo("\nx\n");
            assertThat(messages()).isEmpty();
        }

        @Test
        void backslashNewlineOutsideStringsIsSwallowed() {
            Preprocessed p = pp("a = 1 \\\n + 2;\n");
            assertThat(p.text()).isEqualTo("a = 1 \n + 2;\n");
            assertThat(p.locate(p.text().indexOf('+'))).isEqualTo(new SourcePos("main.cfg", 2, 2));
        }
    }

    @Nested
    class Strings {
        @Test
        void doubleQuotedStringsAreCopiedWithTheirEscapesAsWritten() {
            String code = "x = \"a\\\"b\\\\n\\x41\\101\\t # not a comment\";\n";
            assertThat(pp(code).text()).isEqualTo(code);
        }

        @Test
        void singleQuotedStringsAreRawAndMaySpanLines() {
            String code = "x = 'a\\n\nUAS // b';\n";
            commandLine.put("UAS", "zzz");
            assertThat(pp(code).text()).isEqualTo(code);
        }

        @Test
        void noDefineExpansionInsideStrings() {
            Preprocessed p = pp("#!define UAS 1\nx = \"UAS\" + 'UAS';\n");
            assertThat(p.text()).isEqualTo("\nx = \"UAS\" + 'UAS';\n");
        }

        @Test
        void adjacentStringsAreNotJoined() {
            assertThat(pp("x = \"a\"\n  \"b\";").text()).isEqualTo("x = \"a\"\n  \"b\";");
        }

        @Test
        void anUnterminatedStringIsReportedAndClosedAtTheEndOfItsLine() {
            Preprocessed p = pp("x = \"abc;\ny = 1;\n");
            assertThat(messages()).containsExactly("main.cfg:1:5: error: unterminated string");
            assertThat(p.text()).isEqualTo("x = \"abc;\"\ny = 1;\n");
        }
    }

    @Nested
    class PseudoVariables {
        @Test
        void pseudoVariablesAreNeverExpanded() {
            Preprocessed p = pp("#!define UAS X\n#!define hdr Y\n"
                    + "$var(UAS) = $UAS + $(hdr(UAS){s.len}) + $avp(s:UAS) + $(avp(UAS)[0]) + $sht(a=>UAS);\n"
                    + "$du = UAS;\n");
            assertThat(p.text()).isEqualTo("\n\n"
                    + "$var(UAS) = $UAS + $(hdr(UAS){s.len}) + $avp(s:UAS) + $(avp(UAS)[0]) + $sht(a=>UAS);\n"
                    + "$du = X;\n");
        }

        @Test
        void nestedParenthesesInAPseudoVariable() {
            Preprocessed p = pp("#!define B Z\n$(hdr(From){uri.param,(B)}) B\n");
            assertThat(p.text()).isEqualTo("\n$(hdr(From){uri.param,(B)}) Z\n");
        }

        @Test
        void aQuotedParenthesisInsideAPseudoVariableDoesNotCloseIt() {
            Preprocessed p = pp("#!define B Z\n$(hdr(X){s.select,\")\",0}) B\n");
            assertThat(p.text()).isEqualTo("\n$(hdr(X){s.select,\")\",0}) Z\n");
        }

        @Test
        void dottedPseudoVariableNamesAreOneToken() {
            Preprocessed p = pp("#!define B Z\n$f.B $B.x $?(B)\n");
            assertThat(p.text()).isEqualTo("\n$f.B $B.x $?(Z)\n");
        }

        @Test
        void selectsAreNotExpanded() {
            Preprocessed p = pp("#!define user U\nif (@ruri.user == user) {}\n");
            assertThat(p.text()).isEqualTo("\nif (@ruri.user == U) {}\n");
        }
    }

    @Nested
    class Expansion {
        @Test
        void aDefineExpandsToSeveralTokensAndIsRescanned() {
            Preprocessed p = pp("#!define RELAY2 TO_UAS\n#!define RELAY route(RELAY2)\n"
                    + "request_route { RELAY; }\n");
            assertThat(p.text()).isEqualTo("\n\nrequest_route { route(TO_UAS); }\n");
        }

        @Test
        void dotJoinedNamesAreSeparateIdentifiersButLongerWordsAndNumIdsAreNot() {
            Preprocessed p = pp("#!define UAS u\nx.UAS UAS.y UAS3 _UAS 3UAS UAS_ (UAS)\n");
            assertThat(p.text()).isEqualTo("\nx.u u.y UAS3 _UAS 3UAS UAS_ (u)\n");
        }

        @Test
        void aDefineWithoutValueExpandsToNothing() {
            Preprocessed p = pp("#!define EMPTY\na EMPTY b\n");
            assertThat(p.text()).isEqualTo("\na  b\n");
            assertThat(p.defines()).contains("EMPTY");
        }

        @Test
        void theValueIsTheTrimmedRestOfTheLineAndBackslashNewlineContinuesIt() {
            Preprocessed p = pp("#!define LONG   a \\\n   b   \nx = LONG;\n");
            assertThat(p.text()).isEqualTo("\n\nx = a    b;\n");
        }

        @Test
        void aCommentInTheValueIsDroppedWhenExpanded() {
            assertThat(pp("#!define N 5 # five\nx = N;\n").text()).isEqualTo("\nx = 5 ;\n");
        }

        @Test
        void aStringInTheValueStaysAString() {
            Preprocessed p = pp("#!define UAS \"sip:127.0.0.1:5070\"\n$du = UAS;\n");
            assertThat(p.text()).isEqualTo("\n$du = \"sip:127.0.0.1:5070\";\n");
        }

        @Test
        void recursionIsBoundedAndReportedAtTheUseSite() {
            Preprocessed p = pp("#!define A x B\n#!define B A\n$x = A;\n");
            assertThat(messages()).containsExactly(
                    "main.cfg:3:6: error: define A expands recursively (more than 10 levels)");
            assertThat(p.text()).startsWith("\n\n$x = x x x");
        }

        @Test
        void tenNestedLevelsAreFine() {
            StringBuilder b = new StringBuilder("#!define D1 end\n");
            for (int i = 2; i <= 10; i++) {
                b.append("#!define D").append(i).append(" D").append(i - 1).append('\n');
            }
            Preprocessed p = pp(b.append("D10\n").toString());
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("end");
        }

        @Test
        void elevenNestedLevelsAreTooDeep() {
            StringBuilder b = new StringBuilder("#!define D1 end\n");
            for (int i = 2; i <= 11; i++) {
                b.append("#!define D").append(i).append(" D").append(i - 1).append('\n');
            }
            pp(b.append("x D11\n").toString());
            assertThat(messages()).containsExactly(
                    "main.cfg:12:3: error: define D11 expands recursively (more than 10 levels)");
        }

        @Test
        void eventRouteNamesAreNotExpanded() {
            Preprocessed p = pp("#!define request R\nevent_route[xhttp:request] { request; }\n");
            assertThat(p.text()).isEqualTo("\nevent_route[xhttp:request] { R; }\n");
        }

        @Test
        void includeKeywordIsOnlyADirectiveAtTheStartOfALine() {
            Preprocessed p = pp("#!define include_file I\nx = include_file;\n");
            assertThat(p.text()).isEqualTo("\nx = I;\n");
        }
    }

    @Nested
    class Defines {
        @Test
        void redefiningIsAnErrorNamingTheFirstDefinition() {
            pp("#!define A 1\n#!def A 2\n");
            assertThat(messages()).containsExactly("main.cfg:2:7: error: A already defined at main.cfg:1");
        }

        @Test
        void trydefOnlyDefinesWhenUndefined() {
            Preprocessed p = pp("#!define A 1\n#!trydef A 2\n#!trydefine B 3\nA B\n");
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("1 3");
        }

        @Test
        void redefineReplacesOrDefines() {
            Preprocessed p = pp("#!define A 1\n#!redefine A 2\n#!redef B 3\n#!redefine A\nx A B\n");
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("x 3");
            assertThat(p.defines()).containsExactly("A", "B");
        }

        @Test
        void aDashInTheNameIsAnError() {
            Preprocessed p = pp("#!define WITH-NAT 1\n");
            assertThat(messages()).containsExactly("main.cfg:1:14: error: '-' not allowed in define name WITH-NAT");
            assertThat(p.defines()).isEmpty();
        }

        @Test
        void aMissingOrInvalidNameIsAnError() {
            pp("#!define\n  #!define 9X 1\n");
            assertThat(messages()).containsExactly(
                    "main.cfg:1:1: error: missing name after #!define",
                    "main.cfg:2:12: error: invalid define name 9X");
        }

        @Test
        void bangBangIsADirectivePrefixToo() {
            Preprocessed p = pp("!!define A 1\n!!ifdef A\nA\n!!endif\nx = !!y;\n");
            assertThat(messages()).isEmpty();
            assertThat(p.text()).isEqualTo("\n\n1\n\nx = !!y;\n");
        }

        @Test
        void commandLineDefinesComeBeforeTheFirstLine() {
            commandLine.put("WITH_DEBUG", null);
            commandLine.put("MODPATH", "\"/usr/lib/kamailio/modules/\"");
            Preprocessed p = pp("#!ifdef WITH_DEBUG\ndebug=4\n#!endif\nmpath=MODPATH\n");
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("debug=4 mpath=\"/usr/lib/kamailio/modules/\"");
            assertThat(p.defines()).containsExactly("WITH_DEBUG", "MODPATH");
        }

        @Test
        void definingACommandLineNameAgainIsAnError() {
            commandLine.put("A", "1");
            pp("#!define A 2\n");
            assertThat(messages()).containsExactly("main.cfg:1:10: error: A already defined on the command line");
        }

        @Test
        void anUnknownDirectiveIsAnError() {
            Preprocessed p = pp("x\n  #!foo bar\ny\n");
            assertThat(messages()).containsExactly("main.cfg:2:3: error: unknown preprocessor directive #!foo");
            assertThat(p.text()).isEqualTo("x\n\ny\n");
        }

        @Test
        void aDirectiveInTheMiddleOfALineIsACommentWithAWarning() {
            Preprocessed p = pp("x = 1; #!define A 1\n");
            assertThat(messages()).containsExactly(
                    "main.cfg:1:8: warning: #!define must start a line; ignored as a comment");
            assertThat(p.defines()).isEmpty();
        }

        @Test
        void allErrorsOfARunAreReported() {
            pp("#!define A 1\n#!define A 1\n#!bogus\n/* open\n");
            assertThat(diags.errorCount()).isEqualTo(3);
        }
    }

    @Nested
    class Conditionals {
        static final String NESTED = """
                #!define A
                #!ifdef A
                a
                #!ifdef B
                b
                #!else
                notb
                #!endif
                #!else
                nota
                #!ifdef A
                nested-in-excluded
                #!else
                also-excluded
                #!endif
                #!endif
                end
                """;

        @Test
        void ifdefElseEndifNest() {
            Preprocessed p = pp(NESTED);
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("a notb end");
            assertThat(lines(p.text())).isEqualTo(lines(NESTED));
        }

        @Test
        void ifndefIsTheOpposite() {
            Preprocessed p = pp("#!ifndef A\nnot-a\n#!else\na\n#!endif\n");
            assertThat(squash(p.text())).isEqualTo("not-a");
        }

        @Test
        void directivesInAnExcludedRegionAreIgnoredExceptNesting() {
            Preprocessed p = pp("#!ifdef NO\n#!define Y 1\n#!foo\n#!include_file \"missing.cfg\"\n"
                    + "#!ifndef NO\n#!endif\n#!endif\nY\n");
            assertThat(messages()).isEmpty();
            assertThat(p.defines()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("Y");
        }

        @Test
        void strayElseAndEndifAreWarnings() {
            pp("#!else\n#!endif\n");
            assertThat(messages()).containsExactly(
                    "main.cfg:1:1: warning: #!else without #!ifdef",
                    "main.cfg:2:1: warning: #!endif without #!ifdef");
        }

        @Test
        void anIfdefOpenAtTheEndIsAnErrorAtThatIfdef() {
            pp("#!ifdef A\n#!endif\nx\n  #!ifndef WITH_NAT\ny\n#!ifdef NESTED\n");
            assertThat(messages()).containsExactly(
                    "main.cfg:4:3: error: #!ifndef WITH_NAT without #!endif",
                    "main.cfg:6:1: error: #!ifdef NESTED without #!endif");
        }

        @Test
        void textAfterTheNameIsAnErrorButACommentIsFine() {
            pp("#!ifdef A // comment\n#!else # c\n#!endif junk\n");
            assertThat(messages()).containsExactly("main.cfg:3:9: error: unexpected text after #!endif: junk");
        }
    }

    @Nested
    class Substitutions {
        @Test
        void substAppliesToTheContentOfStringLiteralsOnly() {
            Preprocessed p = pp("#!subst \"/foo/bar/\"\nfoo = \"a foo foo\";\n");
            assertThat(p.text()).isEqualTo("\nfoo = \"a bar foo\";\n");
        }

        @Test
        void flagsGlobalAndCaseInsensitive() {
            Preprocessed p = pp("#!subst \"/foo/bar/gi\"\nx = \"Foo FOO\";\n");
            assertThat(p.text()).isEqualTo("\nx = \"bar bar\";\n");
        }

        @Test
        void anyDelimiterAndGroupReferences() {
            Preprocessed p = pp("#!subst \"!([a-z]+)@([a-z]+)!\\2:\\1!\"\nx = \"alice@home\";\n");
            assertThat(p.text()).isEqualTo("\nx = \"home:alice\";\n");
        }

        @Test
        void thePatternIsPosixExtended() {
            Preprocessed p = pp("#!subst \"/[[:digit:]]{2,}/N/g\"\nx = \"a123b4c56\";\n");
            assertThat(p.text()).isEqualTo("\nx = \"aNb4cN\";\n");
        }

        @Test
        void theUnescapedContentIsMatchedAndTheResultIsEscapedBack() {
            Preprocessed p = pp("#!subst \"/X/say \\\"hi\\\"\\n/\"\nx = \"\\tX\";\n");
            assertThat(p.text()).isEqualTo("\nx = \"\\tsay \\\"hi\\\"\\n\";\n");
        }

        @Test
        void singleQuotedStaysSingleQuotedUnlessItMustBeEscaped() {
            Preprocessed p = pp("#!subst \"/X/y/\"\n#!subst \"/Q/'/\"\na = 'X'; b = 'Q';\n");
            assertThat(p.text()).isEqualTo("\n\na = 'y'; b = \"'\";\n");
        }

        @Test
        void unchangedStringsKeepTheirSpelling() {
            Preprocessed p = pp("#!subst \"/zzz/y/\"\nx = \"a\\x41\";\n");
            assertThat(p.text()).isEqualTo("\nx = \"a\\x41\";\n");
        }

        @Test
        void substdefAddsTheRuleAndTheDefine() {
            Preprocessed p = pp("#!substdef \"!MY_IP!10.0.0.1!g\"\nlisten=udp:MY_IP:5060\n"
                    + "alias=\"sip:MY_IP:5060\"\n");
            assertThat(p.text()).isEqualTo("\nlisten=udp:10.0.0.1:5060\nalias=\"sip:10.0.0.1:5060\"\n");
            assertThat(p.defines()).containsExactly("MY_IP");
        }

        @Test
        void substdefsDefinesAQuotedString() {
            Preprocessed p = pp("#!substdefs \"/DOMAIN/example.com/\"\nx = DOMAIN; y = \"at DOMAIN\";\n");
            assertThat(p.text()).isEqualTo("\nx = \"example.com\"; y = \"at example.com\";\n");
        }

        @Test
        void rulesApplyToStringsInExpansionsAndOnlyAfterTheirDirective() {
            Preprocessed p = pp("x = \"a\";\n#!define S \"a\"\n#!subst \"/a/b/\"\ny = S;\n");
            assertThat(p.text()).isEqualTo("x = \"a\";\n\n\ny = \"b\";\n");
        }

        @Test
        void aBadExpressionIsAnError() {
            pp("#!subst \"/a/b\"\n#!subst \"/a/b/x\"\n#!subst \"/a(/b/\"\n#!subst nope\n");
            assertThat(messages()).containsExactly(
                    "main.cfg:1:9: error: bad #!subst expression \"/a/b\": no separator / after the replacement",
                    "main.cfg:2:9: error: bad #!subst expression \"/a/b/x\": unknown flag x",
                    "main.cfg:3:9: error: bad #!subst expression \"/a(/b/\": bad regular expression a(: Unclosed group",
                    "main.cfg:4:9: error: #!subst needs a quoted argument");
        }
    }

    @Nested
    class Environment {
        @Test
        void defenvDefinesFromTheEnvironment() {
            env.put("SIP_PORT", "5060");
            env.put("HOST_IP", "10.1.2.3");
            Preprocessed p = pp("#!defenv PORT=SIP_PORT\n#!defenv HOST_IP\nlisten=udp:HOST_IP:PORT\n");
            assertThat(messages()).isEmpty();
            assertThat(p.text()).isEqualTo("\n\nlisten=udp:10.1.2.3:5060\n");
        }

        @Test
        void defenvsQuotesTheValue() {
            env.put("DOMAIN", "example.com");
            assertThat(pp("#!defenvs D=DOMAIN\nx = D;\n").text()).isEqualTo("\nx = \"example.com\";\n");
        }

        @Test
        void anUnsetVariableIsAnErrorUnlessTried() {
            Preprocessed p = pp("#!defenv NOPE\n#!trydefenv X=NOPE\n#!trydefenvs NOPE\n");
            assertThat(messages()).containsExactly("main.cfg:1:10: error: environment variable NOPE is not set");
            assertThat(p.defines()).isEmpty();
        }
    }

    @Nested
    class Includes {
        @Test
        void includesResolveAgainstTheIncludingFileAndMapPositionsIntoIt() throws Exception {
            Preprocessed p = ppFile(resource("include/main.cfg"), "main.cfg");
            assertThat(messages()).isEmpty();
            assertThat(p.mode()).isEqualTo(ScriptMode.KAMAILIO);
            assertThat(squash(p.text())).isEqualTo(
                    "route[\"relay\"] { $du = \"sip:127.0.0.1:5070\"; } request_route { route(\"relay\"); }");
            assertThat(p.defines()).containsExactly("MAIN_DEF", "FROM_SUB", "UAS_URI");
            int du = p.text().indexOf("$du");
            assertThat(p.locate(du)).isEqualTo(new SourcePos("sub/routes.cfg", 4, 2));
            assertThat(p.locate(p.text().indexOf("sip:"))).isEqualTo(new SourcePos("sub/routes.cfg", 4, 8));
            assertThat(p.locate(p.text().indexOf("request_route"))).isEqualTo(new SourcePos("main.cfg", 5, 1));
        }

        @Test
        void includedFilesAreNamedByTheIncludingFilesDirectory() throws IOException {
            Path main = write("etc/main.cfg", "#!include_file \"inc/a.cfg\"\n");
            write("etc/inc/a.cfg", "#!include_file \"b.cfg\"\n");
            write("etc/inc/b.cfg", "\n  bad )\n#!oops\n");
            ppFile(main, "etc/main.cfg");
            assertThat(messages()).containsExactly("etc/inc/b.cfg:3:1: error: unknown preprocessor directive #!oops");
            assertThat(diags.render()).contains("#!oops\n^");
        }

        @Test
        void aMissingIncludeIsAnErrorNamingThePathsTried() {
            pp("x\ninclude_file \"nope.cfg\"\n");
            assertThat(messages()).containsExactly(
                    "main.cfg:2:14: error: cannot open included file nope.cfg (tried nope.cfg, nope.cfg next to main.cfg)");
        }

        @Test
        void aMissingImportIsSkippedAndAPresentOneIsInlined() throws IOException {
            write("here.cfg", "from_import\n");
            Preprocessed p = pp("#!import_file \"gone.cfg\"\nimport_file \"here.cfg\"\nafter\n");
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("from_import after");
            assertThat(p.locate(p.text().indexOf("from"))).isEqualTo(new SourcePos("here.cfg", 1, 1));
        }

        @Test
        void definesAndConditionalsCarryAcrossIncludes() throws IOException {
            write("defs.cfg", "#!define WITH_X\n#!define V 42\n");
            Preprocessed p = pp("#!include_file \"defs.cfg\"\n#!ifdef WITH_X\nx = V;\n#!endif\n");
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("x = 42;");
        }

        @Test
        void tenNestedIncludesAreAllowed() throws IOException {
            for (int i = 1; i <= 10; i++) {
                write("f" + i + ".cfg", i < 10 ? "#!include_file \"f" + (i + 1) + ".cfg\"\n" : "deepest\n");
            }
            Preprocessed p = pp("#!include_file \"f1.cfg\"\n");
            assertThat(messages()).isEmpty();
            assertThat(squash(p.text())).isEqualTo("deepest");
        }

        @Test
        void includeDepthIsLimited() throws IOException {
            write("loop.cfg", "#!include_file \"loop.cfg\"\n");
            pp("include_file \"loop.cfg\"\n");
            assertThat(messages()).containsExactly(
                    "loop.cfg:1:16: error: too many nested includes (more than 10) at loop.cfg");
        }

        @Test
        void theMainFileUnreadableIsADiagnosticAndAnEmptyText() {
            Preprocessed p = ppFile(dir.resolve("absent.cfg"), "absent.cfg");
            assertThat(messages()).containsExactly("absent.cfg:1:1: error: cannot read absent.cfg: no such file");
            assertThat(p.text()).isEmpty();
            assertThat(p.locate(0)).isEqualTo(new SourcePos("absent.cfg", 1, 1));
        }
    }

    @Nested
    class Locate {
        @Test
        void aCharacterOfAnExpansionMapsToTheReplacedIdentifier() {
            Preprocessed p = pp("#!define UAS \"sip:x\"\n$du = UAS;\n");
            SourcePos use = new SourcePos("main.cfg", 2, 7);
            assertThat(p.locate(p.text().indexOf('"'))).isEqualTo(use);
            assertThat(p.locate(p.text().indexOf('x'))).isEqualTo(use);
            assertThat(p.locate(p.text().indexOf(';'))).isEqualTo(new SourcePos("main.cfg", 2, 10));
        }

        @Test
        void afterAnExcludedRegionAndAComment() {
            Preprocessed p = pp("#!ifdef NO\nskip\n#!endif\na /* x */ keep\n");
            assertThat(p.locate(p.text().indexOf("keep"))).isEqualTo(new SourcePos("main.cfg", 4, 11));
        }

        @Test
        void endOfInputIsJustAfterTheLastCharacterOfTheMainFile() throws IOException {
            Preprocessed p = pp("a\nbc");
            assertThat(p.locate(p.text().length())).isEqualTo(new SourcePos("main.cfg", 2, 3));
            Preprocessed q = pp("a\n");
            assertThat(q.locate(q.text().length())).isEqualTo(new SourcePos("main.cfg", 2, 1));
            write("tail.cfg", "t\n");
            Preprocessed r = pp("x\ninclude_file \"tail.cfg\"");
            assertThat(r.locate(r.text().length())).isEqualTo(new SourcePos("main.cfg", 2, 24));
        }

        @Test
        void theTextIsLineLike() {
            String src = "#!define A 1\n/* a\n b */ x = A; # c\n#!ifdef NO\nno\n#!endif\ny\n";
            Preprocessed p = pp(src);
            assertThat(lines(p.text())).isEqualTo(lines(src));
            for (int i = 0; i < p.text().length(); i++) {
                if (p.text().charAt(i) == '\n') {
                    assertThat(p.locate(i).column()).as("newline at %d", i).isGreaterThan(0);
                }
            }
            assertThat(p.locate(p.text().indexOf('y'))).isEqualTo(new SourcePos("main.cfg", 7, 1));
        }
    }

    @Nested
    class RelayCfg {
        @Test
        void withoutModpathThereIsNoMpath() throws Exception {
            Preprocessed p = ppFile(resource("relay.cfg"), "relay.cfg");
            assertThat(messages()).isEmpty();
            assertThat(p.mode()).isEqualTo(ScriptMode.KAMAILIO);
            assertThat(p.text()).doesNotContain("mpath").contains("$du = \"sip:127.0.0.1:5070\";");
            assertThat(p.defines()).containsExactly("UAS");
        }

        @Test
        void withModpathTheValueIsUsedAsGiven() throws Exception {
            commandLine.put("MODPATH", "\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"");
            Preprocessed p = ppFile(resource("relay.cfg"), "relay.cfg");
            assertThat(messages()).isEmpty();
            assertThat(p.text()).contains("mpath=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"\n");
            int mpath = p.text().indexOf("mpath");
            assertThat(p.locate(mpath)).isEqualTo(new SourcePos("relay.cfg", 12, 1));
            assertThat(p.locate(mpath + 6)).isEqualTo(new SourcePos("relay.cfg", 12, 7));
            assertThat(lines(p.text())).isEqualTo(lines(Files.readString(resource("relay.cfg"))));
        }
    }
}
