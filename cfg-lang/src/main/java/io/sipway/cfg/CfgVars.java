package io.sipway.cfg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The script's own configuration variables (Kamailio's cfg framework with groups the script declares):
 * {@code group.var = value [desc "text"]} at the top level declares one, an integer or a string by the
 * type of its value. The select {@code @cfg_get.group.var} ({@code $sel(cfg_get.group.var)}) reads it and
 * cfg_rpc's commands change it at run time, from any thread: a message sees the value of the moment.
 */
public final class CfgVars {
    /** The type a variable gets from its declared value, as Kamailio's CFG_VAR_INT and CFG_VAR_STR. */
    public enum Type { INT, STRING }

    /** One variable: its group, name, type, description and current value. */
    public static final class Var {
        private final String group;
        private final String name;
        private final Type type;
        private final String description;
        private final SourcePos declaredAt;
        private volatile Object value;

        private Var(String group, String name, Type type, String description, SourcePos declaredAt, Object value) {
            this.group = group;
            this.name = name;
            this.type = type;
            this.description = description;
            this.declaredAt = declaredAt;
            this.value = value;
        }

        public String group() {
            return group;
        }

        public String name() {
            return name;
        }

        public Type type() {
            return type;
        }

        /** The text after {@code desc}, or null. */
        public String description() {
            return description;
        }

        /** A Long for an INT variable, a String for a STRING one. */
        public Object value() {
            return value;
        }

        /** The value as a select reads it: Kamailio's select_cfg_var gives an integer as its decimal text. */
        public String text() {
            return value.toString();
        }

        /**
         * Sets the value, converted to the variable's type as Kamailio's cfg framework converts it: a
         * number becomes its decimal text in a string variable, and a string must be a whole number for
         * an integer one (IllegalArgumentException otherwise).
         */
        public void set(Object v) {
            if (type == Type.STRING) {
                value = v == null ? "" : v.toString();
                return;
            }
            if (v instanceof Long n) {
                value = n;
                return;
            }
            try {
                value = Long.parseLong(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(group + "." + name + " is an integer, not '" + v + "'");
            }
        }
    }

    private final Map<String, Map<String, Var>> groups = new LinkedHashMap<>();

    CfgVars() {
    }

    /**
     * Declares {@code group.var} with its first value; a message for what Kamailio refuses here (a name
     * that is not group.var, a value that is no number or string, a second declaration), else null.
     */
    String declare(String dotted, Object value, String description, SourcePos at) {
        int dot = dotted.indexOf('.');
        if (dot < 0 || dotted.indexOf('.', dot + 1) >= 0) {
            return "a cfg variable is named group.var, not '" + dotted + "'";
        }
        String group = dotted.substring(0, dot);
        String name = dotted.substring(dot + 1);
        Type type;
        if (value instanceof Long) {
            type = Type.INT;
        } else if (value instanceof String) {
            type = Type.STRING;
        } else {
            return dotted + ": a cfg variable takes a number or a quoted string";
        }
        Map<String, Var> vars = groups.computeIfAbsent(group, g -> new LinkedHashMap<>());
        Var old = vars.get(name);
        if (old != null) {
            return "cfg variable " + dotted + " is already declared at " + old.declaredAt;
        }
        vars.put(name, new Var(group, name, type, description, at, value));
        return null;
    }

    /** The variable, or null when the script did not declare it. */
    public Var get(String group, String name) {
        Map<String, Var> vars = groups.get(group);
        return vars == null ? null : vars.get(name);
    }

    /** The variables of a group in declaration order (empty when the script declared none there). */
    public Map<String, Var> group(String group) {
        Map<String, Var> vars = groups.get(group);
        return vars == null ? Map.of() : Collections.unmodifiableMap(vars);
    }

    /** Every variable, groups and variables in declaration order. */
    public List<Var> all() {
        List<Var> out = new ArrayList<>();
        groups.values().forEach(g -> out.addAll(g.values()));
        return out;
    }

    /**
     * The select {@code cfg_get.group.var}, resolved once at load: a reader of the variable's current
     * value. {@code groupProblem} says why a group cannot be read when the script did not declare it
     * (a group of Kamailio's core or of a module), or gives null.
     */
    Pv select(String text, java.util.function.Function<String, String> groupProblem) {
        String[] parts = text.split("\\.", -1);
        if (!parts[0].equals("cfg_get")) {
            throw new IllegalArgumentException("Sipway does not implement the select '" + parts[0] + "' (only cfg_get.<group>.<var>)");
        }
        if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new IllegalArgumentException("cfg_get reads a cfg variable: cfg_get.<group>.<var>");
        }
        Var v = get(parts[1], parts[2]);
        if (v == null) {
            String problem = groups.containsKey(parts[1]) ? null : groupProblem.apply(parts[1]);
            throw new IllegalArgumentException(problem != null ? "'" + parts[1] + "' " + problem
                    : "no cfg variable " + parts[1] + "." + parts[2] + " (declare it: " + parts[1] + "." + parts[2] + " = value)");
        }
        return ctx -> v.text();
    }
}
