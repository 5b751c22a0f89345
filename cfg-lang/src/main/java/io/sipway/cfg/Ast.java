package io.sipway.cfg;

import java.util.List;

/**
 * The syntax tree of a script, as written (after preprocessing): what the checker reads and the
 * pretty-printer writes. Nodes are records; each carries where it was written ({@link At}), which is
 * deliberately not part of a node's equality, so that two scripts that say the same thing compare
 * equal wherever their text sits (the pretty-printer round trip relies on it).
 */
public final class Ast {
    private Ast() {
    }

    /** Where a node was written. Equal to every other {@code At}: positions are not identity. */
    public static final class At {
        public final SourcePos pos;

        At(SourcePos pos) {
            this.pos = pos;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof At;
        }

        @Override
        public int hashCode() {
            return 0;
        }

        @Override
        public String toString() {
            return String.valueOf(pos);
        }
    }

    public record Script(List<TopItem> items) {
    }

    public sealed interface TopItem permits LoadModule, LoadPath, ModParam, GlobalParam, FlagsDecl, Route {
        At at();
    }

    public record LoadModule(At at, String path, String options) implements TopItem {
    }

    public record LoadPath(At at, String path) implements TopItem {
    }

    /** {@code modparam(module, param, value)}; value is a String or a Long. */
    public record ModParam(At at, String module, String param, Object value, At paramAt) implements TopItem {
        public ModParam(At at, String module, String param, Object value) {
            this(at, module, param, value, at);
        }
    }

    /**
     * {@code name = value}: {@code value} is a Long (numbers and yes/no words), a String (one string
     * or one name), or null when the value is a composite such as a listen spec; {@code raw} is the
     * value's text as written (what the host parses for listen=, alias= and the like).
     */
    public record GlobalParam(At at, String name, String raw, Object value, String desc, At valueAt) implements TopItem {
        public GlobalParam(At at, String name, String raw, Object value, String desc) {
            this(at, name, raw, value, desc, at);
        }
    }

    public record FlagsDecl(At at, List<Flag> flags) implements TopItem {
    }

    public record Flag(String name, Long bit) {
    }

    public enum RouteType {
        REQUEST("request_route"), ROUTE("route"), FAILURE("failure_route"), REPLY("reply_route"),
        ONREPLY("onreply_route"), BRANCH("branch_route"), ONSEND("onsend_route"), EVENT("event_route");

        public final String keyword;

        RouteType(String keyword) {
            this.keyword = keyword;
        }
    }

    /** A route block; {@code name} is null for the unnamed kinds (request_route, reply_route, onsend_route). */
    public record Route(At at, RouteType type, String name, List<Stmt> body, At nameAt) implements TopItem {
        public Route(At at, RouteType type, String name, List<Stmt> body) {
            this(at, type, name, body, at);
        }
    }

    // ---- statements ----------------------------------------------------------------------------

    public sealed interface Stmt permits Block, If, Switch, While, Assign, Return, Exit, Drop, Break, CallStmt {
        At at();
    }

    public record Block(At at, List<Stmt> body) implements Stmt {
    }

    public record If(At at, Expr condition, Stmt then, Stmt otherwise) implements Stmt {
    }

    public record Switch(At at, Expr value, List<Case> cases) implements Stmt {
    }

    public enum CaseKind { INT, STRING, REGEX, DEFAULT }

    /** A case: label is a Long (INT), a String (STRING, REGEX) or null (DEFAULT). */
    public record Case(At at, CaseKind kind, Object label, List<Stmt> body, At labelAt) {
        public Case(At at, CaseKind kind, Object label, List<Stmt> body) {
            this(at, kind, label, body, at);
        }
    }

    public record While(At at, Expr condition, Stmt body) implements Stmt {
    }

    public record Assign(At at, Pvar target, Expr value) implements Stmt {
    }

    /** {@code return [expr]}; value null means return 1. */
    public record Return(At at, Expr value) implements Stmt {
    }

    public record Exit(At at, Expr value) implements Stmt {
    }

    public record Drop(At at, Expr value) implements Stmt {
    }

    public record Break(At at) implements Stmt {
    }

    public record CallStmt(At at, Call call) implements Stmt {
    }

    // ---- expressions ---------------------------------------------------------------------------

    public sealed interface Expr permits Num, Str, Pvar, Select, MatchKeyword, Myself, Address, Name, Call, Unary, Binary,
            Cast, Defined, StrLen, StrEmpty, SelVal {
        At at();
    }

    public record Num(At at, long value) implements Expr {
    }

    public record Str(At at, String value) implements Expr {
    }

    /** A pseudo-variable as written, e.g. {@code $var(x)} or {@code $(ru{uri.user})}. */
    public record Pvar(At at, String text) implements Expr {
    }

    /** A select as written after its {@code @}: {@code cfg_get.pstn.gw_ip} for {@code @cfg_get.pstn.gw_ip}. */
    public record Select(At at, String text) implements Expr {
    }

    /** {@code method}, {@code uri}, {@code src_ip}... the old-style match keywords. */
    public record MatchKeyword(At at, String keyword) implements Expr {
    }

    public record Myself(At at) implements Expr {
    }

    /** An IP literal with an optional network mask: {@code 10.0.0.0/8}, {@code [::1]}. */
    public record Address(At at, String address, String mask) implements Expr {
    }

    /** A bare word: an identifier, a dotted name or a protocol keyword ({@code proto == tcp}). */
    public record Name(At at, String name, At endAt) implements Expr {
        public Name(At at, String name) {
            this(at, name, at);
        }
    }

    /** A function call; {@code parens} is false for a bare {@code name;} statement. */
    public record Call(At at, String name, List<Expr> args, boolean parens) implements Expr {
    }

    public record Unary(At at, String op, Expr operand) implements Expr {
    }

    public record Binary(At at, String op, Expr left, Expr right) implements Expr {
    }

    public record Cast(At at, boolean toInt, Expr operand) implements Expr {
    }

    public record Defined(At at, Expr operand) implements Expr {
    }

    public record StrLen(At at, Expr operand) implements Expr {
    }

    public record StrEmpty(At at, Expr operand) implements Expr {
    }

    public record SelVal(At at, Expr condition, Expr ifTrue, Expr ifFalse) implements Expr {
    }
}
