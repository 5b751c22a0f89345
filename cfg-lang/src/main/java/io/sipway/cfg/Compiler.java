package io.sipway.cfg;

import io.sipway.cfg.Ast.RouteType;
import io.sipway.cfg.Exec.Ex;
import io.sipway.cfg.Exec.Kind;
import io.sipway.cfg.Exec.Node;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The checker and the compiler in one pass over the {@link Ast}: resolves every function, route,
 * pseudo-variable, transformation and constant regex against the {@link ScriptHost}, reports every
 * problem it finds (it does not stop at the first), warns about unreachable statements and routes
 * nothing uses, and builds the action tree ({@link Exec}).
 */
final class Compiler {
    private final ScriptHost host;
    /** Told of each statement before it runs (the debugger's cfgtrace), or null: no trace nodes. */
    private ActionTrace trace;
    private final Diagnostics diagnostics;
    private final ScriptMode mode;

    private final Set<String> modules = new LinkedHashSet<>();
    private final List<Ast.GlobalParam> globals = new ArrayList<>();
    private final List<Ast.ModParam> modParams = new ArrayList<>();
    private final Map<RouteType, Map<String, Exec.RouteBody>> routes = new EnumMap<>(RouteType.class);
    private final Map<RouteType, Map<String, SourcePos>> routeDefined = new EnumMap<>(RouteType.class);
    private final Map<RouteType, Set<String>> routeUsed = new EnumMap<>(RouteType.class);
    private final Map<String, Integer> varIndex = new HashMap<>();
    private final Map<String, Object[]> sharedVars = new ConcurrentHashMap<>();
    private final CfgVars cfgVars = new CfgVars();
    private int maxWhileLoops = 100;
    private RouteType currentRoute;
    /** The route being compiled, and what its run can reach that may wait. */
    private Exec.RouteBody currentBody;
    private final Waits waits = new Waits();

    Compiler(ScriptHost host, Diagnostics diagnostics, ScriptMode mode) {
        this.host = host;
        this.diagnostics = diagnostics;
        this.mode = mode;
    }

    private void error(Ast.At at, String message) {
        diagnostics.error(at.pos, message);
    }

    CompiledScript compile(Ast.Script script) {
        Map<RouteType, Map<String, List<Ast.Route>>> blocks = new EnumMap<>(RouteType.class);
        for (Ast.TopItem item : script.items()) {
            if (item instanceof Ast.LoadModule m) {
                loadModule(m);
            } else if (item instanceof Ast.ModParam p) {
                modParam(p);
            } else if (item instanceof Ast.GlobalParam g) {
                globalParam(g);
            } else if (item instanceof Ast.Route r) {
                String key = r.name() == null ? "" : r.name();
                Map<String, SourcePos> defined = routeDefined.computeIfAbsent(r.type(), t -> new HashMap<>());
                SourcePos first = defined.get(key);
                if (first != null && r.name() != null) {
                    error(r.nameAt(), "duplicate route: " + r.type().keyword + "[" + r.name() + "] is already defined at " + first);
                    continue;
                }
                defined.putIfAbsent(key, r.at().pos);
                // unnamed request_route / reply_route / onsend_route blocks are appended, as Kamailio does
                blocks.computeIfAbsent(r.type(), t -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>()).add(r);
                routes.computeIfAbsent(r.type(), t -> new HashMap<>()).computeIfAbsent(key, Exec.RouteBody::new);
            }
        }
        host.modulesLoaded(java.util.Collections.unmodifiableSet(modules));
        host.modParamsRead(java.util.Collections.unmodifiableList(modParams));
        trace = host.actionTrace();
        for (Map<String, List<Ast.Route>> named : blocks.values()) {
            for (List<Ast.Route> rs : named.values()) {
                String cannot = host.routeProblem(rs.get(0).type(), rs.get(0).name());
                if (cannot != null) {
                    error(rs.get(0).nameAt(), cannot);
                }
            }
        }
        for (Map.Entry<RouteType, Map<String, List<Ast.Route>>> byType : blocks.entrySet()) {
            currentRoute = byType.getKey();
            for (Map.Entry<String, List<Ast.Route>> named : byType.getValue().entrySet()) {
                List<Node> body = new ArrayList<>();
                currentBody = routes.get(byType.getKey()).get(named.getKey());
                SourcePos pos = named.getValue().get(0).at().pos;
                for (Ast.Route r : named.getValue()) {
                    body.addAll(statements(r.body()));
                }
                routes.get(byType.getKey()).get(named.getKey()).body = new Exec.Seq(pos, body.toArray(new Node[0]));
            }
        }
        currentBody = null;
        waits.resolve(routes.values());
        for (Map.Entry<RouteType, Map<String, List<Ast.Route>>> byType : blocks.entrySet()) {
            for (Map.Entry<String, List<Ast.Route>> named : byType.getValue().entrySet()) {
                String waitsOn = routes.get(byType.getKey()).get(named.getKey()).waitsOn;
                Ast.Route r = named.getValue().get(0);
                String cannot = waitsOn == null ? null : host.waitProblem(r.type(), r.name(), waitsOn);
                if (cannot != null) {
                    error(r.nameAt(), cannot);
                }
            }
        }
        warnUnusedRoutes(blocks);
        CompiledScript compiled = new CompiledScript(routes, globals, modParams, modules, varIndex.size(), cfgVars);
        compiled.varIndex = Map.copyOf(varIndex);
        String[] names = new String[varIndex.size()];
        varIndex.forEach((n, i) -> names[i] = n);
        compiled.varNames(java.util.Arrays.asList(names));
        return compiled;
    }

    // ---- top level -----------------------------------------------------------------------------

    private void loadModule(Ast.LoadModule m) {
        String path = m.path();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.endsWith(".so")) {
            name = name.substring(0, name.length() - 3);
        }
        if (!host.implementedModules().contains(name)) {
            error(m.at(), "module '" + name + "' is not supported by Sipway; the modules it has: "
                    + String.join(", ", new TreeSet<>(host.implementedModules())));
            return;
        }
        if (!modules.add(name)) {
            error(m.at(), "module '" + name + "' is loaded twice");
        }
    }

    private void modParam(Ast.ModParam p) {
        Pattern modulePattern;
        try {
            modulePattern = Pattern.compile(p.module());
        } catch (java.util.regex.PatternSyntaxException e) {
            error(p.at(), "bad module name or regex '" + p.module() + "' in modparam");
            return;
        }
        boolean any = false;
        for (String m : modules) {
            if (modulePattern.matcher(m).matches()) {
                any = true;
                if (!host.moduleParameter(m, p.param())) {
                    String why = host.parameterProblem(m, p.param());
                    error(p.paramAt(), why != null ? "modparam(\"" + m + "\", \"" + p.param() + "\") " + why
                            : "module '" + m + "' has no parameter '" + p.param() + "'");
                    return;
                }
                String bad = host.parameterValueProblem(m, p.param(), p.value());
                if (bad != null) {
                    error(p.at(), "modparam(\"" + m + "\", \"" + p.param() + "\", " + p.value() + "): " + bad);
                    return;
                }
                String note = host.parameterNote(m, p.param(), p.value());
                if (note != null) {
                    diagnostics.warning(p.paramAt().pos, "modparam(\"" + m + "\", \"" + p.param() + "\") " + note);
                }
            }
        }
        if (!any) {
            error(p.at(), "modparam for module '" + p.module() + "', which is not loaded (loadmodule \"" + p.module() + ".so\" must come first)");
            return;
        }
        modParams.add(p);
    }

    private void globalParam(Ast.GlobalParam g) {
        if (!g.name().contains(".") && !host.globalParameter(g.name())) {
            String why = host.parameterProblem(null, g.name());
            error(g.at(), why != null ? "global parameter '" + g.name() + "' " + why : "unknown global parameter '" + g.name() + "'");
            return;
        }
        if (g.name().contains(".") && !cfgVariable(g)) {
            return;
        }
        ScriptHost.ValueProblem problem = host.globalParameterProblem(g.name(), g.raw(), g.value());
        if (problem != null) {
            SourcePos v = g.valueAt().pos;
            diagnostics.error(new SourcePos(v.file(), v.line(), v.column() + Math.max(0, problem.offset())),
                    g.name() + ": " + problem.message());
            return;
        }
        String bad = g.name().contains(".") ? null : host.parameterValueProblem(null, g.name(), g.value());
        if (bad != null) {
            error(g.at(), g.name() + "=" + g.raw() + ": " + bad);
            return;
        }
        String note = g.name().contains(".") ? null : host.parameterNote(null, g.name(), g.value());
        if (note != null) {
            diagnostics.warning(g.at().pos, g.name() + " " + note);
        }
        if (g.name().equals("max_while_loops") && g.value() instanceof Long n) {
            maxWhileLoops = n.intValue();
        }
        globals.add(g);
    }

    /** {@code group.var = value [desc "text"]}: one of the script's cfg variables; false when refused. */
    private boolean cfgVariable(Ast.GlobalParam g) {
        String group = g.name().substring(0, g.name().indexOf('.'));
        String problem = host.cfgGroupProblem(group);
        if (problem == null) {
            problem = cfgVars.declare(g.name(), g.value(), g.desc(), g.at().pos);
        } else {
            problem = g.name() + ": '" + group + "' " + problem;
        }
        if (problem != null) {
            error(g.at(), problem);
            return false;
        }
        return true;
    }

    /** A select ({@code @cfg_get.pstn.gw_ip}, {@code $sel(cfg_get.pstn.gw_ip)}), resolved now. */
    private Pv select(Ast.At at, String written, String text) {
        if (!text.startsWith("cfg_get.") && !text.equals("cfg_get")) {
            Pv pv = host.select(text);
            if (pv == null) {
                error(at, written + ": Sipway does not implement this select (it has the message's ruri, from, to, via[n],"
                        + " cseq, call_id, method, contact, user_agent, src, dst, msg.body, hf_value, and cfg_get.<group>.<var>)");
            }
            return pv;
        }
        try {
            return cfgVars.select(text, host::cfgGroupProblem);
        } catch (IllegalArgumentException e) {
            error(at, written + ": " + e.getMessage());
            return null;
        }
    }

    private void warnUnusedRoutes(Map<RouteType, Map<String, List<Ast.Route>>> blocks) {
        for (RouteType t : List.of(RouteType.ROUTE, RouteType.FAILURE, RouteType.ONREPLY, RouteType.BRANCH)) {
            Map<String, List<Ast.Route>> named = blocks.get(t);
            if (named == null) {
                continue;
            }
            Set<String> used = routeUsed.getOrDefault(t, Set.of());
            for (Map.Entry<String, List<Ast.Route>> e : named.entrySet()) {
                if (!used.contains(e.getKey())) {
                    diagnostics.warning(e.getValue().get(0).at().pos, t.keyword + "[" + e.getKey() + "] is never used");
                }
            }
        }
    }

    // ---- statements ----------------------------------------------------------------------------

    private List<Node> statements(List<Ast.Stmt> list) {
        List<Node> out = new ArrayList<>(list.size());
        boolean ended = false;
        boolean warned = false;
        for (int i = 0; i < list.size(); i++) {
            Ast.Stmt s = list.get(i);
            if (ended && !warned) {
                diagnostics.warning(s.at().pos, "unreachable statement");
                warned = true;
            }
            Node n = statement(s);
            if (n != null) {
                out.add(traced(s, n, i + 1 < list.size() ? list.get(i + 1).at().pos : null));
            }
            ended |= s instanceof Ast.Return || s instanceof Ast.Exit || s instanceof Ast.Drop || s instanceof Ast.Break;
        }
        return out;
    }

    private Node block(Ast.Stmt s) {
        if (s instanceof Ast.Block b) {
            return new Exec.Seq(b.at().pos, statements(b.body()).toArray(new Node[0]));
        }
        Node n = statement(s);
        return n != null ? traced(s, n, null) : new Exec.Seq(s.at().pos, new Node[0]);
    }

    /** The statement wrapped for the {@link ActionTrace} ({@link TracedStatements}); itself when there is no trace. */
    private Node traced(Ast.Stmt s, Node n, SourcePos next) {
        if (trace == null || s instanceof Ast.Block || s instanceof Ast.Break) {
            return n; // Kamailio's debugger sees no break: it is the switch's or the loop's jump
        }
        String route = currentBody == null || currentBody.name == null || currentBody.name.isEmpty() ? "DEFAULT_ROUTE" : currentBody.name;
        return new Exec.Traced(n, trace, TracedStatements.action(s, next, currentRoute, route));
    }

    private Node statement(Ast.Stmt s) {
        if (s instanceof Ast.Block b) {
            return block(b);
        }
        if (s instanceof Ast.If i) {
            return new Exec.If(i.at().pos, expr(i.condition()), block(i.then()), i.otherwise() == null ? null : block(i.otherwise()));
        }
        if (s instanceof Ast.While w) {
            return new Exec.While(w.at().pos, expr(w.condition()), block(w.body()), maxWhileLoops);
        }
        if (s instanceof Ast.Switch sw) {
            return switchStatement(sw);
        }
        if (s instanceof Ast.Assign a) {
            Pv target = assignable(a.target());
            Ex value = expr(a.value());
            if (value instanceof Exec.CallEx call) { // $var(x) = f(); takes f's return code itself
                value = call.asAssigned();
            } else if (value instanceof Exec.RouteEx route) {
                value = route.asAssigned();
            }
            return target == null ? null : new Exec.Assign(a.at().pos, target, value);
        }
        if (s instanceof Ast.Return r) {
            return new Exec.Return(r.at().pos, r.value() == null ? null : expr(r.value()));
        }
        if (s instanceof Ast.Exit e) {
            if (e.value() != null) {
                expr(e.value());
            }
            return new Exec.Exit(e.at().pos, false);
        }
        if (s instanceof Ast.Drop d) {
            if (d.value() != null) {
                expr(d.value());
            }
            return new Exec.Exit(d.at().pos, true);
        }
        if (s instanceof Ast.Break b) {
            return new Exec.Break(b.at().pos);
        }
        Ast.Call call = ((Ast.CallStmt) s).call();
        if (call.name().equals("route")) {
            return routeCall(call);
        }
        ScriptFunction f = function(call);
        return f == null ? null : new Exec.Call(call.at().pos, f);
    }

    private Node switchStatement(Ast.Switch sw) {
        Ex value = expr(sw.value());
        List<Node> bodies = new ArrayList<>();
        Map<Long, Integer> ints = new HashMap<>();
        Map<String, Integer> strings = new HashMap<>();
        List<Pattern> regexes = new ArrayList<>();
        List<Integer> regexTargets = new ArrayList<>();
        int defaultIndex = -1;
        boolean hasInt = false;
        boolean hasString = false;
        Ast.Case firstTyped = null;
        for (Ast.Case c : sw.cases()) {
            if (c.kind() != Ast.CaseKind.DEFAULT) {
                if (firstTyped == null) {
                    firstTyped = c;
                } else if ((firstTyped.kind() == Ast.CaseKind.INT) != (c.kind() == Ast.CaseKind.INT)) {
                    error(c.labelAt(), "switch mixes integer and string cases (the first case, at " + firstTyped.labelAt()
                            + ", is " + (firstTyped.kind() == Ast.CaseKind.INT ? "an integer" : "a string") + ")");
                }
            }
            int index = bodies.size();
            bodies.add(new Exec.Seq(c.at().pos, statements(c.body()).toArray(new Node[0])));
            switch (c.kind()) {
                case DEFAULT -> {
                    if (defaultIndex >= 0) {
                        error(c.at(), "switch has more than one default");
                    }
                    defaultIndex = index;
                }
                case INT -> {
                    hasInt = true;
                    if (ints.putIfAbsent((Long) c.label(), index) != null) {
                        error(c.at(), "duplicate case " + c.label());
                    }
                }
                case STRING -> {
                    hasString = true;
                    if (strings.putIfAbsent((String) c.label(), index) != null) {
                        error(c.at(), "duplicate case \"" + c.label() + "\"");
                    }
                }
                case REGEX -> {
                    hasString = true;
                    try {
                        regexes.add(Regex.compile((String) c.label()));
                        regexTargets.add(index);
                    } catch (IllegalArgumentException e) {
                        error(c.at(), e.getMessage());
                    }
                }
            }
        }
        return new Exec.Switch(sw.at().pos, value, bodies.toArray(new Node[0]), ints, strings,
                regexes.toArray(new Pattern[0]), regexTargets.stream().mapToInt(Integer::intValue).toArray(), defaultIndex);
    }

    private Node routeCall(Ast.Call call) {
        if (call.args().size() != 1) {
            error(call.at(), "route() takes one argument, the route's name");
            return null;
        }
        Ast.Expr arg = call.args().get(0);
        String name = arg instanceof Ast.Name n ? n.name() : arg instanceof Ast.Str s ? s.value()
                : arg instanceof Ast.Num num ? Long.toString(num.value()) : null;
        Map<String, Exec.RouteBody> named = routes.computeIfAbsent(RouteType.ROUTE, t -> new HashMap<>());
        if (name == null) {
            waits.entersAny(currentBody, named.values()); // any route[...] it may name
            return new Exec.DynamicRouteCall(call.at().pos, expr(arg), named);
        }
        Exec.RouteBody target = named.get(name);
        if (target == null) { // Kamailio accepts it and runs an empty route (which returns 1): said, not refused
            diagnostics.warning(arg.at().pos, "unknown route '" + name + "': no route[" + name + "] block; it runs as an empty route");
            Exec.RouteBody empty = new Exec.RouteBody(name);
            empty.body = new Exec.Seq(call.at().pos, new Node[0]);
            return new Exec.RouteCall(call.at().pos, empty);
        }
        routeUsed.computeIfAbsent(RouteType.ROUTE, t -> new HashSet<>()).add(name);
        waits.enters(currentBody, target);
        return new Exec.RouteCall(call.at().pos, target);
    }

    private ScriptFunction function(Ast.Call call) {
        FunctionSpec spec = host.function(call.name());
        if (spec == null) {
            error(call.at(), "unknown function '" + call.name() + "' (missing loadmodule?)");
            return null;
        }
        if (spec.module() != null && !modules.contains(spec.module())) {
            error(call.at(), "function '" + call.name() + "' is in module '" + spec.module() + "': add loadmodule \""
                    + spec.module() + ".so\"");
            return null;
        }
        int n = call.args().size();
        if (n < spec.minArgs() || n > spec.maxArgs()) {
            String takes = spec.minArgs() == spec.maxArgs() ? Integer.toString(spec.minArgs()) : spec.minArgs() + " to " + spec.maxArgs();
            error(call.at(), "function '" + call.name() + "' takes " + takes + " argument" + (spec.maxArgs() == 1 ? "" : "s") + ", not " + n);
            return null;
        }
        if (!spec.allowedIn(currentRoute)) {
            error(call.at(), "function '" + call.name() + "' cannot be used in " + currentRoute.keyword);
            return null;
        }
        List<Arg> args = new ArrayList<>(n);
        boolean constant = true;
        for (int i = 0; i < n; i++) {
            Arg arg = argument(call.args().get(i));
            if (!arg.isConstant() && !spec.acceptsExpressions()) {
                error(call.args().get(i).at(), "function '" + call.name() + "': parameter " + (i + 1)
                        + " is not constant (a pseudo-variable goes inside a string: \"$var(x)\")");
                constant = false;
            }
            args.add(arg);
        }
        if (!constant) {
            return null;
        }
        if (spec.armedRoute() != null && n > 0 && args.get(0).isConstant()) {
            String target = args.get(0).constantString();
            Map<String, SourcePos> defined = routeDefined.getOrDefault(spec.armedRoute(), Map.of());
            if (!defined.containsKey(target) && !target.equals("0")) { // "0" disarms, as in Kamailio
                // Kamailio accepts it: the armed route is empty, so it is as if none were armed
                diagnostics.warning(call.args().get(0).at().pos, "unknown " + spec.armedRoute().keyword + " '" + target
                        + "': no " + spec.armedRoute().keyword + "[" + target + "] block; arming it does nothing");
            }
            routeUsed.computeIfAbsent(spec.armedRoute(), t -> new HashSet<>()).add(target);
        }
        waits.calls(currentBody, spec);
        if (spec.armedRoute() == RouteType.BRANCH && n > 0) {
            // a branch_route runs inside the next t_relay of this run: what it reaches, this run does
            Map<String, Exec.RouteBody> branchRoutes = routes.getOrDefault(RouteType.BRANCH, Map.of());
            if (args.get(0).isConstant()) {
                waits.enters(currentBody, branchRoutes.get(args.get(0).constantString()));
            } else {
                waits.entersAny(currentBody, branchRoutes.values());
            }
        }
        try {
            return spec.bind(args);
        } catch (FunctionSpec.BadArgument e) {
            int i = args.indexOf(e.argument());
            error(i >= 0 ? call.args().get(i).at() : call.at(), call.name() + ": " + e.getMessage());
            return null;
        } catch (IllegalArgumentException e) {
            error(call.at(), call.name() + ": " + e.getMessage());
            return null;
        }
    }

    private Arg argument(Ast.Expr a) {
        Arg arg = unplacedArgument(a);
        return a.at() == null ? arg : arg.writtenAt(a.at().pos);
    }

    private Arg unplacedArgument(Ast.Expr a) {
        java.util.function.Function<String, ValueSource> pvs = text -> pvar(new Ast.Pvar(a.at(), text));
        java.util.function.Function<String, Pv> assign = text -> assignable(new Ast.Pvar(a.at(), text));
        if (a instanceof Ast.Num n) {
            return Arg.constant(n.value(), Long.toString(n.value()));
        }
        if (a instanceof Ast.Str s) {
            return Arg.constant(s.value(), "\"" + s.value() + "\"").withPvCompilers(pvs, assign);
        }
        if (a instanceof Ast.Name n) {
            return Arg.constant(n.name(), n.name()).withPvCompilers(pvs, assign); // Kamailio takes a bare word as a string parameter
        }
        Ex compiled = expr(a);
        if (foldable(a)) {
            Object value = compiled.get(null); // constants only: nothing reads the context
            if (value instanceof String || value instanceof Long) {
                return Arg.constant(value, Printer.expr(a)).withPvCompilers(pvs, assign);
            }
        }
        return Arg.dynamic(compiled, Printer.expr(a));
    }

    /** Whether an expression is made of constants only ("4" + "80", -1, (str)5): folded at load time. */
    private static boolean foldable(Ast.Expr e) {
        if (e instanceof Ast.Num || e instanceof Ast.Str) {
            return true;
        }
        if (e instanceof Ast.Unary u) {
            return foldable(u.operand());
        }
        if (e instanceof Ast.Cast c) {
            return foldable(c.operand());
        }
        if (e instanceof Ast.Binary b) {
            return !b.op().equals("=~") && foldable(b.left()) && foldable(b.right());
        }
        return false;
    }

    // ---- pseudo-variables ----------------------------------------------------------------------

    private Pv assignable(Ast.Pvar p) {
        PvSyntax.Parsed parsed;
        try {
            parsed = PvSyntax.parse(p.text());
        } catch (IllegalArgumentException e) {
            error(p.at(), e.getMessage());
            return null;
        }
        if (!parsed.transformations().isEmpty()) {
            error(p.at(), "cannot assign to " + p.text() + ": a transformed value is read-only");
            return null;
        }
        Pv pv = basePv(p, parsed.name());
        if (pv != null && !pv.writable()) {
            error(p.at(), "cannot assign to read-only pseudo-variable " + p.text());
            return null;
        }
        return pv;
    }

    private Ex pvar(Ast.Pvar p) {
        PvSyntax.Parsed parsed;
        try {
            parsed = PvSyntax.parse(p.text());
        } catch (IllegalArgumentException e) {
            error(p.at(), e.getMessage());
            return new Exec.Const(p.at().pos, null);
        }
        Pv pv = basePv(p, parsed.name());
        Ex base = new Exec.Read(p.at().pos, pv == null ? c -> null : pv);
        if (parsed.transformations().isEmpty()) {
            return base;
        }
        List<Transformation> chain = new ArrayList<>();
        for (PvSyntax.Tr tr : parsed.transformations()) {
            List<ValueSource> params = new ArrayList<>();
            for (String param : tr.params()) {
                if (param.startsWith("$$")) { // an escaped '$': {s.replace,$$,} removes the dollars
                    String literal = param.replace("$$", "$");
                    params.add(Arg.constant(literal, literal));
                } else if (param.startsWith("$")) {
                    params.add(pvar(new Ast.Pvar(p.at(), param.trim())));
                } else {
                    params.add(Arg.constant(param, param));
                }
            }
            Transformation t;
            try {
                t = StringTransformations.compile(tr.name(), params);
                if (t != null && !languageFeature("s.", p.at())) {
                    continue;
                }
                if (t == null) {
                    t = host.transformation(tr.name(), params);
                }
            } catch (IllegalArgumentException e) {
                error(p.at(), "{" + tr.name() + "} in " + p.text() + ": " + e.getMessage());
                continue;
            }
            if (t == null) {
                error(p.at(), "unknown transformation {" + tr.name() + "} in " + p.text());
                continue;
            }
            chain.add(t);
        }
        return new Exec.Transformed(p.at().pos, base, chain.toArray(new Transformation[0]));
    }

    /** Whether a feature of the language ($var, s. transformations) is there: its module is loaded, or it needs none. */
    private boolean languageFeature(String feature, Ast.At at) {
        String module = host.moduleFor(feature);
        if (module == null || modules.contains(module)) {
            return true;
        }
        error(at, feature + (feature.endsWith(".") ? " transformations are" : " is") + " in module '" + module
                + "': add loadmodule \"" + module + ".so\"");
        return false;
    }

    /** The language's own pseudo-variables first, then the host's. */
    private Pv basePv(Ast.Pvar p, PvName name) {
        switch (name.name()) {
            case "var" -> {
                if (!languageFeature("$var", p.at())) {
                    return null;
                }
                if (name.inner() == null || name.inner().isBlank()) {
                    error(p.at(), "$var needs a name: $var(name)");
                    return null;
                }
                int index = varIndex.computeIfAbsent(name.inner(), k -> varIndex.size());
                return new VarPv(index);
            }
            case "shv" -> {
                if (!languageFeature("$shv", p.at())) {
                    return null;
                }
                if (name.inner() == null || name.inner().isBlank()) {
                    error(p.at(), "$shv needs a name: $shv(name)");
                    return null;
                }
                Pv hosts = host.sharedVariable(name.inner());
                return hosts != null ? hosts : new SharedPv(sharedVars.computeIfAbsent(name.inner(), k -> new Object[1]));
            }
            case "sel" -> {
                if (!languageFeature("$sel", p.at())) {
                    return null;
                }
                if (name.inner() == null || name.inner().isBlank()) {
                    error(p.at(), "$sel needs a select: $sel(cfg_get.group.var)");
                    return null;
                }
                return select(p.at(), p.text(), name.inner().trim());
            }
            case "rc", "retcode", "?" -> {
                return ctx -> ctx.returnCode;
            }
            case "null" -> {
                return ctx -> null;
            }
            default -> {
            }
        }
        Pv pv;
        try {
            pv = host.pseudoVariable(name, text -> pvar(new Ast.Pvar(p.at(), text)));
            if (pv == null && mode == ScriptMode.MAXCOMPAT && name.inner() == null && name.index() == null) {
                pv = host.pseudoVariable(new PvName("avp", name.name(), null)); // max-compat: $name is an AVP
            }
        } catch (IllegalArgumentException e) {
            error(p.at(), p.text() + ": " + e.getMessage());
            return null;
        }
        if (pv == null) {
            error(p.at(), "unknown pseudo-variable " + p.text());
        }
        return pv;
    }

    /** {@code $var(x)}: a slot in the context, kept across runs on that context. */
    static final class VarPv implements Pv {
        private final int index;

        VarPv(int index) {
            this.index = index;
        }

        @Override
        public Object get(ScriptContext ctx) {
            Object v = ctx.vars[index];
            return v == null ? Long.valueOf(0) : v; // an unset $var reads as 0, as in Kamailio
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void set(ScriptContext ctx, Object value) {
            ctx.vars[index] = value == null ? Long.valueOf(0) : value;
        }
    }

    /** {@code $shv(x)}: one value shared by every context. */
    private static final class SharedPv implements Pv {
        private final Object[] cell;

        SharedPv(Object[] cell) {
            this.cell = cell;
        }

        @Override
        public Object get(ScriptContext ctx) {
            synchronized (cell) {
                return cell[0];
            }
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void set(ScriptContext ctx, Object value) {
            synchronized (cell) {
                cell[0] = value;
            }
        }
    }

    // ---- expressions ---------------------------------------------------------------------------

    Ex expr(Ast.Expr e) {
        SourcePos pos = e.at().pos;
        if (e instanceof Ast.Num n) {
            return new Exec.Const(pos, n.value());
        }
        if (e instanceof Ast.Str s) {
            return new Exec.Const(pos, s.value());
        }
        if (e instanceof Ast.Pvar p) {
            return pvar(p);
        }
        if (e instanceof Ast.Select s) {
            Pv pv = select(s.at(), "@" + s.text(), s.text());
            return new Exec.Read(pos, pv == null ? c -> null : pv);
        }
        if (e instanceof Ast.MatchKeyword m) {
            return matchKeyword(m);
        }
        if (e instanceof Ast.Myself) {
            error(e.at(), "'myself' is only compared: uri == myself, src_ip == myself");
            return new Exec.Const(pos, 0L);
        }
        if (e instanceof Ast.Address a) {
            return new Exec.Const(pos, a.mask() == null ? a.address() : a.address() + "/" + a.mask());
        }
        if (e instanceof Ast.Name n) {
            if (host.function(n.name()) != null) {
                error(n.endAt(), "'" + n.name() + "' is a function: call it as " + n.name() + "()");
            } else {
                error(e.at(), "unknown name '" + n.name() + "': a #!define that is not defined?");
            }
            return new Exec.Const(pos, n.name());
        }
        if (e instanceof Ast.Call c) {
            if (c.name().equals("route")) {
                Node call = routeCall(c);
                return call == null ? new Exec.Const(pos, -1L) : new Exec.RouteEx(pos, call);
            }
            ScriptFunction f = function(c);
            return f == null ? new Exec.Const(pos, -1L) : new Exec.CallEx(pos, f);
        }
        if (e instanceof Ast.Unary u) {
            Ex operand = expr(u.operand());
            return switch (u.op()) {
                case "!" -> new Exec.Not(pos, operand);
                case "~" -> new Exec.Arith(pos, '~', null, operand);
                default -> new Exec.Arith(pos, '-', null, operand);
            };
        }
        if (e instanceof Ast.Cast c) {
            Ex operand = expr(c.operand());
            return c.toInt() ? new Exec.ToInt(pos, operand) : new Exec.ToStr(pos, operand);
        }
        if (e instanceof Ast.Defined d) {
            return new Exec.Defined(pos, expr(d.operand()));
        }
        if (e instanceof Ast.StrLen s) {
            return new Exec.StrLen(pos, expr(s.operand()), false);
        }
        if (e instanceof Ast.StrEmpty s) {
            return new Exec.StrLen(pos, expr(s.operand()), true);
        }
        if (e instanceof Ast.SelVal s) {
            return new Exec.SelVal(pos, expr(s.condition()), expr(s.ifTrue()), expr(s.ifFalse()));
        }
        return binary((Ast.Binary) e);
    }

    private Ex matchKeyword(Ast.MatchKeyword m) {
        ValueSource source = host.matchKeyword(m.keyword());
        if (source == null) {
            error(m.at(), "'" + m.keyword() + "' is not supported here");
            return new Exec.Const(m.at().pos, null);
        }
        return new Exec.Read(m.at().pos, source);
    }

    private Ex binary(Ast.Binary b) {
        SourcePos pos = b.at().pos;
        String op = b.op();
        switch (op) {
            case "&&", "||" -> {
                return new Exec.AndOr(pos, op.equals("&&"), expr(b.left()), expr(b.right()));
            }
            case "==", "!=" -> {
                return equality(b, op.equals("!="));
            }
            case "eq", "ne" -> {
                return new Exec.Compare(pos, op.equals("eq") ? "==" : "!=", expr(b.left()), expr(b.right()), Kind.STR);
            }
            case "ieq", "ine" -> {
                return new Exec.Compare(pos, op.equals("ieq") ? "==" : "!=", expr(b.left()), expr(b.right()), Kind.INT);
            }
            case ">", "<", ">=", "<=" -> {
                return new Exec.Compare(pos, op, expr(b.left()), expr(b.right()), null);
            }
            case "=~", "!~" -> {
                Ex left = expr(b.left());
                if (b.right() instanceof Ast.Str s) {
                    try {
                        return new Exec.Match(pos, left, Regex.compile(s.value()), null);
                    } catch (IllegalArgumentException ex) {
                        error(b.right().at(), ex.getMessage());
                        return new Exec.Const(pos, 0L);
                    }
                }
                return new Exec.Match(pos, left, null, b.right() instanceof Ast.Name n ? new Exec.Const(pos, n.name()) : expr(b.right()));
            }
            case "+" -> {
                Ex left = expr(b.left());
                Ex right = expr(b.right());
                return left.kind() == Kind.INT ? new Exec.Arith(pos, '+', left, right) : new Exec.Plus(pos, left, right);
            }
            default -> {
                char c = switch (op) {
                    case "-" -> '-';
                    case "*" -> '*';
                    case "/" -> '/';
                    case "mod", "%" -> '%';
                    case "&" -> '&';
                    case "|" -> '|';
                    case "^" -> '^';
                    case "<<" -> '<';
                    case ">>" -> '>';
                    default -> throw new IllegalStateException("operator " + op);
                };
                return new Exec.Arith(pos, c, expr(b.left()), expr(b.right()));
            }
        }
    }

    private static final Set<String> ADDRESS_KEYWORDS = Set.of("src_ip", "dst_ip", "snd_ip", "to_ip");
    private static final Set<String> WORD_KEYWORDS = Set.of("method", "proto", "snd_proto", "to_proto", "af", "snd_af");

    private Ex equality(Ast.Binary b, boolean negate) {
        SourcePos pos = b.at().pos;
        Ast.Expr l = b.left();
        Ast.Expr r = b.right();
        if (l instanceof Ast.Myself && !(r instanceof Ast.Myself)) { // myself == uri
            Ast.Expr t = l;
            l = r;
            r = t;
        }
        String keyword = l instanceof Ast.MatchKeyword m ? m.keyword() : null;
        if (r instanceof Ast.Myself) {
            return new Exec.Myself(pos, host, keyword == null ? "" : keyword, expr(l), negate);
        }
        if (r instanceof Ast.Pvar p && p.text().equals("$null")) {
            Ex d = new Exec.Defined(pos, expr(l));
            return negate ? d : new Exec.Not(pos, d);
        }
        if (l instanceof Ast.Pvar p && p.text().equals("$null")) {
            Ex d = new Exec.Defined(pos, expr(r));
            return negate ? d : new Exec.Not(pos, d);
        }
        if (keyword != null && ADDRESS_KEYWORDS.contains(keyword) && r instanceof Ast.Address a) {
            byte[] network = Regex.ipBytes(a.address());
            int bits = network == null ? 0 : network.length * 8;
            if (a.mask() != null && network != null) {
                byte[] mask = Regex.ipBytes(a.mask());
                if (mask != null) {
                    bits = new java.math.BigInteger(1, mask).bitCount();
                } else {
                    bits = (int) Exec.parseLeadingInt(a.mask());
                    if (bits < 0 || bits > network.length * 8) {
                        error(r.at(), "bad network mask /" + a.mask());
                    }
                }
            }
            if (network == null) {
                error(r.at(), "bad address " + a.address());
                return new Exec.Const(pos, 0L);
            }
            return new Exec.InNetwork(pos, expr(l), network, bits, negate);
        }
        if (keyword != null && WORD_KEYWORDS.contains(keyword)) {
            Ex right = r instanceof Ast.Name n ? new Exec.Const(r.at().pos, n.name()) : expr(r);
            return new Exec.EqualsIgnoreCase(pos, expr(l), right, negate);
        }
        Ex left = expr(l);
        Ex right = keyword != null && r instanceof Ast.Name n ? new Exec.Const(r.at().pos, n.name()) : expr(r);
        return new Exec.Compare(pos, negate ? "!=" : "==", left, right, null);
    }
}
