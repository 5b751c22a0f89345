package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any script the pretty-printer writes parses back to the same tree. Trees are generated the way
 * the parser can produce them (for instance a then-branch followed by else is never an else-less
 * if, which would read back as a different nesting).
 */
class PrinterRoundTripPropertyTest {
    private static final Ast.At AT = new Ast.At(new SourcePos("gen.cfg", 1, 1));

    @Property(tries = 300)
    void printedScriptsParseBackToTheSameTree(@ForAll("scripts") Ast.Script script) {
        String text = Printer.print(script);
        Diagnostics d = new Diagnostics();
        Preprocessed p = new Preprocessor(Map.of(), k -> null, d).run(text, "printed.cfg", Path.of("."));
        Ast.Script back = AstBuilder.parse(p, d);
        assertThat(d.list()).as(text).isEmpty();
        assertThat(back).as(text).isEqualTo(script);
    }

    @Provide
    Arbitrary<Ast.Script> scripts() {
        Arbitrary<Ast.TopItem> item = Arbitraries.oneOf(loadModule(), modParam(), globalParam(), route());
        return item.list().ofMaxSize(6).map(Ast.Script::new);
    }

    private static Arbitrary<String> ids() {
        return Arbitraries.of("alpha", "b2", "RELAY", "X_Y", "nat_uac", "check9");
    }

    private static Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("ab \"\\\n\t$#/%{}()x;").ofMaxLength(8);
    }

    private Arbitrary<Ast.TopItem> loadModule() {
        return Combinators.combine(Arbitraries.of("tm.so", "/usr/lib/kamailio/modules/sl.so"), Arbitraries.of((String) null, "opt"))
                .as((path, opts) -> new Ast.LoadModule(AT, path, opts));
    }

    private Arbitrary<Ast.TopItem> modParam() {
        Arbitrary<Object> value = Arbitraries.oneOf(Arbitraries.longs().between(-5, 100000).map(l -> (Object) l), texts().map(s -> (Object) s));
        return Combinators.combine(Arbitraries.of("tm", "rr|sl"), ids(), value).as((m, p, v) -> new Ast.ModParam(AT, m, p, v));
    }

    private Arbitrary<Ast.TopItem> globalParam() {
        Arbitrary<Ast.TopItem> number = Combinators.combine(Arbitraries.of("debug", "children"), Arbitraries.longs().between(0, 99))
                .as((n, v) -> new Ast.GlobalParam(AT, n, Long.toString(v), v, null));
        Arbitrary<Ast.TopItem> string = texts().map(s -> new Ast.GlobalParam(AT, "server_header", Printer.quote(s), s, null));
        return Arbitraries.oneOf(number, string);
    }

    private Arbitrary<Ast.TopItem> route() {
        Arbitrary<Ast.RouteType> types = Arbitraries.of(Ast.RouteType.class);
        return Combinators.combine(types, ids(), statements(3)).as((type, name, body) -> {
            String n = switch (type) {
                case REQUEST, REPLY, ONSEND -> null;
                case EVENT -> "xhttp:request";
                default -> name;
            };
            return new Ast.Route(AT, type, n, body);
        });
    }

    private Arbitrary<List<Ast.Stmt>> statements(int depth) {
        return statement(depth).list().ofMaxSize(3);
    }

    private Arbitrary<Ast.Stmt> statement(int depth) {
        List<Arbitrary<Ast.Stmt>> choices = new ArrayList<>();
        choices.add(call().map(c -> new Ast.CallStmt(AT, c)));
        choices.add(Combinators.combine(pvars().filter(p -> !p.startsWith("$(")), expr(2)).as((p, e) -> new Ast.Assign(AT, new Ast.Pvar(AT, p), e)));
        choices.add(Arbitraries.oneOf(expr(1).injectNull(0.5)).map(e -> new Ast.Return(AT, e)));
        choices.add(Arbitraries.just(new Ast.Exit(AT, null)));
        choices.add(Arbitraries.just(new Ast.Drop(AT, null)));
        choices.add(Arbitraries.just(new Ast.Break(AT)));
        if (depth > 0) {
            Arbitrary<Ast.Stmt> block = statements(depth - 1).map(b -> new Ast.Block(AT, b));
            choices.add(block);
            choices.add(Combinators.combine(expr(2), statement(depth - 1), block.injectNull(0.5))
                    .as((c, then, otherwise) -> {
                        // with an else, a then-branch that is an if would take the else itself: brace it
                        Ast.Stmt t = otherwise != null && endsInIf(then) ? new Ast.Block(AT, List.of(then)) : then;
                        return new Ast.If(AT, c, t, otherwise);
                    }));
            choices.add(Combinators.combine(expr(2), block).as((c, b) -> new Ast.While(AT, c, b)));
            choices.add(Combinators.combine(expr(1), caseClause(depth - 1).list().ofMaxSize(3)).as((v, cs) -> new Ast.Switch(AT, v, cs)));
        }
        return Arbitraries.oneOf(choices);
    }

    private static boolean endsInIf(Ast.Stmt s) {
        if (s instanceof Ast.If i) {
            return i.otherwise() == null || endsInIf(i.otherwise());
        }
        if (s instanceof Ast.While w) {
            return endsInIf(w.body());
        }
        return false;
    }

    private Arbitrary<Ast.Case> caseClause(int depth) {
        Arbitrary<Ast.Case> intCase = Combinators.combine(Arbitraries.longs().between(-3, 300), statements(depth))
                .as((l, b) -> new Ast.Case(AT, Ast.CaseKind.INT, l, b));
        Arbitrary<Ast.Case> strCase = Combinators.combine(texts(), statements(depth)).as((l, b) -> new Ast.Case(AT, Ast.CaseKind.STRING, l, b));
        Arbitrary<Ast.Case> reCase = Combinators.combine(Arbitraries.of("^a", "[0-9]+"), statements(depth))
                .as((l, b) -> new Ast.Case(AT, Ast.CaseKind.REGEX, l, b));
        Arbitrary<Ast.Case> dflt = statements(depth).map(b -> new Ast.Case(AT, Ast.CaseKind.DEFAULT, null, b));
        return Arbitraries.oneOf(intCase, strCase, reCase, dflt);
    }

    private Arbitrary<Ast.Call> call() {
        return Combinators.combine(Arbitraries.of("t_relay", "xlog", "sl_send_reply", "route"), expr(1).list().ofMaxSize(2))
                .as((n, args) -> new Ast.Call(AT, n, args, true));
    }

    private static Arbitrary<String> pvars() {
        return Arbitraries.of("$ru", "$var(x)", "$avp(s:y)", "$(hdr(Via)[0])", "$(ru{uri.user}{s.len})", "$null", "$rc", "$?", "$xavp(a=>b)");
    }

    private Arbitrary<Ast.Expr> expr(int depth) {
        List<Arbitrary<Ast.Expr>> leaves = List.of(
                Arbitraries.longs().between(0, 1_000_000).map(v -> new Ast.Num(AT, v)),
                texts().map(s -> new Ast.Str(AT, s)),
                pvars().map(p -> new Ast.Pvar(AT, p)),
                Arbitraries.of("method", "uri", "src_ip", "proto", "status").map(k -> new Ast.MatchKeyword(AT, k)),
                Arbitraries.just(new Ast.Myself(AT)),
                Arbitraries.of("10.0.0.1", "[::1]").map(a -> new Ast.Address(AT, a, null)),
                Arbitraries.just(new Ast.Address(AT, "10.0.0.0", "8")),
                ids().map(n -> new Ast.Name(AT, n)));
        if (depth == 0) {
            return Arbitraries.oneOf(leaves);
        }
        Arbitrary<Ast.Expr> sub = expr(depth - 1);
        List<Arbitrary<Ast.Expr>> all = new ArrayList<>(leaves);
        all.add(Combinators.combine(Arbitraries.of("||", "&&", "|", "&", "^", "<<", ">>", "==", "!=", "=~", "eq", "ne", "ieq", "ine",
                ">", "<", ">=", "<=", "+", "-", "*", "/", "mod"), sub, sub).as((op, l, r) -> new Ast.Binary(AT, op, l, r)));
        all.add(Combinators.combine(Arbitraries.of("!", "-", "~"), sub).as((op, e) -> new Ast.Unary(AT, op, e)));
        all.add(Combinators.combine(Arbitraries.of(true, false), sub).as((i, e) -> new Ast.Cast(AT, i, e)));
        all.add(sub.map(e -> new Ast.Defined(AT, e)));
        all.add(sub.map(e -> new Ast.StrLen(AT, e)));
        all.add(sub.map(e -> new Ast.StrEmpty(AT, e)));
        all.add(Combinators.combine(sub, sub, sub).as((c, a, b) -> new Ast.SelVal(AT, c, a, b)));
        all.add(Combinators.combine(Arbitraries.of("is_method", "t_check_trans"), sub.list().ofMaxSize(2))
                .as((n, a) -> new Ast.Call(AT, n, a, true)));
        return Arbitraries.oneOf(all);
    }
}
