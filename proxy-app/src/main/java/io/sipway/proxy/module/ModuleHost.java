package io.sipway.proxy.module;

import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptHost;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The script host made of module export tables: check mode and the running proxy load a script
 * through it alike, so a script that checks is a script that runs. A function, pseudo-variable or
 * transformation exists only while its module is loaded, as in Kamailio; a Kamailio function or
 * module Sipway does not implement is refused at load, naming it ({@link KamailioReference}).
 */
public final class ModuleHost implements ScriptHost {
    private final Map<String, ModuleExports> modules = new LinkedHashMap<>();
    private final ModuleExports core;
    private final CoreLanguage language;
    /**
     * Every module's functions by name: a name two modules export (rtpengine's and rtpproxy's
     * start_recording, $rtpstat) is the loaded module's, as in Kamailio, where a script loads one of them.
     */
    private final Map<String, List<FunctionSpec>> functions = new LinkedHashMap<>();
    private final Map<String, List<ModuleExports>> pvOwners = new LinkedHashMap<>();
    private final Map<String, ModuleExports> transformationOwner = new LinkedHashMap<>();
    private Set<String> loaded = Set.of();
    /** The functions whose waiting depends on the script's module parameters (by module and name), and those parameters. */
    private final Map<String, FunctionExport> waitingByParams = new LinkedHashMap<>();
    private List<Ast.ModParam> modParams = List.of();

    /** @param tables every module's table, the core's ({@link ModuleExports#CORE}) among them */
    public ModuleHost(List<ModuleExports> tables, CoreLanguage language) {
        ModuleExports c = null;
        for (ModuleExports t : tables) {
            if (modules.put(t.name(), t) != null) {
                throw new IllegalStateException("two tables for module " + t.name());
            }
            if (t.isCore()) {
                c = t;
            }
            for (FunctionExport f : t.functions().values()) {
                if (f.mayWaitWith() != null) {
                    waitingByParams.put(t.name() + "." + f.name(), f);
                }
                FunctionSpec spec = spec(t, f);
                List<FunctionSpec> same = functions.computeIfAbsent(f.name(), k -> new java.util.ArrayList<>(1));
                if (same.stream().anyMatch(x -> java.util.Objects.equals(x.module(), spec.module()))) {
                    throw new IllegalStateException("function " + f.name() + " exported twice by " + t.name());
                }
                same.add(spec);
            }
            t.pvs().keySet().forEach(n -> pvOwners.computeIfAbsent(n, k -> new java.util.ArrayList<>(1)).add(t));
            t.transformations().keySet().forEach(n -> owner(transformationOwner, n, t, "transformation "));
        }
        if (c == null) {
            throw new IllegalStateException("no core table");
        }
        this.core = c;
        this.language = language;
    }

    private static void owner(Map<String, ModuleExports> m, String name, ModuleExports t, String what) {
        if (m.put(name, t) != null) {
            throw new IllegalStateException(what + name + " exported twice");
        }
    }

    private FunctionSpec spec(ModuleExports t, FunctionExport f) {
        FunctionSpec.Binder binder = args -> {
            if (!f.takes(args.size())) {
                throw new IllegalArgumentException(f.arityProblem(args.size()));
            }
            if (f.paramsCheck() != null) { // the script's modparams are read before its routes are compiled
                f.paramsCheck().accept(args, modParams);
            }
            return f.fixup().bind(args);
        };
        FunctionSpec s = FunctionSpec.of(t.isCore() ? null : t.name(), f.name(), f.minArgs(), f.maxArgs(), binder);
        if (!f.routes().containsAll(EnumSet.allOf(Ast.RouteType.class))) {
            Ast.RouteType[] kinds = f.routes().toArray(new Ast.RouteType[0]);
            s = s.onlyIn(kinds[0], Arrays.copyOfRange(kinds, 1, kinds.length));
        }
        if (f.armsRoute() != null) {
            s = s.armsRoute(f.armsRoute());
        }
        if (f.mayWait()) {
            s = s.thatMayWait(); // the script's routes that reach it run on a worker
        }
        return f.expressions() ? s.acceptingExpressions() : s;
    }

    /** Every table, the core's first, in the order given. */
    public List<ModuleExports> tables() {
        return List.copyOf(modules.values());
    }

    @Override
    public Set<String> implementedModules() {
        Set<String> names = new TreeSet<>(modules.keySet());
        names.remove(ModuleExports.CORE);
        return Collections.unmodifiableSet(names);
    }

    @Override
    public void modulesLoaded(Set<String> names) {
        this.loaded = Set.copyOf(names);
    }

    @Override
    public void modParamsRead(List<Ast.ModParam> params) {
        this.modParams = List.copyOf(params);
    }

    /** The loaded module's that follows every statement (debugger), or null: the script gets no trace nodes. */
    @Override
    public io.sipway.cfg.ActionTrace actionTrace() {
        for (String name : loaded) {
            ModuleExports t = modules.get(name);
            if (t != null && t.actionTrace() != null) {
                return t.actionTrace();
            }
        }
        return null;
    }

    /** Of the modules exporting a name, the first the script loaded, else the first (whose loadmodule the error then asks for). */
    private <T> T loadedFirst(List<T> exporters, java.util.function.Function<T, String> module) {
        if (exporters == null) {
            return null;
        }
        for (T e : exporters) {
            String m = module.apply(e);
            if (m == null || m.equals(ModuleExports.CORE) || loaded.contains(m)) {
                return e;
            }
        }
        return exporters.get(0);
    }

    private boolean available(ModuleExports t) {
        return t.isCore() || loaded.contains(t.name());
    }

    @Override
    public FunctionSpec function(String name) {
        FunctionSpec s = loadedFirst(functions.get(name), FunctionSpec::module);
        if (s != null) {
            FunctionExport byParams = waitingByParams.get(s.module() + "." + name);
            return byParams != null && !s.mayWait() && byParams.mayWaitWith().test(modParams) ? s.thatMayWait() : s;
        }
        String module = KamailioReference.moduleOfFunction(name);
        if (module == null) {
            return null;
        }
        // Kamailio has it and Sipway does not: refused where it is called, saying so
        return FunctionSpec.of(module.equals(ModuleExports.CORE) ? null : module, name, 0, Integer.MAX_VALUE, args -> {
            throw new IllegalArgumentException("is a function of Kamailio's " + (module.equals(ModuleExports.CORE) ? "core"
                    : module + " module") + " that Sipway does not implement");
        }).acceptingExpressions();
    }

    @Override
    public Pv pseudoVariable(PvName name) {
        return pseudoVariable(name, null);
    }

    @Override
    public Pv pseudoVariable(PvName name, java.util.function.Function<String, ValueSource> innerPvs) {
        ModuleExports t = loadedFirst(pvOwners.get(name.name()), ModuleExports::name);
        if (t == null) {
            String module = KamailioReference.moduleOfPv(name.name());
            if (module != null) {
                throw new IllegalArgumentException("is a pseudo-variable of Kamailio's " + module
                        + " module that Sipway does not implement");
            }
            return null;
        }
        if (!available(t)) {
            throw new IllegalArgumentException("is in module '" + t.name() + "': add loadmodule \"" + t.name() + ".so\"");
        }
        PvExport d = t.pvs().get(name.name());
        String inner = name.inner();
        boolean hasInner = inner != null && !inner.isBlank();
        if (d.inner() == PvExport.Inner.REQUIRED && !hasInner) {
            throw new IllegalArgumentException("$" + d.name() + " needs a name in parentheses: $" + d.name() + "(name)");
        }
        if (d.inner() == PvExport.Inner.NONE && inner != null) {
            throw new IllegalArgumentException("$" + d.name() + " takes no name in parentheses");
        }
        if (hasInner && d.keys() != null && !inner.contains("$") && !d.keys().contains(inner)) {
            throw new IllegalArgumentException("unknown name '" + inner + "' for $" + d.name() + "(...): one of "
                    + String.join(", ", new TreeSet<>(d.keys())));
        }
        return d.compiling() != null ? d.compiling().make(name, innerPvs) : d.factory().apply(name);
    }

    /**
     * A pseudo-variable written as text inside a parameter ({@code $name} or {@code $name(inner)}),
     * of a module the script loaded, or null (a parameter's format: {@code log_prefix}, acc's
     * {@code log_extra}).
     */
    public Pv pvFromText(String text) {
        if (text == null || !text.startsWith("$")) {
            return null;
        }
        String body = text.substring(1);
        String name = body;
        String inner = null;
        int paren = body.indexOf('(');
        if (paren > 0 && body.endsWith(")")) {
            name = body.substring(0, paren);
            inner = body.substring(paren + 1, body.length() - 1);
        }
        try {
            return pseudoVariable(new PvName(name, inner, null));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String routeProblem(Ast.RouteType type, String name) {
        if (type == Ast.RouteType.ONSEND) {
            return "onsend_route is not run by Sipway: nothing would check what leaves";
        }
        if (type != Ast.RouteType.EVENT) {
            return null;
        }
        for (ModuleExports t : modules.values()) {
            // a name ending in * stands for a family the module runs (htable:expired:<table>)
            if (t.eventRoutes().contains(name) || t.eventRoutes().stream().anyMatch(r -> r.endsWith("*")
                    && name.startsWith(r.substring(0, r.length() - 1)) && name.length() >= r.length())) {
                return t.isCore() || loaded.contains(t.name()) ? null
                        : "event_route[" + name + "] is run by module '" + t.name() + "': add loadmodule \"" + t.name() + ".so\"";
            }
        }
        return "event_route[" + name + "] is not run by Sipway (the events it has: " + String.join(", ",
                modules.values().stream().flatMap(t -> t.eventRoutes().stream()).sorted().toList()) + ")";
    }

    /**
     * The event routes whose event is answered when the route ends, on the event loop that read it
     * (xhttp's HTTP request: the transport takes the answer, or the WebSocket upgrade, there and
     * then): they cannot be run on a worker, so they may not reach a function that may wait.
     */
    private static final Set<String> ANSWERED_AT_ONCE = Set.of("xhttp:request");

    @Override
    public String waitProblem(Ast.RouteType type, String name, String function) {
        if (type == Ast.RouteType.EVENT && ANSWERED_AT_ONCE.contains(name)) {
            return "event_route[" + name + "] is answered at once, on the event loop that read the request, and cannot"
                    + " wait: it reaches " + function + "(), a function that may wait (a database or network query)";
        }
        return null;
    }

    @Override
    public Pv sharedVariable(String name) {
        return language.sharedVariable(name);
    }

    @Override
    public String moduleFor(String feature) {
        return switch (feature) {
            case "$var", "$shv", "$sel", "s." -> "pv";
            default -> null;
        };
    }

    /** Kamailio's cfg groups of its core and of the modules Sipway has (Kamailio 5.6.3's cfg.list names them). */
    private static final Set<String> CORE_CFG_GROUPS = Set.of("core", "tcp", "sctp");
    private static final Set<String> MODULE_CFG_GROUPS = Set.of("tm", "registrar", "siputils", "maxfwd", "xlog", "tls");

    @Override
    public String cfgGroupProblem(String group) {
        if (CORE_CFG_GROUPS.contains(group)) {
            return "is a cfg group of Kamailio's core, which Sipway does not keep as cfg variables (set its values as global parameters)";
        }
        if (MODULE_CFG_GROUPS.contains(group)) {
            return "is the cfg group of Kamailio's " + group + " module, which Sipway does not keep as cfg variables (set its values with modparam)";
        }
        return null;
    }

    @Override
    public Transformation transformation(String name, List<ValueSource> params) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        ModuleExports t = transformationOwner.get(n);
        if (t == null) {
            if (KamailioReference.hasTransformation(n)) {
                throw new IllegalArgumentException("is a transformation of Kamailio that Sipway does not implement");
            }
            return null;
        }
        if (!available(t)) {
            throw new IllegalArgumentException("is in module '" + t.name() + "': add loadmodule \"" + t.name() + ".so\"");
        }
        TransformationExport d = t.transformations().get(n);
        int count = params == null ? 0 : params.size();
        if (count < d.minParams() || count > d.maxParams()) {
            String counts = d.minParams() == d.maxParams() ? Integer.toString(d.minParams()) : d.minParams() + " to " + d.maxParams();
            throw new IllegalArgumentException("takes " + counts + " parameter" + (d.maxParams() == 1 ? "" : "s") + ", not " + count);
        }
        return d.compiler().compile(n, params, this::pvFromText);
    }

    @Override
    public boolean globalParameter(String name) {
        return core.params().containsKey(name);
    }

    @Override
    public boolean moduleParameter(String module, String parameter) {
        ModuleExports t = modules.get(module);
        return t != null && t.params().containsKey(parameter);
    }

    @Override
    public String parameterProblem(String module, String parameter) {
        String m = module == null ? ModuleExports.CORE : module;
        return KamailioReference.hasParameter(m, parameter) ? "is Kamailio's, and Sipway does not implement it" : null;
    }

    @Override
    public String parameterValueProblem(String module, String parameter, Object value) {
        ModuleExports t = module == null ? core : modules.get(module);
        ParamExport p = t == null ? null : t.params().get(parameter);
        return p == null || value == null ? null : p.problem(value);
    }

    @Override
    public String parameterNote(String module, String parameter, Object value) {
        ModuleExports t = module == null ? core : modules.get(module);
        ParamExport p = t == null ? null : t.params().get(parameter);
        return p != null && p.kind() == ParamExport.Kind.NO_EFFECT && !p.isWhatSipwayDoes(value)
                ? "has no effect in Sipway: " + p.effect() : null;
    }

    /** Kamailio's lexer refuses an IPv4 address with an octet above 255 anywhere in a global's value ({@code listen=udp:300.1.2.3}). */
    @Override
    public ValueProblem globalParameterProblem(String name, String raw, Object value) {
        return Ipv4Octets.problem(raw);
    }

    @Override
    public ValueSource matchKeyword(String keyword) {
        return language.matchKeyword(keyword);
    }

    @Override
    public boolean isMyself(ScriptContext ctx, String keyword, Object value) {
        return language.isMyself(ctx, keyword, value);
    }

    @Override
    public Pv select(String path) {
        return language.select(path);
    }
}
