package io.sipway.cfg;

import java.util.List;

/**
 * A statement as Kamailio's debugger (cfgtrace) names it: its action type number and name, and the
 * line Kamailio gives it. Kamailio gives a statement the line its parser was on when the statement
 * ended: a loop's or a switch's closing brace, and for an {@code if} the token after it (the parser
 * looks for an {@code else}): the next statement's line, or the enclosing block's closing brace.
 */
final class TracedStatements {
    private TracedStatements() {
    }

    /** The trace's record of {@code s} ({@code next}: the position of the statement after it, or null). */
    static ActionTrace.Action action(Ast.Stmt s, SourcePos next, Ast.RouteType blockType, String route) {
        SourcePos pos = s.at().pos;
        int line = s instanceof Ast.If ? (next != null ? next.line() : lastLine(s) + 1)
                : s instanceof Ast.While || s instanceof Ast.Switch ? lastLine(s) : pos.line();
        String name = s instanceof Ast.CallStmt c ? c.call().name() : keyword(s);
        return new ActionTrace.Action(blockType, route, pos.file(), line, type(s), name);
    }

    /** Kamailio's action type (route_struct.h): IF_T 16, WHILE_T 23, SWITCH_T 21, ASSIGN_T 63, DROP_T 2... */
    private static int type(Ast.Stmt s) {
        if (s instanceof Ast.CallStmt c) {
            return callType(c.call());
        }
        return switch (keyword(s)) {
            case "if" -> 16;
            case "while" -> 23;
            case "switch" -> 21;
            case "assign" -> 63;
            default -> 2; // return, exit, drop: DROP_T with its flags
        };
    }

    private static String keyword(Ast.Stmt s) {
        if (s instanceof Ast.If) {
            return "if";
        }
        if (s instanceof Ast.While) {
            return "while";
        }
        if (s instanceof Ast.Switch) {
            return "switch";
        }
        if (s instanceof Ast.Assign) {
            return "assign";
        }
        if (s instanceof Ast.Return) {
            return "return";
        }
        return s instanceof Ast.Exit ? "exit" : "drop";
    }

    private static int callType(Ast.Call call) {
        String name = call.name();
        int args = call.args().size();
        Integer core = ActionTrace.CORE_ACTIONS.get(name);
        if (name.equals("route")) {
            return 5;
        }
        if (core != null) {
            return core;
        }
        if (call.args().stream().allMatch(a -> a instanceof Ast.Str || a instanceof Ast.Num || a instanceof Ast.Name)) {
            return args <= 6 ? 24 + args : 31; // MODULE0_T..MODULE6_T, MODULEX_T
        }
        return args <= 6 ? 31 + args : 38; // MODULE1_RVE_T..MODULE6_RVE_T, MODULEX_RVE_T
    }

    /**
     * The line a statement's text ends on: a block's closing brace is taken to be on the line after
     * its last statement (the usual layout; the tree keeps no closing positions).
     */
    static int lastLine(Ast.Stmt s) {
        if (s instanceof Ast.Block b) {
            return b.body().isEmpty() ? b.at().pos.line() : lastLine(b.body().get(b.body().size() - 1)) + 1;
        }
        if (s instanceof Ast.If i) {
            return Math.max(lastLine(i.then()), i.otherwise() == null ? 0 : lastLine(i.otherwise()));
        }
        if (s instanceof Ast.While w) {
            return lastLine(w.body());
        }
        if (s instanceof Ast.Switch sw) {
            for (int c = sw.cases().size() - 1; c >= 0; c--) {
                List<Ast.Stmt> body = sw.cases().get(c).body();
                if (!body.isEmpty()) {
                    return lastLine(body.get(body.size() - 1)) + 1;
                }
            }
            return sw.at().pos.line();
        }
        return s.at().pos.line();
    }

}
