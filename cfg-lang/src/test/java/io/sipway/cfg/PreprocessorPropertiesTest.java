package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** Properties of the preprocessor over generated scripts. */
class PreprocessorPropertiesTest {
    private static Preprocessed run(String text, Diagnostics diags) {
        return new Preprocessor(Map.of(), name -> null, diags).run(text, "p.cfg", Path.of("/nonexistent-dir"));
    }

    /** Code with no comment, string, pvar or directive passes through unchanged, each char at its own place. */
    @Property(tries = 300)
    void plainCodeIsCopiedAndLocatedToItself(
            @ForAll @StringLength(max = 200) @CharRange(from = 'a', to = 'z') @CharRange(from = '0', to = '9')
            @Chars({' ', '\t', '\n', ';', '=', '(', ')', '{', '}', '.', ',', '+', '<', '>'}) String code) {
        Diagnostics diags = new Diagnostics();
        Preprocessed p = run(code, diags);
        assertThat(diags.list()).isEmpty();
        assertThat(p.text()).isEqualTo(code);
        int line = 1;
        int col = 1;
        for (int i = 0; i <= code.length(); i++) {
            assertThat(p.locate(i)).isEqualTo(new SourcePos("p.cfg", line, col));
            if (i < code.length() && code.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
    }

    /** Whatever the input, the preprocessor reports rather than throws, and every output char has a place. */
    @Property(tries = 500)
    void anyInputIsHandledAndEveryCharacterLocates(
            @ForAll @StringLength(max = 120)
            @Chars({'#', '!', '/', '*', '"', '\'', '$', '(', ')', '[', ']', '{', '}', '\\', '\n', ' ', '@', '-', '_',
                    'A', 'd', 'e', 'f', 'i', 'n', 's', 'u', 'b', 't', '1'}) String junk) {
        String script = "#!define A x A\n#!define e (A)\n#!subst \"/e/E/g\"\n" + junk;
        Diagnostics diags = new Diagnostics();
        Preprocessed p = run(script, diags);
        int lines = script.split("\n", -1).length;
        for (int i = 0; i <= p.text().length(); i++) {
            SourcePos pos = p.locate(i);
            assertThat(pos.file()).isEqualTo("p.cfg");
            assertThat(pos.line()).isBetween(1, lines);
            assertThat(pos.column()).isPositive();
        }
    }
}
