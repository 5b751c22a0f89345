package io.sipway.proxy.module;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Kamailio module's export table, as Java data: its functions, parameters, pseudo-variables,
 * transformations, RPC commands and event routes. Check mode, the running proxy, the RPC server
 * and docs/MODULES.md all read this one table, so what {@code sipway -c} accepts is exactly what
 * runs. {@code name} is the loadmodule name ({@code "tm"}); Kamailio's core is {@link #CORE}.
 */
public final class ModuleExports {
    /** The name of the core's table: its functions need no loadmodule. */
    public static final String CORE = "core";

    private final String name;
    private final String doc;
    private final Map<String, FunctionExport> functions;
    private final Map<String, ParamExport> params;
    private final Map<String, PvExport> pvs;
    private final Map<String, TransformationExport> transformations;
    private final Map<String, RpcExport> rpcs;
    private final List<String> eventRoutes;
    private final Start start;
    private final io.sipway.cfg.ActionTrace actionTrace;
    private final String loaded;

    /**
     * What a module does when a proxy starts with it loaded, after the script is attached
     * (Kamailio's mod_init): reads its parameters, compiles their pseudo-variables with
     * {@code host}, hooks itself into the core. A value it refuses is an IllegalArgumentException
     * saying why; the proxy does not start.
     */
    @FunctionalInterface
    public interface Start {
        void start(io.sipway.cfg.CompiledScript script, ModuleHost host);
    }

    private ModuleExports(Builder b) {
        this.name = b.name;
        this.doc = b.doc;
        this.functions = Collections.unmodifiableMap(new LinkedHashMap<>(b.functions));
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
        this.pvs = Collections.unmodifiableMap(new LinkedHashMap<>(b.pvs));
        this.transformations = Collections.unmodifiableMap(new LinkedHashMap<>(b.transformations));
        this.rpcs = Collections.unmodifiableMap(new LinkedHashMap<>(b.rpcs));
        this.eventRoutes = List.copyOf(b.eventRoutes);
        this.start = b.start;
        this.actionTrace = b.actionTrace;
        this.loaded = b.loaded;
    }

    /** What the module is told of each statement the script runs (debugger's cfgtrace), or null. */
    public io.sipway.cfg.ActionTrace actionTrace() {
        return actionTrace;
    }

    /** A table for the module loadmodule names so ({@code "tm"}), documented at {@code doc} (Kamailio's page). */
    public static Builder module(String name, String doc) {
        return new Builder(name, doc);
    }

    public String name() {
        return name;
    }

    public boolean isCore() {
        return CORE.equals(name);
    }

    /** Kamailio's documentation page of the module. */
    public String doc() {
        return doc;
    }

    public Map<String, FunctionExport> functions() {
        return functions;
    }

    public Map<String, ParamExport> params() {
        return params;
    }

    public Map<String, PvExport> pvs() {
        return pvs;
    }

    public Map<String, TransformationExport> transformations() {
        return transformations;
    }

    public Map<String, RpcExport> rpcs() {
        return rpcs;
    }

    /** The {@code event_route[name]} blocks the module runs ({@code websocket:closed}). */
    public List<String> eventRoutes() {
        return eventRoutes;
    }

    /**
     * What loading the module does by itself, for a module whose work needs no function (stun answers
     * STUN, topoh masks every message); null when it does nothing unless its functions are called.
     */
    public String loaded() {
        return loaded;
    }

    /** Starts the module for a proxy that loaded it (see {@link Start}); most modules have nothing to do. */
    public void start(io.sipway.cfg.CompiledScript script, ModuleHost host) {
        start.start(script, host);
    }

    /** Builds one table; every name once. */
    public static final class Builder {
        private final String name;
        private final String doc;
        private final Map<String, Fn> declared = new LinkedHashMap<>();
        private final Map<String, FunctionExport> functions = new LinkedHashMap<>();
        private final Map<String, ParamExport> params = new LinkedHashMap<>();
        private final Map<String, PvExport> pvs = new LinkedHashMap<>();
        private final Map<String, TransformationExport> transformations = new LinkedHashMap<>();
        private final Map<String, RpcExport> rpcs = new LinkedHashMap<>();
        private final List<String> eventRoutes = new ArrayList<>();
        private Start start = (script, host) -> { };
        private io.sipway.cfg.ActionTrace actionTrace;
        private String loaded;

        private Builder(String name, String doc) {
            this.name = name;
            this.doc = doc;
        }

        /** A function taking {@code min..max} arguments in the route kinds of {@code routeFlags} ({@link Routes}). */
        public Fn fn(String fname, int min, int max, int routeFlags, FunctionSpec.Binder fixup) {
            if (declared.containsKey(fname)) {
                throw new IllegalStateException(name + ": function " + fname + " declared twice");
            }
            Fn f = new Fn(fname, min, max, routeFlags, fixup);
            declared.put(fname, f);
            return f;
        }

        /** A function declared before (by a helper that declares several alike), to refine it. */
        public Fn declared(String fname) {
            Fn f = declared.get(fname);
            if (f == null) {
                throw new IllegalStateException(name + ": no function " + fname + " declared");
            }
            return f;
        }

        public Builder param(String pname, ParamExport.Type type, String dflt, String appliedBy) {
            return add(new ParamExport(pname, type, dflt, ParamExport.Kind.APPLIED, appliedBy, null));
        }

        /** A parameter whose every value is checked when the script is loaded: {@code check} says what is wrong, or null. */
        public Builder paramChecked(String pname, ParamExport.Type type, String dflt, String appliedBy,
                                    java.util.function.Function<String, String> check) {
            return add(new ParamExport(pname, type, dflt, ParamExport.Kind.APPLIED, appliedBy, null, check));
        }

        /**
         * A parameter whose value {@code parse} reads at load: what it refuses (an
         * IllegalArgumentException) is the parameter's error, its message the reason.
         */
        public Builder paramParsed(String pname, ParamExport.Type type, String dflt, String appliedBy,
                                   java.util.function.Consumer<String> parse) {
            return paramChecked(pname, type, dflt, appliedBy, v -> {
                try {
                    parse.accept(v);
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            });
        }

        /** A parameter of which Sipway implements only these values (others are refused at load). */
        public Builder paramOnly(String pname, ParamExport.Type type, String dflt, String appliedBy, String... values) {
            return add(new ParamExport(pname, type, dflt, ParamExport.Kind.APPLIED, appliedBy, java.util.List.of(values)));
        }

        /**
         * A parameter Sipway accepts and that changes nothing here, with the reason, printed as a
         * warning unless the value is one of {@code same}: values asking for what Sipway does anyway
         * ({@code log_stderror=yes}).
         */
        public Builder paramWithoutEffect(String pname, ParamExport.Type type, String dflt, String why, String... same) {
            return add(new ParamExport(pname, type, dflt, ParamExport.Kind.NO_EFFECT, why, List.of(same)));
        }

        private Builder add(ParamExport p) {
            if (params.put(p.name(), p) != null) {
                throw new IllegalStateException(name + ": parameter " + p.name() + " declared twice");
            }
            return this;
        }

        public Builder pv(String pvName, PvExport.Inner inner, boolean writable, Function<PvName, Pv> factory, String... keys) {
            PvExport p = new PvExport(pvName, inner, writable, keys.length == 0 ? null : Set.of(keys), factory, null);
            if (pvs.put(pvName, p) != null) {
                throw new IllegalStateException(name + ": pseudo-variable $" + pvName + " declared twice");
            }
            return this;
        }

        /** A pseudo-variable whose name may hold pseudo-variables, compiled with the script's own ({@link PvExport.Compiling}). */
        public Builder pvCompiling(String pvName, PvExport.Inner inner, boolean writable, PvExport.Compiling factory) {
            PvExport p = new PvExport(pvName, inner, writable, null, n -> factory.make(n, null), null, factory);
            if (pvs.put(pvName, p) != null) {
                throw new IllegalStateException(name + ": pseudo-variable $" + pvName + " declared twice");
            }
            return this;
        }

        public Builder transformation(String tname, int minParams, int maxParams, TransformationExport.Compiler compiler) {
            if (transformations.put(tname, new TransformationExport(tname, minParams, maxParams, compiler)) != null) {
                throw new IllegalStateException(name + ": transformation " + tname + " declared twice");
            }
            return this;
        }

        public Builder rpc(String rname, String summary, RpcExport.Handler handler) {
            if (rpcs.put(rname, new RpcExport(rname, summary, handler)) != null) {
                throw new IllegalStateException(name + ": RPC " + rname + " declared twice");
            }
            return this;
        }

        public Builder eventRoute(String route) {
            eventRoutes.add(route);
            return this;
        }

        /** What loading the module does by itself ({@link ModuleExports#loaded()}), one sentence. */
        public Builder loaded(String text) {
            loaded = text;
            return this;
        }

        /** What the module does when a proxy starts with it loaded ({@link Start}). */
        public Builder onStart(Start s) {
            start = s;
            return this;
        }

        /** The module follows every statement of a script that loads it: compiled in only then (debugger). */
        public Builder actionTrace(io.sipway.cfg.ActionTrace t) {
            actionTrace = t;
            return this;
        }

        public ModuleExports build() {
            for (Fn f : declared.values()) {
                functions.put(f.fname, f.export());
            }
            return new ModuleExports(this);
        }

        /** The function being declared: the modifiers refine it until {@link #build()}. */
        public final class Fn {
            private final String fname;
            private final int min;
            private final int max;
            private final int routeFlags;
            private FunctionSpec.Binder fixup;
            private int[] exact;
            private Ast.RouteType arms;
            private boolean expressions;
            private boolean mayWait;
            private java.util.function.Predicate<List<Ast.ModParam>> mayWaitWith;
            private java.util.function.BiConsumer<List<Arg>, List<Ast.ModParam>> paramsCheck;
            private String summary;

            private Fn(String fname, int min, int max, int routeFlags, FunctionSpec.Binder fixup) {
                this.fname = fname;
                this.min = min;
                this.max = max;
                this.routeFlags = routeFlags;
                this.fixup = fixup;
            }

            /** Its first argument names a route of this kind ({@code t_on_failure("X")}), checked at load. */
            public Fn arms(Ast.RouteType type) {
                arms = type;
                return this;
            }

            /** Only these argument counts (Kamailio has one variant per count, and some are missing). */
            public Fn arities(int... counts) {
                exact = counts.clone();
                return this;
            }

            /** Its arguments may be pseudo-variables and expressions (a generic mod_fix fixup). */
            public Fn x() {
                expressions = true;
                return this;
            }

            /** It may wait (database, HTTP): a route that can reach it never runs on an event loop. */
            public Fn mayWait() {
                mayWait = true;
                return this;
            }

            /** It may wait when the script's parameters make it (usrloc's db_mode 3: registrar's functions query the database). */
            public Fn mayWaitWhen(java.util.function.Predicate<List<Ast.ModParam>> when) {
                mayWaitWith = when;
                return this;
            }

            /** A check of the arguments that runs before the fixup (Kamailio's fixup errors: a reply code out of range...). */
            public Fn check(Consumer<List<Arg>> check) {
                FunctionSpec.Binder inner = fixup;
                fixup = args -> {
                    check.accept(args);
                    return inner.bind(args);
                };
                return this;
            }

            /**
             * A check of the arguments against the script's module parameters, at load in check mode and
             * at start alike (statistics: a constant name must be a declared variable).
             */
            public Fn checkWithParams(java.util.function.BiConsumer<List<Arg>, List<Ast.ModParam>> check) {
                paramsCheck = check;
                return this;
            }

            public Fn summary(String text) {
                summary = text;
                return this;
            }

            private FunctionExport export() {
                return new FunctionExport(fname, min, max, exact, Routes.kinds(routeFlags), arms, expressions, mayWait,
                        fixup, summary, mayWaitWith, paramsCheck);
            }
        }
    }
}
