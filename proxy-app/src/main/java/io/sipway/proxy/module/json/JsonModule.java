package io.sipway.proxy.module.json;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.proxy.log.SyslogFacility;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * json (https://kamailio.org/docs/modules/5.6.x/modules/json.html): a member of a JSON text copied
 * into a pseudo-variable, and the {@code {json.parse,path}} transformation. JSON is read and written
 * as the module's json-c does ({@link JsonC}). Kamailio 5.6.3's answers (read from it running the
 * same script):
 * <ul>
 * <li>json_get_field(json, name, dst): the top-level member {@code name} of the object as JSON text
 * ({@code "bar"} with its quotes, {@code 1.50}, {@code { "x": [ 1, 2 ] }}); 1. A member that is
 * missing or null, a root that is no object, text that is no JSON (logged): -1, dst left as it was.
 * The name is a member name, dots and all: no path.</li>
 * <li>json_get_string: the same, a string member without its quotes and escapes.</li>
 * <li>{@code {json.parse,path}}: what the path ({@link ParsePath}) reaches, a string as it is and
 * anything else as JSON text; nothing reached, JSON null or text that is no JSON (logged) give the
 * empty string. Its input being $null, or its parameter a pseudo-variable that is $null or empty,
 * fails the transformation ($null).</li>
 * </ul>
 * Kamailio 5.6's table also has bind_json, an API for other C modules, and the parameter
 * json_escape_char, which the module never reads; the code for a {json.encode} transformation cannot
 * be reached (its name check can never match), so Kamailio refuses it and so does Sipway.
 */
public final class JsonModule {
    private static final ScriptLog LOG = new ScriptLog("json");

    private JsonModule() {
    }

    public static ModuleExports exports() {
        ModuleExports.Builder b = ModuleExports.module("json", "https://kamailio.org/docs/modules/5.6.x/modules/json.html");
        b.fn("json_get_field", 3, 3, ANY, args -> getter(args, false))
                .summary("copies a top-level member of a JSON object, as JSON text, into a pseudo-variable");
        b.fn("json_get_string", 3, 3, ANY, args -> getter(args, true))
                .summary("json_get_field, a string member without its quotes");
        b.paramWithoutEffect("json_escape_char", ParamExport.Type.STRING, "%",
                "Kamailio 5.6.3's json module never reads it: '%' in a {json.parse} path always stands for a dot", "%");
        b.transformation("json.parse", 1, 1, JsonModule::parseTransformation);
        return b.build();
    }

    private static io.sipway.cfg.ScriptFunction getter(List<Arg> args, boolean string) {
        Format json = Format.of(args.get(0));
        Format name = Format.of(args.get(1));
        Pv dst = destination(args.get(2));
        return ctx -> {
            Object root = parse(json.apply(ctx), "_json_get_field(): ");
            if (!(root instanceof Map<?, ?> object)) {
                return -1;
            }
            Object v = object.get(name.apply(ctx));
            if (v == null) {
                return -1;
            }
            dst.set(ctx, string ? JsonC.text(v) : JsonC.write(v));
            return 1;
        };
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

    /** A JSON text's root; a marker (no Map) with an error line when json-c would not take the text. */
    private static Object parse(String text, String function) {
        try {
            Object root = JsonC.parse(text);
            if (root != null) {
                return root;
            }
        } catch (JsonC.Invalid e) {
            // logged below
        }
        LOG.print(KamailioLevel.ERR, SyslogFacility.DEFAULT, "json [json_funcs.c]: " + function, "empty or invalid JSON\n");
        return INVALID; // json-c answers no object for a root that is JSON null, too
    }

    private static final Object INVALID = new Object();

    /** {json.parse,path}: the path is fixed at load when written as it is, else read per message. */
    private static Transformation parseTransformation(String name, List<ValueSource> params, Function<String, ValueSource> pvs) {
        Function<ScriptContext, ParsePath> path = pathSource(params.get(0), pvs);
        return (value, ctx) -> {
            if (value == null) {
                return null;
            }
            ParsePath p = path.apply(ctx);
            if (p == null) {
                return null;
            }
            Object root = parse(value.toString(), "tr_json_get_field_object(): ");
            Object v = root == INVALID ? null : p.get(root);
            return v == null ? "" : JsonC.text(v);
        };
    }

    /**
     * Where the path comes from. Kamailio skips whitespace before it; a pseudo-variable there is read
     * per message (a $null or empty value fails the transformation); text with pseudo-variables inside
     * is a format read per message; anything else is the path, spaces after it included.
     */
    private static Function<ScriptContext, ParsePath> pathSource(ValueSource param, Function<String, ValueSource> pvs) {
        if (!(param instanceof Arg a) || !a.isConstant()) {
            return ctx -> {
                Object v = param.get(ctx);
                String s = v == null ? "" : v.toString();
                if (s.isEmpty()) {
                    LOG.print(KamailioLevel.ERR, SyslogFacility.DEFAULT, "json [json_trans.c]: json_tr_eval(): ",
                            "value cannot get spec value in json transform\n");
                    return null;
                }
                return ParsePath.of(s);
            };
        }
        String text = a.constantString().replaceFirst("^[ \t\n]+", "");
        if (text.indexOf('$') < 0) {
            ParsePath fixed = ParsePath.of(text);
            return ctx -> fixed;
        }
        List<Object> parts = format(text, pvs);
        return ctx -> {
            StringBuilder b = new StringBuilder();
            for (Object o : parts) {
                if (o instanceof ValueSource v) {
                    Object x = v.get(ctx);
                    b.append(x == null ? "<null>" : x);
                } else {
                    b.append(o);
                }
            }
            return ParsePath.of(b.toString());
        };
    }

    /** Text with pseudo-variables inside, split into literals and the pseudo-variables the host compiles. */
    private static List<Object> format(String text, Function<String, ValueSource> pvs) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = c == '$' && i + 1 < text.length() ? Format.pvEnd(text, i) : i;
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                lit.append('$');
                i += 2;
                continue;
            }
            if (end <= i + 1) {
                lit.append(c);
                i++;
                continue;
            }
            String pvText = text.substring(i, end);
            ValueSource pv = pvs == null ? null : pvs.apply(pvText);
            if (pv == null) {
                throw new IllegalArgumentException("Sipway cannot read " + pvText + " inside the path \"" + text
                        + "\": give the path in a pseudo-variable of its own ({json.parse,$var(path)})");
            }
            parts.add(lit.toString());
            lit.setLength(0);
            parts.add(pv);
            i = end;
        }
        parts.add(lit.toString());
        return parts;
    }
}
