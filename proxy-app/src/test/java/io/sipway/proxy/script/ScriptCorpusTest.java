package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.Diagnostic;
import io.sipway.cfg.ScriptLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The script corpus of src/test/resources/scripts, each script checked against the real Kamailio
 * 5.6.3 when it was written (its README): every valid script passes Sipway's check without an
 * error; every invalid one is refused with an error at the place its .expected file names, and
 * with exactly the diagnostics of its .sipway file.
 */
class ScriptCorpusTest {
    private static final Path SCRIPTS = Path.of("src/test/resources/scripts");
    private final io.sipway.proxy.module.ModuleHost host = io.sipway.proxy.Modules.host(new io.sipway.proxy.core.Core());

    private static List<Path> cfgs(String dir) throws IOException {
        try (Stream<Path> s = Files.list(SCRIPTS.resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
        }
    }

    private ScriptLoader.Result check(Path file) {
        return ScriptLoader.load(file, file.getFileName().toString(), Map.of(), host);
    }

    @TestFactory
    List<DynamicTest> everyValidScriptPasses() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cfgs("valid")) {
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                ScriptLoader.Result r = check(file);
                assertThat(r.diagnostics().errorCount()).as(r.diagnostics().render()).isZero();
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(15);
        return tests;
    }

    /**
     * Scripts Kamailio 5.6.3 accepts that use something Sipway does not implement: refused at load,
     * and every error says what Sipway lacks (never an "unknown" for a name Kamailio has), so that
     * what check mode accepts is exactly what runs.
     */
    @TestFactory
    List<DynamicTest> everyKamailioOnlyScriptIsRefusedNamingWhatSipwayLacks() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cfgs("kamailio-only")) {
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                ScriptLoader.Result r = check(file);
                List<String> errors = r.diagnostics().list().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR)
                        .map(Diagnostic::message).toList();
                assertThat(errors).as(r.diagnostics().render()).isNotEmpty();
                assertThat(errors).as(r.diagnostics().render()).allMatch(m -> m.contains("Sipway does not implement")
                        || m.contains("not supported by Sipway") || m.contains("is not run by Sipway")
                        || m.contains("not supported here") || m.contains("has no parameter")
                        || m.matches("(?s).*is in module '(cfgutils|htable)'.*") || m.contains("which is not loaded"));
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(15);
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyInvalidScriptIsRefusedWhereTheMistakeIs() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cfgs("invalid")) {
            Path expected = Path.of(file.toString().replaceAll("\\.cfg$", ".expected"));
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                List<String> where = Arrays.asList(Files.readAllLines(expected).get(0).trim().split("\\s+"));
                ScriptLoader.Result r = check(file);
                List<String> errors = r.diagnostics().list().stream()
                        .filter(d -> d.severity() == Diagnostic.Severity.ERROR)
                        .map(d -> d.pos().line() + ":" + d.pos().column()).toList();
                assertThat(r.ok()).isFalse();
                assertThat(errors).as(r.diagnostics().render()).containsAll(where);
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(25);
        return tests;
    }

    /** Sipway's own words for each invalid script, all of them, in file order: NAME.sipway. */
    @TestFactory
    List<DynamicTest> everyInvalidScriptGivesExactlyTheDiagnosticsOfItsSipwayFile() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : cfgs("invalid")) {
            Path golden = Path.of(file.toString().replaceAll("\\.cfg$", ".sipway"));
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                StringBuilder actual = new StringBuilder();
                check(file).diagnostics().list().stream().sorted((a, b) -> a.pos().compareTo(b.pos()))
                        .forEach(d -> actual.append(d).append('\n'));
                if (Boolean.getBoolean("sipway.updateGolden")) { // -Dsipway.updateGolden=true rewrites them (review the diff)
                    Files.writeString(Path.of(System.getProperty("sipway.goldenDir", ".")).resolve(golden), actual.toString());
                }
                assertThat(actual.toString()).isEqualTo(Files.readString(golden));
            }));
        }
        return tests;
    }
}
