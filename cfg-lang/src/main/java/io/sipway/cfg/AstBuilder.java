package io.sipway.cfg;

import io.sipway.cfg.Ast.At;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CodePointBuffer;
import org.antlr.v4.runtime.CodePointCharStream;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.ATNConfigSet;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.dfa.DFA;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Preprocessed text to {@link Ast}: runs the ANTLR parser, turns its syntax errors into
 * diagnostics at the original file:line:col, and refuses the constructs Kamailio does not have
 * ({@code +=}, {@code :=}, {@code %}, {@code !~}) with a message that says what to write instead.
 */
final class AstBuilder {
    private final Preprocessed source;
    private final Diagnostics diagnostics;
    /** Route blocks found inside blocks (a missing '}'), moved to the top level. */
    private final List<Ast.Route> hoisted = new ArrayList<>();

    private AstBuilder(Preprocessed source, Diagnostics diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    /** Parses; syntax errors are reported and the tree holds what could be recovered. */
    static Ast.Script parse(Preprocessed source, Diagnostics diagnostics) {
        return new AstBuilder(source, diagnostics).run();
    }

    private Ast.Script run() {
        // One symbol per UTF-16 unit, not per code point: token offsets are then offsets in the text
        // and its source map, and an emoji (two units) shifts neither positions nor names after it
        String text = source.text();
        KamailioLexer lexer = new KamailioLexer(CodePointCharStream.fromBuffer(
                CodePointBuffer.withInts(IntBuffer.wrap(text.chars().toArray())), "kamailio.cfg"));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        KamailioParser parser = new KamailioParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new SyntaxErrors(tokens));
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        KamailioParser.ScriptContext tree;
        int before = diagnostics.list().size();
        try {
            tree = parser.script();
        } catch (RuntimeException e) {
            tree = null;
        }
        if (tree == null || diagnostics.list().size() > before) {
            // SLL can report errors LL would not: redo with full LL before believing them
            diagnostics.truncate(before);
            tokens.seek(0);
            parser.reset();
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            tree = parser.script();
        }
        List<Ast.TopItem> items = new ArrayList<>();
        for (KamailioParser.TopItemContext item : tree.topItem()) {
            try {
                Ast.TopItem built = topItem(item);
                if (built != null) {
                    items.add(built);
                }
            } catch (RuntimeException e) {
                // a subtree broken by a syntax error already reported: skip it
            }
        }
        items.addAll(hoisted);
        if (!hoisted.isEmpty()) {
            // the block left open before a route block ends at the end of the file: same mistake, said once
            diagnostics.removeIf(d -> d.message().startsWith("unexpected end of file"));
        }
        return new Ast.Script(items);
    }

    private At at(ParserRuleContext ctx) {
        return at(ctx.getStart());
    }

    private At at(Token t) {
        return new At(source.locate(Math.max(0, t.getStartIndex())));
    }

    private String text(ParserRuleContext ctx) {
        int start = ctx.getStart().getStartIndex();
        int stop = ctx.getStop() == null ? start - 1 : ctx.getStop().getStopIndex();
        return stop < start ? "" : source.text().substring(start, stop + 1);
    }

    // ---- top level -----------------------------------------------------------------------------

    private Ast.TopItem topItem(KamailioParser.TopItemContext item) {
        if (item instanceof KamailioParser.LoadModuleContext c) {
            List<KamailioParser.StringContext> s = c.string();
            return new Ast.LoadModule(at(c), string(s.get(0)), s.size() > 1 ? string(s.get(1)) : null);
        }
        if (item instanceof KamailioParser.LoadPathContext c) {
            return new Ast.LoadPath(at(c), string(c.string()));
        }
        if (item instanceof KamailioParser.ModParamContext c) {
            return new Ast.ModParam(at(c), string(c.string(0)), string(c.string(1)), modparamValue(c.modparamValue()), at(c.string(1)));
        }
        if (item instanceof KamailioParser.FlagsDeclContext c) {
            List<Ast.Flag> flags = new ArrayList<>();
            for (KamailioParser.FlagDeclContext f : c.flagDecl()) {
                flags.add(new Ast.Flag(f.ID().getText(), f.NUMBER() == null ? null : number(f.NUMBER().getSymbol())));
            }
            return new Ast.FlagsDecl(at(c), flags);
        }
        if (item instanceof KamailioParser.RouteBlockContext c) {
            return route(c);
        }
        if (item instanceof KamailioParser.GlobalParamContext c) {
            return globalParam(c);
        }
        if (item instanceof KamailioParser.CfgEngineContext c) {
            String engine = string(c.string());
            if (!engine.equals("native") && !engine.equals("kamailio")) { // Kamailio's names for the cfg language itself
                diagnostics.error(at(c).pos, "cfgengine \"" + engine + "\": Sipway runs routing written in kamailio.cfg only;"
                        + " KEMI scripts (app_lua, app_python3, app_jsdt, app_ruby, app_sqlang) are not supported");
            }
        }
        return null; // a lone ';', cfgengine "native"
    }

    private Object modparamValue(KamailioParser.ModparamValueContext c) {
        if (c.NUMBER() != null) {
            long n = number(c.NUMBER().getSymbol());
            return c.getChild(0).getText().equals("-") ? -n : n;
        }
        if (c.BOOL() != null) {
            return bool(c.BOOL().getText());
        }
        if (c.PVAR() != null) {
            return c.PVAR().getText();
        }
        return string(c.string());
    }

    private Ast.GlobalParam globalParam(KamailioParser.GlobalParamContext c) {
        KamailioParser.ParamValueContext v = c.paramValue();
        String raw = text(v);
        Object value = null;
        List<KamailioParser.ParamAtomContext> atoms = v.paramAtom();
        KamailioParser.ParamAtomContext first = atoms.get(0);
        if (atoms.size() == 1) {
            if (first.NUMBER() != null) {
                value = number(first.NUMBER().getSymbol());
            } else if (first.BOOL() != null) {
                value = bool(first.BOOL().getText());
            } else if (first.string() != null) {
                value = string(first.string());
            } else if (first.ID() != null || first.DOTTED() != null || first.HOST_NAME() != null || first.PROTO_KW() != null) {
                value = first.getText();
            }
        }
        if (first.getChildCount() == 2 && first.getChild(0).getText().equals("-") && first.NUMBER() != null) {
            value = -number(first.NUMBER().getSymbol());
        }
        return new Ast.GlobalParam(at(c), c.paramName().getText(), raw, value, c.string() == null ? null : string(c.string()), at(v));
    }

    private Ast.Route route(KamailioParser.RouteBlockContext c) {
        return route(c, c.routeKind(), c.routeName(), c.bracketed, c.stmt());
    }

    private Ast.Route route(ParserRuleContext c, KamailioParser.RouteKindContext routeKind, KamailioParser.RouteNameContext routeName,
                            Token bracketed, List<KamailioParser.StmtContext> body) {
        String kind = routeKind.getText();
        String name = null;
        if (routeName != null) {
            name = text(routeName);
            if (routeName.getStart().getType() == KamailioLexer.DQSTRING && routeName.getChildCount() == 1) {
                name = unquote(routeName.getStart());
            }
        } else if (bracketed != null) {
            String b = bracketed.getText();
            name = b.substring(1, b.length() - 1);
        }
        Ast.RouteType type = switch (kind) {
            case "request_route" -> Ast.RouteType.REQUEST;
            case "route" -> name == null || name.equals("0") ? Ast.RouteType.REQUEST : Ast.RouteType.ROUTE;
            case "failure_route" -> Ast.RouteType.FAILURE;
            case "reply_route" -> Ast.RouteType.REPLY;
            case "onreply_route" -> name == null || name.equals("0") ? Ast.RouteType.REPLY : Ast.RouteType.ONREPLY;
            case "branch_route" -> Ast.RouteType.BRANCH;
            case "onsend_route" -> Ast.RouteType.ONSEND;
            case "event_route" -> Ast.RouteType.EVENT;
            default -> throw new IllegalStateException(kind);
        };
        if (type == Ast.RouteType.REQUEST || type == Ast.RouteType.REPLY) {
            name = null;
        }
        if (name == null && (type == Ast.RouteType.FAILURE || type == Ast.RouteType.BRANCH || type == Ast.RouteType.EVENT)) {
            diagnostics.error(at(c).pos, kind + " needs a name: " + kind + "[NAME] { ... }");
        }
        if (body.isEmpty()) {
            emptyBlock(c.getStop());
        }
        At nameAt = routeName != null ? at(routeName) : bracketed != null ? at(bracketed) : at(c);
        return new Ast.Route(at(c), type, name, stmts(body), nameAt);
    }

    // ---- statements ----------------------------------------------------------------------------

    private List<Ast.Stmt> stmts(List<KamailioParser.StmtContext> list) {
        List<Ast.Stmt> out = new ArrayList<>(list.size());
        for (KamailioParser.StmtContext s : list) {
            Ast.Stmt built = stmt(s);
            if (built != null) {
                out.add(built);
            }
        }
        return out;
    }

    private Ast.Stmt stmt(KamailioParser.StmtContext s) {
        if (s instanceof KamailioParser.BlockStmtContext c) {
            if (c.block().stmt().isEmpty()) {
                emptyBlock(c.block().getStop());
            }
            return new Ast.Block(at(c), stmts(c.block().stmt()));
        }
        if (s instanceof KamailioParser.IfStmtContext c) {
            Ast.Stmt otherwise = c.stmt().size() > 1 ? stmtOrEmpty(c.stmt(1)) : null;
            return new Ast.If(at(c), expr(c.expr()), stmtOrEmpty(c.stmt(0)), otherwise);
        }
        if (s instanceof KamailioParser.SwitchStmtContext c) {
            List<Ast.Case> cases = new ArrayList<>();
            for (KamailioParser.CaseClauseContext cc : c.caseClause()) {
                cases.add(caseClause(cc));
            }
            return new Ast.Switch(at(c), expr(c.expr()), cases);
        }
        if (s instanceof KamailioParser.WhileStmtContext c) {
            return new Ast.While(at(c), expr(c.expr()), stmtOrEmpty(c.stmt()));
        }
        if (s instanceof KamailioParser.AssignStmtContext c) {
            return new Ast.Assign(at(c), new Ast.Pvar(at(c.PVAR().getSymbol()), c.PVAR().getText()), expr(c.expr()));
        }
        if (s instanceof KamailioParser.BadAssignStmtContext c) {
            diagnostics.error(at(c.op).pos, "'" + c.op.getText() + "' is not an assignment in kamailio.cfg: write "
                    + c.PVAR().getText() + " = " + (c.op.getText().equals("+=") ? c.PVAR().getText() + " + ...;" : "...;"));
            return null;
        }
        if (s instanceof KamailioParser.ReturnStmtContext c) {
            return new Ast.Return(at(c), c.expr() == null ? null : expr(c.expr()));
        }
        if (s instanceof KamailioParser.ExitStmtContext c) {
            return new Ast.Exit(at(c), c.expr() == null ? null : expr(c.expr()));
        }
        if (s instanceof KamailioParser.DropStmtContext c) {
            return new Ast.Drop(at(c), c.expr() == null ? null : expr(c.expr()));
        }
        if (s instanceof KamailioParser.BreakStmtContext c) {
            return new Ast.Break(at(c));
        }
        if (s instanceof KamailioParser.CallStmtContext c) {
            return new Ast.CallStmt(at(c), call(c.call()));
        }
        if (s instanceof KamailioParser.NestedRouteContext c) {
            // a route block starting inside a block: the '}' closing the block before it is missing.
            // Reported once, and the route is kept (as if the '}' were there) so calls to it resolve.
            diagnostics.error(at(c).pos, "missing '}' before " + c.routeKind().getText()
                    + (c.routeName() != null ? "[" + text(c.routeName()) + "]" : "") + ": a route block cannot start inside another block");
            hoisted.add(route(c, c.routeKind(), c.routeName(), c.bracketed, c.stmt()));
            return null;
        }
        return null; // ';'
    }

    /** Kamailio's grammar wants at least one statement between braces; ';' is one. */
    private void emptyBlock(Token closing) {
        if (closing != null && "}".equals(closing.getText())) {
            diagnostics.error(at(closing).pos, "empty block: Kamailio needs at least one statement between '{' and '}' (';' will do)");
        }
    }

    /** A branch of if/while that is just ';' becomes an empty block (the tree has no empty statement). */
    private Ast.Stmt stmtOrEmpty(KamailioParser.StmtContext s) {
        Ast.Stmt built = stmt(s);
        return built != null ? built : new Ast.Block(at(s), List.of());
    }

    private Ast.Case caseClause(KamailioParser.CaseClauseContext cc) {
        if (cc instanceof KamailioParser.CaseDefaultContext d) {
            return new Ast.Case(at(d), Ast.CaseKind.DEFAULT, null, stmts(d.stmt()));
        }
        KamailioParser.CaseLabelledContext c = (KamailioParser.CaseLabelledContext) cc;
        KamailioParser.CaseLabelContext l = c.caseLabel();
        List<Ast.Stmt> body = stmts(c.stmt());
        At labelAt = at(l);
        if (l.NUMBER() != null) {
            long n = number(l.NUMBER().getSymbol());
            return new Ast.Case(at(c), Ast.CaseKind.INT, l.getChild(0).getText().equals("-") ? -n : n, body, labelAt);
        }
        if (l.ID() != null) {
            return new Ast.Case(at(c), Ast.CaseKind.STRING, l.ID().getText(), body, labelAt);
        }
        boolean regex = l.getChild(0).getText().equals("/");
        return new Ast.Case(at(c), regex ? Ast.CaseKind.REGEX : Ast.CaseKind.STRING, string(l.string()), body, labelAt);
    }

    private Ast.Call call(KamailioParser.CallContext c) {
        List<Ast.Expr> args = new ArrayList<>();
        for (KamailioParser.ArgContext a : c.arg()) {
            args.add(arg(a));
        }
        return new Ast.Call(at(c), c.callName().getText(), args, c.getChildCount() > 1);
    }

    /** A bare socket (udp:1.2.3.4:5060) is a word, given to the function as text. */
    private Ast.Expr arg(KamailioParser.ArgContext a) {
        return a.sockSpec() != null ? new Ast.Name(at(a), text(a.sockSpec())) : expr(a.expr());
    }

    // ---- expressions ---------------------------------------------------------------------------

    private Ast.Expr expr(KamailioParser.ExprContext e) {
        if (e instanceof KamailioParser.PrimaryExprContext c) {
            return primary(c.primary());
        }
        if (e instanceof KamailioParser.CastExprContext c) {
            return new Ast.Cast(at(c), c.cast.getType() == KamailioLexer.CAST_INT, expr(c.expr()));
        }
        if (e instanceof KamailioParser.DefinedExprContext c) {
            return new Ast.Defined(at(c), expr(c.expr()));
        }
        if (e instanceof KamailioParser.UnaryExprContext c) {
            String op = c.op.getText().equals("not") ? "!" : c.op.getText();
            return new Ast.Unary(at(c), op, expr(c.expr()));
        }
        KamailioParser.BinaryExprContext c = (KamailioParser.BinaryExprContext) e;
        String op = c.op.getText();
        switch (op) {
            case "%" -> diagnostics.error(at(c.op).pos, "'%' is not an operator in kamailio.cfg: modulo is 'mod'");
            case "!~" -> diagnostics.error(at(c.op).pos, "there is no '!~' operator in kamailio.cfg: write !(a =~ b)");
            case "and" -> op = "&&";
            case "or" -> op = "||";
            default -> {
            }
        }
        if (negatedMatchKeyword(c.expr(0)) instanceof KamailioParser.PrimaryExprContext keyword && isComparison(op)) {
            // !proto == WSS: Kamailio's grammar has no value for a bare 'proto', so the '!' negates
            // the comparison: !(proto == WSS)
            return new Ast.Unary(at(c), "!", new Ast.Binary(at(c.op), op, expr(keyword), expr(c.expr(1))));
        }
        return new Ast.Binary(at(c.op), op, expr(c.expr(0)), expr(c.expr(1)));
    }

    /** The operand of {@code !method} or {@code not proto} (a match keyword under a '!'), or null. */
    private static KamailioParser.ExprContext negatedMatchKeyword(KamailioParser.ExprContext e) {
        if (e instanceof KamailioParser.UnaryExprContext u && (u.op.getText().equals("!") || u.op.getText().equals("not"))
                && u.expr() instanceof KamailioParser.PrimaryExprContext p && p.primary() instanceof KamailioParser.MatchKeywordPrimaryContext) {
            return u.expr();
        }
        return null;
    }

    private static boolean isComparison(String op) {
        return switch (op) {
            case "==", "!=", "=~", "eq", "ne", "ieq", "ine", ">", "<", ">=", "<=" -> true;
            default -> false;
        };
    }

    private Ast.Expr primary(KamailioParser.PrimaryContext p) {
        if (p instanceof KamailioParser.ParenPrimaryContext c) {
            return expr(c.expr());
        }
        if (p instanceof KamailioParser.StrlenPrimaryContext c) {
            return new Ast.StrLen(at(c), expr(c.expr()));
        }
        if (p instanceof KamailioParser.StrEmptyPrimaryContext c) {
            return new Ast.StrEmpty(at(c), expr(c.expr()));
        }
        if (p instanceof KamailioParser.SelvalPrimaryContext c) {
            return new Ast.SelVal(at(c), expr(c.expr(0)), expr(c.expr(1)), expr(c.expr(2)));
        }
        if (p instanceof KamailioParser.NumberPrimaryContext c) {
            return new Ast.Num(at(c), number(c.NUMBER().getSymbol()));
        }
        if (p instanceof KamailioParser.BoolPrimaryContext c) {
            return new Ast.Num(at(c), bool(c.BOOL().getText()));
        }
        if (p instanceof KamailioParser.StringPrimaryContext c) {
            return new Ast.Str(at(c), string(c.string()));
        }
        if (p instanceof KamailioParser.PvarPrimaryContext c) {
            return new Ast.Pvar(at(c), c.PVAR().getText());
        }
        if (p instanceof KamailioParser.SelectPrimaryContext c) {
            return new Ast.Select(at(c), c.SELECT().getText().substring(1));
        }
        if (p instanceof KamailioParser.MatchKeywordPrimaryContext c) {
            return new Ast.MatchKeyword(at(c), c.MATCH_KW().getText());
        }
        if (p instanceof KamailioParser.MyselfPrimaryContext c) {
            return new Ast.Myself(at(c));
        }
        if (p instanceof KamailioParser.AddressPrimaryContext c) {
            return new Ast.Address(at(c), c.address.getText(), c.mask == null ? null : c.mask.getText());
        }
        if (p instanceof KamailioParser.CallPrimaryContext c) {
            List<Ast.Expr> args = new ArrayList<>();
            for (KamailioParser.ArgContext a : c.arg()) {
                args.add(arg(a));
            }
            return new Ast.Call(at(c), c.callName().getText(), args, true);
        }
        // ID, protocol keyword, dotted name; the end is where a missing "()" would go
        return new Ast.Name(at(p), p.getText(), new At(source.locate(p.getStop().getStopIndex() + 1)));
    }

    // ---- literals ------------------------------------------------------------------------------

    private long number(Token t) {
        if (t.getStartIndex() < 0) { // conjured by the parser's recovery: the syntax error is reported already
            return 0;
        }
        String s = t.getText();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            if (s.endsWith("b")) {
                return Long.parseLong(s.substring(0, s.length() - 1), 2);
            }
            if (s.length() > 1 && s.charAt(0) == '0') {
                return Long.parseLong(s.substring(1), 8);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            diagnostics.error(at(t).pos, "bad number '" + s + "'");
            return 0;
        }
    }

    private static long bool(String word) {
        return switch (word) {
            case "yes", "on", "true", "enable" -> 1;
            default -> 0;
        };
    }

    /** Adjacent strings concatenated, each unescaped (double quotes) or raw (single quotes). */
    private String string(KamailioParser.StringContext c) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.getChildCount(); i++) {
            b.append(unquote(((TerminalNode) c.getChild(i)).getSymbol()));
        }
        return b.toString();
    }

    private String unquote(Token t) {
        String s = t.getText();
        String body = s.substring(1, s.length() - 1);
        if (s.charAt(0) == '\'') {
            return body;
        }
        StringBuilder b = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch != '\\' || i + 1 >= body.length()) {
                b.append(ch);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'a' -> b.append('\007');
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case '\n' -> {
                    // backslash-newline: dropped
                }
                case 'x' -> {
                    int end = i + 1;
                    while (end < body.length() && end < i + 3 && Character.digit(body.charAt(end), 16) >= 0) {
                        end++;
                    }
                    if (end == i + 1) {
                        b.append("\\x");
                    } else {
                        b.append((char) Integer.parseInt(body.substring(i + 1, end), 16));
                        i = end - 1;
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i;
                        while (end < body.length() && end < i + 3 && body.charAt(end) >= '0' && body.charAt(end) <= '7') {
                            end++;
                        }
                        if (end - i >= 2) {
                            b.append((char) Integer.parseInt(body.substring(i, end), 8));
                            i = end - 1;
                            break;
                        }
                    }
                    b.append('\\').append(e); // unknown escapes stay as written, as in Kamailio
                }
            }
        }
        return b.toString();
    }

    // ---- syntax errors -------------------------------------------------------------------------

    /** ANTLR's errors, reworded and placed where a person looks for the mistake. */
    private final class SyntaxErrors extends BaseErrorListener {
        private final CommonTokenStream tokens;

        SyntaxErrors(CommonTokenStream tokens) {
            this.tokens = tokens;
        }

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int col, String msg,
                                RecognitionException e) {
            Token t = (Token) offendingSymbol;
            Parser parser = (Parser) recognizer;
            IntervalSet expected = e != null ? e.getExpectedTokens() : parser.getExpectedTokens();
            String message;
            SourcePos pos = source.locate(Math.max(0, t.getStartIndex()));
            if (t.getType() == KamailioLexer.UNTERMINATED_STRING) {
                message = "unterminated string";
            } else if (t.getType() == KamailioLexer.OTHER) {
                message = "unexpected character '" + t.getText() + "'";
            } else if (expected != null && expected.contains(tokenType(parser, "';'")) && expected.size() <= 3) {
                // placed on the token that came instead of the ';', as Kamailio does; the message
                // names the token it should have followed
                Token previous = previousToken(t);
                message = "expected ';' " + (previous != null ? "after '" + previous.getText() + "'" : "") + " before "
                        + describe(t);
            } else if (t.getType() == Token.EOF) {
                message = "unexpected end of file" + expecting(parser, expected);
            } else {
                message = "syntax error at " + describe(t) + expecting(parser, expected);
            }
            diagnostics.error(pos, message + fromDefine(t));
        }

        /** " (in the text of #!define X)" when the token, or the one before it, came from a define's expansion. */
        private String fromDefine(Token t) {
            String define = t.getStartIndex() >= 0 && t.getType() != Token.EOF ? source.defineAt(t.getStartIndex()) : null;
            Token previous = define == null ? previousToken(t) : null;
            if (previous != null && previous.getStartIndex() >= 0) {
                define = source.defineAt(previous.getStartIndex());
            }
            return define == null ? "" : " (in the text of #!define " + define + ")";
        }

        private Token previousToken(Token t) {
            int i = t.getTokenIndex() - 1;
            return i >= 0 ? tokens.get(i) : null;
        }

        private String describe(Token t) {
            if (t.getType() == Token.EOF) {
                return "end of file";
            }
            String text = t.getText();
            return "'" + (text.length() > 30 ? text.substring(0, 30) + "..." : text) + "'";
        }

        private String expecting(Parser parser, IntervalSet expected) {
            if (expected == null || expected.size() == 0 || expected.size() > 4) {
                return "";
            }
            List<String> names = new ArrayList<>();
            for (int type : expected.toList()) {
                names.add(parser.getVocabulary().getDisplayName(type));
            }
            return ": expected " + String.join(" or ", names);
        }

        private int tokenType(Parser parser, String literal) {
            for (int i = 0; i <= parser.getVocabulary().getMaxTokenType(); i++) {
                if (literal.equals(parser.getVocabulary().getLiteralName(i))) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public void reportAmbiguity(Parser recognizer, DFA dfa, int startIndex, int stopIndex, boolean exact,
                                    BitSet ambigAlts, ATNConfigSet configs) {
        }
    }
}
