package io.sipway.cfg;

import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action tree: what the compiler makes of a route and what a run walks. Statements are
 * {@link Node}s, expressions {@link Ex}s; everything a run needs was resolved at load time, so a run
 * looks nothing up by name and allocates nothing of its own (values a host function or
 * pseudo-variable creates are theirs).
 */
final class Exec {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.cfg.script");

    /** Kamailio's ROUTE_MAX_REC_LEV: how deep route(...) calls may nest. */
    static final int MAX_ROUTE_DEPTH = 100;

    private Exec() {
    }

    // ---- statements ----------------------------------------------------------------------------

    abstract static class Node {
        final SourcePos pos;

        Node(SourcePos pos) {
            this.pos = pos;
        }

        abstract void run(ScriptContext c);
    }

    static final class Seq extends Node {
        final Node[] body;

        Seq(SourcePos pos, Node[] body) {
            super(pos);
            this.body = body;
        }

        @Override
        void run(ScriptContext c) {
            for (Node n : body) {
                n.run(c);
                if (c.flow != ScriptContext.NEXT || c.exited) {
                    return;
                }
            }
        }
    }

    static final class Call extends Node {
        final ScriptFunction function;

        Call(SourcePos pos, ScriptFunction function) {
            super(pos);
            this.function = function;
        }

        @Override
        void run(ScriptContext c) {
            long rc = function.invoke(c);
            c.returnCode = rc;
            if (rc == 0) {
                c.exited = true; // a function returning 0 ends the script
            }
        }
    }

    static final class If extends Node {
        final Ex condition;
        final Node then;
        final Node otherwise;

        If(SourcePos pos, Ex condition, Node then, Node otherwise) {
            super(pos);
            this.condition = condition;
            this.then = then;
            this.otherwise = otherwise;
        }

        @Override
        void run(ScriptContext c) {
            boolean yes = condition.test(c);
            if (c.exited) {
                return;
            }
            if (yes) {
                then.run(c);
            } else if (otherwise != null) {
                otherwise.run(c);
            }
        }
    }

    static final class While extends Node {
        final Ex condition;
        final Node body;
        final int maxLoops;

        While(SourcePos pos, Ex condition, Node body, int maxLoops) {
            super(pos);
            this.condition = condition;
            this.body = body;
            this.maxLoops = maxLoops;
        }

        @Override
        void run(ScriptContext c) {
            int n = 0;
            while (condition.test(c) && !c.exited) {
                if (maxLoops > 0 && ++n > maxLoops) {
                    LOG.error("{}: runaway while (more than max_while_loops={} iterations): loop stopped", pos, maxLoops);
                    c.returnCode = -1;
                    return;
                }
                body.run(c);
                if (c.exited || c.flow == ScriptContext.RETURN) {
                    return;
                }
                if (c.flow == ScriptContext.BREAK) {
                    c.flow = ScriptContext.NEXT;
                    return;
                }
            }
        }
    }

    /** switch: the case bodies laid end to end; a match jumps in and falls through until break. */
    static final class Switch extends Node {
        final Ex value;
        final Node[] bodies;
        final Map<Long, Integer> intCases;
        final Map<String, Integer> stringCases;
        final Pattern[] regexCases;
        final int[] regexTargets;
        final int defaultIndex;

        Switch(SourcePos pos, Ex value, Node[] bodies, Map<Long, Integer> intCases, Map<String, Integer> stringCases,
               Pattern[] regexCases, int[] regexTargets, int defaultIndex) {
            super(pos);
            this.value = value;
            this.bodies = bodies;
            this.intCases = intCases;
            this.stringCases = stringCases;
            this.regexCases = regexCases;
            this.regexTargets = regexTargets;
            this.defaultIndex = defaultIndex;
        }

        @Override
        void run(ScriptContext c) {
            int start = -1;
            if (!intCases.isEmpty()) {
                Integer i = intCases.get(value.asInt(c));
                start = i == null ? -1 : i;
            } else {
                Object v = value.get(c);
                String s = v == null ? null : v.toString();
                if (s != null) {
                    Integer i = stringCases.get(s);
                    start = i == null ? -1 : i;
                    for (int r = 0; start < 0 && r < regexCases.length; r++) {
                        if (regexCases[r].matcher(s).find()) {
                            start = regexTargets[r];
                        }
                    }
                }
            }
            if (start < 0) {
                start = defaultIndex;
            }
            if (start < 0 || c.exited) {
                return;
            }
            for (int i = start; i < bodies.length; i++) {
                bodies[i].run(c);
                if (c.exited || c.flow == ScriptContext.RETURN) {
                    return;
                }
                if (c.flow == ScriptContext.BREAK) {
                    c.flow = ScriptContext.NEXT;
                    return;
                }
            }
        }
    }

    static final class Assign extends Node {
        final Pv target;
        final Ex value;

        Assign(SourcePos pos, Pv target, Ex value) {
            super(pos);
            this.target = target;
            this.value = value;
        }

        @Override
        void run(ScriptContext c) {
            target.set(c, value.get(c));
        }
    }

    static final class Return extends Node {
        final Ex value;

        Return(SourcePos pos, Ex value) {
            super(pos);
            this.value = value;
        }

        @Override
        void run(ScriptContext c) {
            long rc = value == null ? 1 : value.asInt(c);
            c.returnCode = rc;
            c.flow = ScriptContext.RETURN;
            if (rc == 0) {
                c.exited = true; // return 0 ends the whole script
            }
        }
    }

    static final class Exit extends Node {
        final boolean drop;

        Exit(SourcePos pos, boolean drop) {
            super(pos);
            this.drop = drop;
        }

        @Override
        void run(ScriptContext c) {
            c.exited = true;
            if (drop) {
                c.dropped = true;
            }
        }
    }

    static final class Break extends Node {
        Break(SourcePos pos) {
            super(pos);
        }

        @Override
        void run(ScriptContext c) {
            c.flow = ScriptContext.BREAK;
        }
    }

    /** A statement told to the {@link ActionTrace} before it runs (only in scripts compiled with one). */
    static final class Traced extends Node {
        final Node inner;
        final ActionTrace trace;
        final ActionTrace.Action action;

        Traced(Node inner, ActionTrace trace, ActionTrace.Action action) {
            super(inner.pos);
            this.inner = inner;
            this.trace = trace;
            this.action = action;
        }

        @Override
        void run(ScriptContext c) {
            trace.action(c, action);
            inner.run(c);
        }
    }

    /** A route's body, filled in once every route is compiled (routes may call each other in any order). */
    static final class RouteBody {
        final String name;
        Node body;
        /**
         * A function that may wait which running this route can reach (directly, through route(X)
         * or a branch_route it arms), or null: set once after the script is compiled ({@link Waits}).
         */
        String waitsOn;

        RouteBody(String name) {
            this.name = name;
        }
    }

    static final class RouteCall extends Node {
        final RouteBody target;

        RouteCall(SourcePos pos, RouteBody target) {
            super(pos);
            this.target = target;
        }

        @Override
        void run(ScriptContext c) {
            enter(c, target, pos);
        }
    }

    /** route($var(x)): the only lookup by name at run time, because the script asked for one. */
    static final class DynamicRouteCall extends Node {
        final Ex name;
        final Map<String, RouteBody> routes;

        DynamicRouteCall(SourcePos pos, Ex name, Map<String, RouteBody> routes) {
            super(pos);
            this.name = name;
            this.routes = routes;
        }

        @Override
        void run(ScriptContext c) {
            Object n = name.get(c);
            RouteBody r = n == null ? null : routes.get(n.toString());
            if (r == null) {
                LOG.error("{}: route({}) does not exist", pos, n);
                c.returnCode = -1;
                return;
            }
            enter(c, r, pos);
        }
    }

    static void enter(ScriptContext c, RouteBody route, SourcePos pos) {
        if (c.depth >= MAX_ROUTE_DEPTH) {
            LOG.error("{}: route({}) nested too deep (more than {} levels): giving up", pos, route.name, MAX_ROUTE_DEPTH);
            c.returnCode = -1;
            c.exited = true;
            return;
        }
        c.depth++;
        try {
            route.body.run(c);
        } finally {
            c.depth--;
        }
        c.flow = ScriptContext.NEXT; // return and break stop at the route boundary
    }

    // ---- expressions ---------------------------------------------------------------------------

    enum Kind { INT, STR, ANY }

    abstract static class Ex implements ValueSource {
        final SourcePos pos;

        Ex(SourcePos pos) {
            this.pos = pos;
        }

        /** What the value is known to be before running: decides == and + (typing by the left operand). */
        Kind kind() {
            return Kind.ANY;
        }

        long asInt(ScriptContext c) {
            return toInt(get(c));
        }

        boolean test(ScriptContext c) {
            return asInt(c) > 0;
        }
    }

    static long toInt(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v == null) {
            return 0;
        }
        return parseLeadingInt(v.toString());
    }

    /** Kamailio's str2sint as used by rvalue conversion: optional sign and digits; anything else gives 0. */
    static long parseLeadingInt(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
            digits++;
        }
        return digits == 0 ? 0 : negative ? -v : v;
    }

    static String toStr(Object v) {
        return v == null ? "" : v.toString();
    }

    static final class Const extends Ex {
        final Object value;
        final long intValue;

        Const(SourcePos pos, Object value) {
            super(pos);
            this.value = value;
            this.intValue = toInt(value);
        }

        @Override
        Kind kind() {
            return value instanceof Long ? Kind.INT : value instanceof String ? Kind.STR : Kind.ANY;
        }

        @Override
        public Object get(ScriptContext c) {
            return value;
        }

        @Override
        long asInt(ScriptContext c) {
            return intValue;
        }
    }

    static final class Read extends Ex {
        final ValueSource source;

        Read(SourcePos pos, ValueSource source) {
            super(pos);
            this.source = source;
        }

        @Override
        public Object get(ScriptContext c) {
            return source.get(c);
        }
    }

    abstract static class IntEx extends Ex {
        IntEx(SourcePos pos) {
            super(pos);
        }

        @Override
        Kind kind() {
            return Kind.INT;
        }

        @Override
        public Object get(ScriptContext c) {
            return asInt(c);
        }

        @Override
        abstract long asInt(ScriptContext c);
    }

    /**
     * A function call as a value. Inside an expression it is 1 when the function returned more than 0,
     * else 0 (Kamailio's rvalue.c); assigned alone ({@code $var(x) = f();}) it is the return code itself
     * (lvalue.c). $rc keeps the code either way.
     */
    static final class CallEx extends IntEx {
        final ScriptFunction function;
        final boolean code;

        CallEx(SourcePos pos, ScriptFunction function) {
            this(pos, function, false);
        }

        private CallEx(SourcePos pos, ScriptFunction function, boolean code) {
            super(pos);
            this.function = function;
            this.code = code;
        }

        /** The same call giving its return code: the whole right side of an assignment. */
        CallEx asAssigned() {
            return new CallEx(pos, function, true);
        }

        @Override
        long asInt(ScriptContext c) {
            long rc = function.invoke(c);
            c.returnCode = rc;
            if (rc == 0) {
                c.exited = true;
            }
            return code ? rc : rc > 0 ? 1 : 0;
        }
    }

    /** route(X) used as a value: as a function call's ({@link CallEx}), 1 or 0 in an expression, its code when assigned alone. */
    static final class RouteEx extends IntEx {
        final Node call;
        final boolean code;

        RouteEx(SourcePos pos, Node call) {
            this(pos, call, false);
        }

        private RouteEx(SourcePos pos, Node call, boolean code) {
            super(pos);
            this.call = call;
            this.code = code;
        }

        RouteEx asAssigned() {
            return new RouteEx(pos, call, true);
        }

        @Override
        long asInt(ScriptContext c) {
            call.run(c);
            return code ? c.returnCode : c.returnCode > 0 ? 1 : 0;
        }
    }

    static final class Not extends IntEx {
        final Ex operand;

        Not(SourcePos pos, Ex operand) {
            super(pos);
            this.operand = operand;
        }

        @Override
        long asInt(ScriptContext c) {
            return operand.test(c) ? 0 : 1;
        }
    }

    static final class Arith extends IntEx {
        final char op; // + - * / % & | ^ < > (shifts), ~ and unary - with left null
        final Ex left;
        final Ex right;

        Arith(SourcePos pos, char op, Ex left, Ex right) {
            super(pos);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        long asInt(ScriptContext c) {
            long r = right.asInt(c);
            if (left == null) {
                return op == '~' ? ~r : -r;
            }
            long l = left.asInt(c);
            switch (op) {
                case '+': return l + r;
                case '-': return l - r;
                case '*': return l * r;
                case '/':
                    if (r == 0) {
                        LOG.error("{}: division by zero", pos);
                        return 0;
                    }
                    return l / r;
                case '%':
                    if (r == 0) {
                        LOG.error("{}: mod by zero", pos);
                        return 0;
                    }
                    return l % r;
                case '&': return l & r;
                case '|': return l | r;
                case '^': return l ^ r;
                case '<': return l << r;
                case '>': return l >> r;
                default: throw new IllegalStateException("operator " + op);
            }
        }
    }

    /** '+' whose left side is a string (or unknown until run time): concatenation or addition. */
    static final class Plus extends Ex {
        final Ex left;
        final Ex right;

        Plus(SourcePos pos, Ex left, Ex right) {
            super(pos);
            this.left = left;
            this.right = right;
        }

        @Override
        Kind kind() {
            return left.kind();
        }

        @Override
        public Object get(ScriptContext c) {
            Object l = left.get(c);
            if (l instanceof Long n) {
                return n + right.asInt(c);
            }
            return toStr(l) + toStr(right.get(c));
        }
    }

    static final class Compare extends IntEx {
        final String op; // == != > < >= <=
        final Ex left;
        final Ex right;
        final Kind forced; // eq/ne force STR, ieq/ine force INT, else null = by the left operand

        Compare(SourcePos pos, String op, Ex left, Ex right, Kind forced) {
            super(pos);
            this.op = op;
            this.left = left;
            this.right = right;
            this.forced = forced;
        }

        @Override
        long asInt(ScriptContext c) {
            boolean equality = op.equals("==") || op.equals("!=");
            Kind k = forced != null ? forced : left.kind();
            int cmp;
            if (k == Kind.INT || (!equality && k != Kind.STR)) {
                cmp = Long.compare(left.asInt(c), right.asInt(c));
            } else if (k == Kind.STR) {
                cmp = toStr(left.get(c)).compareTo(toStr(right.get(c)));
            } else {
                Object l = left.get(c);
                Object r = right.get(c);
                if (l == null) {
                    l = r instanceof Long ? Long.valueOf(0) : "";
                }
                cmp = l instanceof Long n ? Long.compare(n, toInt(r)) : l.toString().compareTo(toStr(r));
            }
            boolean result = switch (op) {
                case "==" -> cmp == 0;
                case "!=" -> cmp != 0;
                case ">" -> cmp > 0;
                case "<" -> cmp < 0;
                case ">=" -> cmp >= 0;
                default -> cmp <= 0;
            };
            return result ? 1 : 0;
        }
    }

    /** Case-insensitive string equality, for the match keywords method/proto. */
    static final class EqualsIgnoreCase extends IntEx {
        final Ex left;
        final Ex right;
        final boolean negate;

        EqualsIgnoreCase(SourcePos pos, Ex left, Ex right, boolean negate) {
            super(pos);
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        long asInt(ScriptContext c) {
            boolean eq = toStr(left.get(c)).equalsIgnoreCase(toStr(right.get(c)));
            return eq != negate ? 1 : 0;
        }
    }

    static final class Match extends IntEx {
        final Ex left;
        final Pattern constant;
        final Ex right;

        Match(SourcePos pos, Ex left, Pattern constant, Ex right) {
            super(pos);
            this.left = left;
            this.constant = constant;
            this.right = right;
        }

        @Override
        long asInt(ScriptContext c) {
            Object l = left.get(c);
            if (l == null) {
                return 0;
            }
            Pattern p = constant;
            if (p == null) {
                try {
                    p = Regex.compile(toStr(right.get(c)));
                } catch (IllegalArgumentException e) {
                    LOG.error("{}: bad regular expression at run time: {}", pos, e.getMessage());
                    return 0;
                }
            }
            return p.matcher(l.toString()).find() ? 1 : 0;
        }
    }

    static final class AndOr extends IntEx {
        final boolean and;
        final Ex left;
        final Ex right;

        AndOr(SourcePos pos, boolean and, Ex left, Ex right) {
            super(pos);
            this.and = and;
            this.left = left;
            this.right = right;
        }

        @Override
        long asInt(ScriptContext c) {
            boolean l = left.test(c);
            if (c.exited) {
                return 0;
            }
            if (and ? !l : l) {
                return l ? 1 : 0;
            }
            return right.test(c) ? 1 : 0;
        }
    }

    static final class Defined extends IntEx {
        final Ex operand;

        Defined(SourcePos pos, Ex operand) {
            super(pos);
            this.operand = operand;
        }

        @Override
        long asInt(ScriptContext c) {
            return operand.get(c) != null ? 1 : 0;
        }
    }

    static final class StrLen extends IntEx {
        final Ex operand;
        final boolean emptyTest;

        StrLen(SourcePos pos, Ex operand, boolean emptyTest) {
            super(pos);
            this.operand = operand;
            this.emptyTest = emptyTest;
        }

        @Override
        long asInt(ScriptContext c) {
            int len = toStr(operand.get(c)).length();
            return emptyTest ? (len == 0 ? 1 : 0) : len;
        }
    }

    static final class ToStr extends Ex {
        final Ex operand;

        ToStr(SourcePos pos, Ex operand) {
            super(pos);
            this.operand = operand;
        }

        @Override
        Kind kind() {
            return Kind.STR;
        }

        @Override
        public Object get(ScriptContext c) {
            Object v = operand.get(c);
            return v == null ? "" : v.toString();
        }
    }

    static final class ToInt extends IntEx {
        final Ex operand;

        ToInt(SourcePos pos, Ex operand) {
            super(pos);
            this.operand = operand;
        }

        @Override
        long asInt(ScriptContext c) {
            return operand.asInt(c);
        }
    }

    static final class SelVal extends Ex {
        final Ex condition;
        final Ex ifTrue;
        final Ex ifFalse;

        SelVal(SourcePos pos, Ex condition, Ex ifTrue, Ex ifFalse) {
            super(pos);
            this.condition = condition;
            this.ifTrue = ifTrue;
            this.ifFalse = ifFalse;
        }

        @Override
        public Object get(ScriptContext c) {
            return condition.test(c) ? ifTrue.get(c) : ifFalse.get(c);
        }
    }

    static final class Myself extends IntEx {
        final ScriptHost host;
        final String keyword;
        final Ex value;
        final boolean negate;

        Myself(SourcePos pos, ScriptHost host, String keyword, Ex value, boolean negate) {
            super(pos);
            this.host = host;
            this.keyword = keyword;
            this.value = value;
            this.negate = negate;
        }

        @Override
        long asInt(ScriptContext c) {
            return host.isMyself(c, keyword, value.get(c)) != negate ? 1 : 0;
        }
    }

    /** src_ip == 10.0.0.0/8: the address (as text) inside a network. */
    static final class InNetwork extends IntEx {
        final Ex value;
        final byte[] network;
        final int bits;
        final boolean negate;

        InNetwork(SourcePos pos, Ex value, byte[] network, int bits, boolean negate) {
            super(pos);
            this.value = value;
            this.network = network;
            this.bits = bits;
            this.negate = negate;
        }

        @Override
        long asInt(ScriptContext c) {
            byte[] a = Regex.ipBytes(toStr(value.get(c)));
            boolean in = a != null && a.length == network.length && Regex.samePrefix(a, network, bits);
            return in != negate ? 1 : 0;
        }
    }

    /** A transformation chain applied to a value. */
    static final class Transformed extends Ex {
        final Ex base;
        final Transformation[] chain;

        Transformed(SourcePos pos, Ex base, Transformation[] chain) {
            super(pos);
            this.base = base;
            this.chain = chain;
        }

        @Override
        public Object get(ScriptContext c) {
            Object v = base.get(c);
            for (Transformation t : chain) {
                v = t.apply(v, c);
            }
            return v;
        }
    }
}
