package io.sipway.cfg;

import java.util.List;

/**
 * Writes an {@link Ast} back as kamailio.cfg text, one statement per line, tab-indented, with every
 * compound expression in parentheses so that precedence never depends on the reader. Parsing the
 * output gives the same tree (tested as a property). Comments and preprocessor directives are not
 * in the tree, so they are not in the output.
 */
public final class Printer {
    private final StringBuilder out = new StringBuilder();

    private Printer() {
    }

    public static String print(Ast.Script script) {
        Printer p = new Printer();
        p.out.append("#!KAMAILIO\n");
        for (Ast.TopItem item : script.items()) {
            p.topItem(item);
        }
        return p.out.toString();
    }

    private void topItem(Ast.TopItem item) {
        if (item instanceof Ast.LoadModule m) {
            out.append("loadmodule ");
            if (m.options() == null) {
                out.append(quote(m.path()));
            } else {
                out.append('(').append(quote(m.path())).append(", ").append(quote(m.options())).append(')');
            }
            out.append('\n');
        } else if (item instanceof Ast.LoadPath p) {
            out.append("loadpath ").append(quote(p.path())).append('\n');
        } else if (item instanceof Ast.ModParam p) {
            out.append("modparam(").append(quote(p.module())).append(", ").append(quote(p.param())).append(", ")
                    .append(p.value() instanceof String s ? quote(s) : String.valueOf(p.value())).append(")\n");
        } else if (item instanceof Ast.GlobalParam g) {
            out.append(g.name()).append('=').append(g.raw());
            if (g.desc() != null) {
                out.append(" desc ").append(quote(g.desc()));
            }
            out.append('\n');
        } else if (item instanceof Ast.FlagsDecl f) {
            out.append("flags ");
            for (int i = 0; i < f.flags().size(); i++) {
                Ast.Flag flag = f.flags().get(i);
                out.append(i == 0 ? "" : ", ").append(flag.name());
                if (flag.bit() != null) {
                    out.append(':').append(flag.bit());
                }
            }
            out.append(";\n");
        } else if (item instanceof Ast.Route r) {
            out.append('\n').append(r.type().keyword);
            if (r.name() != null) {
                out.append('[').append(r.name()).append(']');
            }
            out.append(" {\n");
            statements(r.body(), 1);
            out.append("}\n");
        }
    }

    private void statements(List<Ast.Stmt> list, int depth) {
        if (list.isEmpty()) {
            indent(depth);
            out.append(";\n"); // Kamailio refuses '{ }'; an empty statement reads back as nothing
        }
        for (Ast.Stmt s : list) {
            indent(depth);
            statement(s, depth);
            out.append('\n');
        }
    }

    private void indent(int depth) {
        for (int i = 0; i < depth; i++) {
            out.append('\t');
        }
    }

    /** One statement, starting at the current position, without the trailing newline. */
    private void statement(Ast.Stmt s, int depth) {
        if (s instanceof Ast.Block b) {
            out.append("{\n");
            statements(b.body(), depth + 1);
            indent(depth);
            out.append('}');
        } else if (s instanceof Ast.If i) {
            out.append("if (").append(expr(i.condition())).append(") ");
            statement(i.then(), depth);
            if (i.otherwise() != null) {
                out.append(" else ");
                statement(i.otherwise(), depth);
            }
        } else if (s instanceof Ast.While w) {
            out.append("while (").append(expr(w.condition())).append(") ");
            statement(w.body(), depth);
        } else if (s instanceof Ast.Switch sw) {
            out.append("switch (").append(expr(sw.value())).append(") {\n");
            for (Ast.Case c : sw.cases()) {
                indent(depth);
                switch (c.kind()) {
                    case DEFAULT -> out.append("default:\n");
                    case INT -> out.append("case ").append(c.label()).append(":\n");
                    case STRING -> out.append("case ").append(quote((String) c.label())).append(":\n");
                    case REGEX -> out.append("case /").append(quote((String) c.label())).append(":\n");
                }
                statements(c.body(), depth + 1);
            }
            indent(depth);
            out.append('}');
        } else if (s instanceof Ast.Assign a) {
            out.append(a.target().text()).append(" = ").append(expr(a.value())).append(';');
        } else if (s instanceof Ast.Return r) {
            out.append("return").append(r.value() == null ? "" : " " + expr(r.value())).append(';');
        } else if (s instanceof Ast.Exit e) {
            out.append("exit").append(e.value() == null ? "" : " " + expr(e.value())).append(';');
        } else if (s instanceof Ast.Drop d) {
            out.append("drop").append(d.value() == null ? "" : " " + expr(d.value())).append(';');
        } else if (s instanceof Ast.Break) {
            out.append("break;");
        } else if (s instanceof Ast.CallStmt c) {
            out.append(call(c.call())).append(';');
        }
    }

    private String call(Ast.Call c) {
        if (!c.parens()) {
            return c.name();
        }
        StringBuilder b = new StringBuilder(c.name()).append('(');
        for (int i = 0; i < c.args().size(); i++) {
            b.append(i == 0 ? "" : ", ").append(expr(c.args().get(i)));
        }
        return b.append(')').toString();
    }

    static String expr(Ast.Expr e) {
        if (e instanceof Ast.Num n) {
            return n.value() < 0 ? "(-" + (-n.value()) + ")" : Long.toString(n.value());
        }
        if (e instanceof Ast.Str s) {
            return quote(s.value());
        }
        if (e instanceof Ast.Pvar p) {
            return p.text();
        }
        if (e instanceof Ast.Select s) {
            return "@" + s.text();
        }
        if (e instanceof Ast.MatchKeyword m) {
            return m.keyword();
        }
        if (e instanceof Ast.Myself) {
            return "myself";
        }
        if (e instanceof Ast.Address a) {
            return a.mask() == null ? a.address() : a.address() + "/" + a.mask();
        }
        if (e instanceof Ast.Name n) {
            return n.name();
        }
        if (e instanceof Ast.Call c) {
            return new Printer().call(c);
        }
        if (e instanceof Ast.Unary u) {
            return "(" + u.op() + expr(u.operand()) + ")";
        }
        if (e instanceof Ast.Binary b) {
            return "(" + expr(b.left()) + " " + b.op() + " " + expr(b.right()) + ")";
        }
        if (e instanceof Ast.Cast c) {
            return "(" + (c.toInt() ? "(int)" : "(str)") + expr(c.operand()) + ")";
        }
        if (e instanceof Ast.Defined d) {
            return "(defined " + expr(d.operand()) + ")";
        }
        if (e instanceof Ast.StrLen s) {
            return "strlen(" + expr(s.operand()) + ")";
        }
        if (e instanceof Ast.StrEmpty s) {
            return "strempty(" + expr(s.operand()) + ")";
        }
        Ast.SelVal s = (Ast.SelVal) e;
        return "selval(" + expr(s.condition()) + ", " + expr(s.ifTrue()) + ", " + expr(s.ifFalse()) + ")";
    }

    /** A double-quoted string whose unescaping gives {@code s} back. */
    static String quote(String s) {
        return Preprocessor.quote(s);
    }
}
