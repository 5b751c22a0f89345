package io.sipway.proxy.module;

/**
 * One module parameter (Kamailio's {@code param_export_t}): its name, its type, Kamailio's default,
 * and what it does in Sipway. Every parameter a script may set is here; one that is not is refused
 * when the script is loaded, naming it. A parameter whose effect Sipway has no counterpart for (a
 * process count, a shared-memory size) is declared {@link Effect#NO_EFFECT} with the reason, and the
 * check prints that as a warning: never silence.
 *
 * @param effect  what setting it does: where it is applied, or why it changes nothing here
 * @param check   what is wrong with a value (null when fine), checked when the script is loaded, so
 *                that {@code sipway -c} refuses it (htable's table definitions); null: no such check
 */
public record ParamExport(String name, Type type, String defaultValue, Kind kind, String effect, java.util.List<String> only,
                          java.util.function.Function<String, String> check) {

    public ParamExport(String name, Type type, String defaultValue, Kind kind, String effect, java.util.List<String> only) {
        this(name, type, defaultValue, kind, effect, only, null);
    }

    /** Kamailio's PARAM_INT, PARAM_STRING (and both, for parameters that take either). */
    public enum Type { INT, STRING, ANY }

    /** Whether setting the parameter changes Sipway's behaviour. */
    public enum Kind { APPLIED, NO_EFFECT }

    /**
     * For a parameter without effect: whether the value asks for what Sipway does anyway (its
     * {@code only} values; {@code log_stderror=yes}), so setting it deserves no warning.
     */
    public boolean isWhatSipwayDoes(Object value) {
        return kind == Kind.NO_EFFECT && only != null && value != null && only.contains(String.valueOf(value).trim().toLowerCase(java.util.Locale.ROOT));
    }

    /** What is wrong with a value written in a script: its type, or a value Sipway does not implement; null when fine. */
    public String problem(Object value) {
        if (type == Type.INT && !(value instanceof Long) && !(value instanceof String s && s.trim().matches("[-+]?\\d+"))) {
            return "needs a number";
        }
        if (kind == Kind.APPLIED && only != null && !only.contains(String.valueOf(value).trim())) {
            return "Sipway implements only " + String.join(", ", only) + " (" + effect + ")";
        }
        return check == null ? null : check.apply(String.valueOf(value));
    }
}
