package io.sipway.proxy.module.jansson;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.proxy.log.SyslogFacility;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.jsonrpcs.JsonText;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * jansson (https://kamailio.org/docs/modules/5.6.x/modules/jansson.html): JSON held in script variables,
 * read and written by path ({@link JsonPath}). Values come out as Kamailio 5.6.3's do (read from a
 * running Kamailio): a string without its quotes, an integer as a number, true as 1 and false as 0, an
 * object or array as compact JSON text, null as null; a path that reaches nothing answers -1 and leaves
 * the destination as it was; text that is no JSON answers -1 with an error line.
 */
public final class JanssonModule {
    private static final ScriptLog LOG = new ScriptLog("jansson");

    private JanssonModule() {
    }

    public static ModuleExports exports() {
        ModuleExports.Builder b = ModuleExports.module("jansson", "https://kamailio.org/docs/modules/5.6.x/modules/jansson.html");
        reader(b, "jansson_get", 0, 1, false, "copies the value at a path (a.b[0].c) of a JSON text into a pseudo-variable");
        reader(b, "jansson_get_field", 1, 0, false, "jansson_get with the JSON text first (the json module's json_get_field, for old scripts)");
        reader(b, "jansson_array_size", 0, 1, true, "the number of elements of the array at a path of a JSON text");
        b.fn("jansson_set", 4, 4, ANY, args -> setter(args, false))
                .summary("sets the path of the JSON in a pseudo-variable to a value of a type (string, integer, real, true, false, null, obj, array)");
        b.fn("jansson_append", 4, 4, ANY, args -> setter(args, true))
                .summary("appends a value of a type to the array at the path of the JSON in a pseudo-variable");
        return b.build();
    }

    /** A function reading JSON: its path and JSON text at these argument positions, the destination third. */
    private static void reader(ModuleExports.Builder b, String name, int pathAt, int jsonAt, boolean size, String summary) {
        b.fn(name, 3, 3, ANY, args -> {
            PathSource path = path(args.get(pathAt));
            Format json = Format.of(args.get(jsonAt));
            Pv dst = destination(args.get(2));
            return ctx -> get(ctx, path.get(ctx), json.apply(ctx), dst, size);
        }).summary(summary);
    }

    /** The pseudo-variable a function writes: a constant naming one, checked at load. */
    private static Pv destination(Arg a) {
        if (!a.isConstant() || !a.compilesPseudoVariables()) {
            throw new IllegalArgumentException("the destination must be a pseudo-variable that can be written, such as \"$var(v)\"");
        }
        Pv pv = a.assignablePseudoVariable(a.constantString().trim());
        if (pv == null) {
            throw new IllegalArgumentException("the destination " + a + " cannot be written");
        }
        return pv;
    }

    /** Where a path comes from: parsed once at load when written as it is, else per call (null, logged, when bad). */
    private interface PathSource {
        JsonPath get(ScriptContext ctx);
    }

    private static PathSource path(Arg a) {
        if (a.isConstant() && a.constantString().indexOf('$') < 0) {
            JsonPath fixed = JsonPath.parse(a.constantString()); // a bad one is refused at load
            return ctx -> fixed;
        }
        Format text = Format.of(a);
        return ctx -> {
            String t = text.apply(ctx);
            try {
                return JsonPath.parse(t);
            } catch (IllegalArgumentException e) {
                error("invalid path <" + t + ">: " + e.getMessage());
                return null;
            }
        };
    }

    private static long get(ScriptContext ctx, JsonPath p, String json, Pv dst, boolean size) {
        Object root = parse(json);
        if (root == null || p == null) {
            return -1;
        }
        Object v = p.get(root);
        if (v == JsonPath.MISSING) {
            return -1;
        }
        if (size) {
            if (!(v instanceof List<?> l)) {
                return -1;
            }
            dst.set(ctx, (long) l.size());
            return 1;
        }
        dst.set(ctx, scriptValue(v));
        return 1;
    }

    /** A JSON value as the script gets it. */
    private static Object scriptValue(Object v) {
        if (v instanceof Boolean bool) {
            return bool ? 1L : 0L;
        }
        if (v instanceof Long || v instanceof String || v == null) {
            return v;
        }
        if (v instanceof Double d) {
            return d.toString();
        }
        return JsonText.write(v); // an object or an array: compact JSON
    }

    private static io.sipway.cfg.ScriptFunction setter(List<Arg> args, boolean append) {
        Format type = Format.of(args.get(0));
        PathSource path = path(args.get(1));
        Format value = Format.of(args.get(2));
        Pv target = destination(args.get(3));
        return ctx -> {
            Object current = target.get(ctx);
            String text = current == null ? "" : current.toString();
            Object root = text.isBlank() ? new java.util.LinkedHashMap<String, Object>() : parse(text);
            if (root == null) {
                return -1;
            }
            Object v = typed(type.apply(ctx), value.apply(ctx));
            if (v == BAD) {
                return -1;
            }
            JsonPath p = path.get(ctx);
            if (p == null || !p.set(root, v, append)) {
                return -1;
            }
            target.set(ctx, JsonText.write(root));
            return 1;
        };
    }

    private static final Object BAD = new Object();

    /** A value of jansson_set's type names (Kamailio's: obj/object, array, str/string, int/integer, real, true, false, null). */
    private static Object typed(String type, String value) {
        String t = type.trim().toLowerCase(Locale.ROOT);
        try {
            return switch (t) {
                case "str", "string" -> value;
                case "int", "integer" -> Long.parseLong(value.trim());
                case "real" -> Double.parseDouble(value.trim());
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                case "obj", "object" -> {
                    Object o = JsonText.parse(value);
                    yield o instanceof Map<?, ?> ? o : BAD;
                }
                case "array" -> {
                    Object o = JsonText.parse(value);
                    yield o instanceof List<?> ? o : BAD;
                }
                default -> {
                    error("unrecognized input type <" + type + ">");
                    yield BAD;
                }
            };
        } catch (NumberFormatException | JsonText.JsonException e) {
            error("invalid value <" + value + "> for type " + type + ": " + e.getMessage());
            return BAD;
        }
    }

    /** JSON text as maps and lists; null (with an error line, as Kamailio logs it) when it is not JSON. */
    private static Object parse(String json) {
        try {
            Object root = JsonText.parse(json == null ? "" : json.trim());
            if (root instanceof Map<?, ?> || root instanceof List<?>) {
                return root;
            }
            error("failed to parse json: '[' or '{' expected: " + json);
        } catch (JsonText.JsonException e) {
            error("failed to parse json: " + json + " (" + e.getMessage() + ")");
        }
        return null;
    }

    private static void error(String text) {
        LOG.print(KamailioLevel.ERR, SyslogFacility.DEFAULT, "jansson [jansson_funcs.c]: ", text + "\n");
    }
}
