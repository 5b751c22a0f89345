package io.sipway.proxy.module.avpops;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ValueSource;
import java.util.List;
import java.util.Locale;

/**
 * avpops' arguments as avpops.c's fixups read them, once, when the script is loaded: the AVP names and
 * their flags ("$avp(x)/g"), the owners and tables of the database functions, the operators and values
 * of avp_check and avp_op. What is wrong is a {@link FunctionSpec.BadArgument} naming the argument, so
 * {@code sipway -c} refuses what Kamailio's start refuses.
 */
final class AvpArgs {
    private AvpArgs() {
    }


    static String constant(Arg a) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "avpops takes this argument written as a string");
        }
        return a.constantString();
    }

    /** A pseudo-variable written in an argument, compiled as the script's. */
    static ValueSource pv(Arg a, String text) {
        ValueSource v;
        try {
            v = a.pseudoVariable(text);
        } catch (IllegalArgumentException e) {
            throw new FunctionSpec.BadArgument(a, "bad pseudo-variable " + text + ": " + e.getMessage());
        }
        if (v == null) {
            throw new FunctionSpec.BadArgument(a, "unknown pseudo-variable " + text);
        }
        return v;
    }

    static AvpName avp(Arg a, String text) {
        if (!AvpName.isAvp(text)) {
            throw new FunctionSpec.BadArgument(a, "bad attribute name <" + text + ">: $avp(name) expected");
        }
        try {
            return AvpName.parse(text);
        } catch (IllegalArgumentException e) {
            throw new FunctionSpec.BadArgument(a, e.getMessage());
        }
    }

    /** parse_intstr_value: {@code i:N} (N may be 0x hex), {@code s:text}, or text. */
    static Object intStr(String v) {
        if (v.length() > 1 && v.charAt(1) == ':') {
            char t = Character.toLowerCase(v.charAt(0));
            String rest = v.substring(2);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("parse error around <" + v + ">");
            }
            if (t == 'i') {
                try {
                    if (rest.length() > 2 && rest.charAt(0) == '0' && Character.toLowerCase(rest.charAt(1)) == 'x') {
                        return Long.parseLong(rest.substring(2), 16);
                    }
                    return Long.parseLong(rest);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("value is not int as type says <" + v + ">");
                }
            }
            if (t == 's') {
                return rest;
            }
            throw new IllegalArgumentException("unknown value type <" + v.charAt(0) + ">");
        }
        return v;
    }

    /** The first argument of the avp_db_* functions. */
    static AvpDb.Source source(Arg a) {
        String s = constant(a);
        int slash = s.indexOf('/');
        String what = slash < 0 ? s : s.substring(0, slash);
        AvpDb.Owner flag = null;
        if (slash >= 0) {
            flag = switch (s.substring(slash + 1).toLowerCase(Locale.ROOT)) {
                case "domain" -> AvpDb.Owner.DOMAIN;
                case "username" -> AvpDb.Owner.USERNAME;
                case "uri" -> AvpDb.Owner.URI;
                case "uuid" -> AvpDb.Owner.UUID;
                default -> throw new FunctionSpec.BadArgument(a, "unknown flag <" + s.substring(slash + 1) + ">");
            };
        }
        if (!what.startsWith("$")) {
            return new AvpDb.Source(what, null, flag == null ? AvpDb.Owner.UUID : flag);
        }
        ValueSource v = pv(a, what);
        boolean uri = List.of("$ru", "$fu", "$tu", "$ou").contains(what);
        return new AvpDb.Source(null, v, flag != null ? flag : uri ? AvpDb.Owner.URI : AvpDb.Owner.UUID);
    }

    /** The second argument of the avp_db_* functions (parse_avp_db). */
    static AvpDb.Target target(Arg a, boolean allowScheme) {
        String s = constant(a);
        int slash = s.indexOf('/');
        String what = slash < 0 ? s : s.substring(0, slash);
        AvpName avp = null;
        AvpFunctions.NameType type = null;
        if (what.startsWith("$")) {
            avp = avp(a, what);
        } else {
            type = nameType(a, what);
        }
        String table = null;
        String scheme = null;
        if (slash >= 0) {
            String rest = s.substring(slash + 1);
            if (rest.startsWith("$")) {
                if (!allowScheme) {
                    throw new FunctionSpec.BadArgument(a, "function doesn't support DB schemes");
                }
                if (avp == null) {
                    throw new FunctionSpec.BadArgument(a, "inconsistent usage of DB scheme without complete specification of AVP name");
                }
                scheme = rest.substring(1).toLowerCase(Locale.ROOT);
                if (scheme.isEmpty()) {
                    throw new FunctionSpec.BadArgument(a, "empty scheme/table name");
                }
                // that the scheme exists is checked against the modparams (schemeDeclared)
            } else if (rest.isEmpty()) {
                throw new FunctionSpec.BadArgument(a, "empty scheme/table name");
            } else {
                table = rest;
            }
        }
        return new AvpDb.Target(avp, type, table, scheme);
    }

    /** A flags-only name: a/A/* any, s/S string names, i/I integer ids; script flags after it are refused. */
    static AvpFunctions.NameType nameType(Arg a, String what) {
        if (what.isEmpty()) {
            throw new FunctionSpec.BadArgument(a, "bad param - expected : $avp(name), *, s or i value");
        }
        AvpFunctions.NameType t = switch (what.charAt(0)) {
            case 's', 'S' -> AvpFunctions.NameType.STR;
            case 'i', 'I' -> AvpFunctions.NameType.INT;
            case '*', 'a', 'A' -> AvpFunctions.NameType.ANY;
            default -> throw new FunctionSpec.BadArgument(a, "bad param - expected : *, s or i AVP flag");
        };
        String flags = what.substring(1);
        if (!flags.isEmpty()) {
            if (!flags.matches("\\d+")) {
                throw new FunctionSpec.BadArgument(a, "bad avp flags in " + what);
            }
            if (Long.parseLong(flags) != 0) {
                throw new FunctionSpec.BadArgument(a, "AVP script flags (" + what + ") are not implemented by Sipway");
            }
        }
        return t;
    }

    static ScriptFunction delete(Arg a) {
        String s = constant(a);
        int slash = s.indexOf('/');
        String what = slash < 0 ? s : s.substring(0, slash);
        boolean all = false;
        for (char c : (slash < 0 ? "" : s.substring(slash + 1)).toCharArray()) {
            if (c != 'g' && c != 'G') {
                throw new FunctionSpec.BadArgument(a, "bad flag <" + c + ">");
            }
            all = true;
        }
        if (what.startsWith("$")) {
            return AvpFunctions.delete(avp(a, what), null, all);
        }
        return AvpFunctions.delete(null, nameType(a, what), true);
    }

    static ScriptFunction copy(Arg a1, Arg a2) {
        AvpName src = avp(a1, constant(a1));
        String s = constant(a2);
        int slash = s.indexOf('/');
        AvpName dst = avp(a2, slash < 0 ? s : s.substring(0, slash));
        boolean all = false;
        boolean delete = false;
        boolean toInt = false;
        boolean toStr = false;
        for (char c : (slash < 0 ? "" : s.substring(slash + 1)).toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case 'g' -> all = true;
                case 'd' -> delete = true;
                case 'n' -> toInt = true;
                case 's' -> toStr = true;
                default -> throw new FunctionSpec.BadArgument(a2, "bad flag <" + c + ">");
            }
        }
        return AvpFunctions.copy(src, dst, all, delete, toInt, toStr);
    }

    static ScriptFunction pushTo(Arg a1, Arg a2) {
        String d = constant(a1);
        if (!d.startsWith("$")) {
            throw new FunctionSpec.BadArgument(a1, "bad param 1; expected : $ru $du ...");
        }
        int slash = d.indexOf('/');
        String to = slash < 0 ? d : d.substring(0, slash);
        String part = slash < 0 ? null : d.substring(slash + 1);
        AvpFunctions.PushTo dest;
        Pv userOrHost = null;
        switch (to) {
            case "$ru" -> {
                if (part == null) {
                    dest = AvpFunctions.PushTo.RURI;
                } else if (part.equalsIgnoreCase("username")) {
                    dest = AvpFunctions.PushTo.RURI_USER;
                    userOrHost = a1.assignablePseudoVariable("$rU");
                } else if (part.equalsIgnoreCase("domain")) {
                    dest = AvpFunctions.PushTo.RURI_HOST;
                    userOrHost = a1.assignablePseudoVariable("$rd");
                } else {
                    throw new FunctionSpec.BadArgument(a1, "unknown ruri flag \"" + part + "\"!");
                }
                if (part != null && userOrHost == null) {
                    throw new FunctionSpec.BadArgument(a1, "the pv module is needed to write a part of the R-URI");
                }
            }
            case "$du", "$br" -> {
                if (part != null) {
                    throw new FunctionSpec.BadArgument(a1, "unknown " + (to.equals("$du") ? "duri" : "branch") + " flag \"" + part + "\"!");
                }
                dest = to.equals("$du") ? AvpFunctions.PushTo.DURI : AvpFunctions.PushTo.BRANCH;
            }
            default -> {
                if (to.startsWith("$hdr(")) {
                    throw new FunctionSpec.BadArgument(a1, "push to header is obsoleted - use append_hf() or append_to_reply() from textops module!");
                }
                throw new FunctionSpec.BadArgument(a1, "unsupported destination \"" + to + "\"; expected $ru,$du,$br");
            }
        }
        String s = constant(a2);
        if (!s.startsWith("$")) {
            throw new FunctionSpec.BadArgument(a2, "bad param 2; expected: $pseudo-variable ...");
        }
        int end = AvpName.end(s);
        String src = s.substring(0, end);
        String flags = s.substring(end);
        boolean all = false;
        if (!flags.isEmpty()) {
            if (flags.charAt(0) != '/') {
                throw new FunctionSpec.BadArgument(a2, "bad param 2 " + s);
            }
            for (char c : flags.substring(1).toCharArray()) {
                if (c != 'g' && c != 'G') {
                    throw new FunctionSpec.BadArgument(a2, "bad flag <" + c + ">");
                }
                all = true;
            }
        }
        if (AvpName.isAvp(src)) {
            return AvpFunctions.pushTo(dest, userOrHost, avp(a2, src), null, all);
        }
        return AvpFunctions.pushTo(dest, userOrHost, null, pv(a2, src), all);
    }

    static ScriptFunction check(Arg a1, Arg a2) {
        String src = constant(a1).trim();
        if (!src.startsWith("$")) {
            throw new FunctionSpec.BadArgument(a1, "unable to get pseudo-variable in param 1");
        }
        if (src.startsWith("$xavp(") && src.contains("[*]")) {
            throw new FunctionSpec.BadArgument(a1, "Sipway's avp_check does not iterate an xavp's values ([*])");
        }
        String c = constant(a2);
        if (c.contains("$xavp(") && c.contains("[*]")) {
            throw new FunctionSpec.BadArgument(a2, "Sipway's avp_check does not iterate an xavp's values ([*])");
        }
        AvpCheck chk;
        try {
            chk = AvpCheck.parse(c, a2);
        } catch (IllegalArgumentException e) {
            if (e instanceof FunctionSpec.BadArgument) {
                throw e;
            }
            throw new FunctionSpec.BadArgument(a2, e.getMessage());
        }
        return AvpName.isAvp(src) ? chk.over(avp(a1, src), null) : chk.over(null, pv(a1, src));
    }

    static ScriptFunction op(Arg a1, Arg a2) {
        String s = constant(a1);
        int slash = s.indexOf('/');
        AvpName src = avp(a1, slash < 0 ? s : s.substring(0, slash));
        AvpName dst = slash < 0 || slash == s.length() - 1 ? null : avp(a1, s.substring(slash + 1));
        String v = constant(a2);
        int vs = v.indexOf('/');
        if (vs != 2 && vs != 3) {
            throw new FunctionSpec.BadArgument(a2, "parse error in <" + v + ">: op/value[/flags] expected");
        }
        AvpFunctions.Arith op = switch (v.substring(0, vs).toLowerCase(Locale.ROOT)) {
            case "add" -> AvpFunctions.Arith.ADD;
            case "sub" -> AvpFunctions.Arith.SUB;
            case "mul" -> AvpFunctions.Arith.MUL;
            case "div" -> AvpFunctions.Arith.DIV;
            case "mod" -> AvpFunctions.Arith.MOD;
            case "and" -> AvpFunctions.Arith.AND;
            case "or" -> AvpFunctions.Arith.OR;
            case "xor" -> AvpFunctions.Arith.XOR;
            case "not" -> AvpFunctions.Arith.NOT;
            default -> throw new FunctionSpec.BadArgument(a2, "unknown operation <" + v.substring(0, vs) + ">");
        };
        String rest = v.substring(vs + 1);
        if (rest.isEmpty()) {
            throw new FunctionSpec.BadArgument(a2, "parse error in <" + v + ">: no value");
        }
        Long constant = null;
        AvpName valueAvp = null;
        ValueSource valuePv = null;
        String flags;
        if (rest.startsWith("$")) {
            int end = AvpName.end(rest);
            String text = rest.substring(0, end);
            flags = rest.substring(end);
            if (AvpName.isAvp(text)) {
                valueAvp = avp(a2, text);
            } else {
                valuePv = pv(a2, text);
            }
        } else {
            int end = rest.indexOf('/');
            String text = end < 0 ? rest : rest.substring(0, end);
            flags = end < 0 ? "" : rest.substring(end);
            Object c;
            try {
                c = intStr(text);
            } catch (IllegalArgumentException e) {
                throw new FunctionSpec.BadArgument(a2, e.getMessage());
            }
            if (!(c instanceof Long n)) {
                throw new FunctionSpec.BadArgument(a2, "operations requires integer values (i:N)");
            }
            constant = n;
        }
        boolean delete = false;
        if (!flags.isEmpty()) {
            if (flags.charAt(0) != '/' || flags.length() == 1) {
                throw new FunctionSpec.BadArgument(a2, "parse error in <" + v + ">");
            }
            for (char c : flags.substring(1).toCharArray()) {
                switch (Character.toLowerCase(c)) {
                    case 'g' -> { } // every integer value is operated on anyway
                    case 'd' -> delete = true;
                    default -> throw new FunctionSpec.BadArgument(a2, "unknown flag <" + c + ">");
                }
            }
        }
        return AvpFunctions.op(src, dst, op, constant, valueAvp, valuePv, delete);
    }

    /** avp_subst's first argument: src[/dst][/flags] as {src, dst or null, all, delete}. */
    static Object[] substSource(Arg a) {
        String s = constant(a);
        String[] parts = s.split("/", -1);
        AvpName src = avp(a, parts[0]);
        AvpName dst = null;
        String flags = "";
        if (parts.length > 1) {
            if (parts[1].startsWith("$")) {
                dst = avp(a, parts[1]);
                flags = parts.length > 2 ? parts[2] : "";
            } else if (parts[1].isEmpty() && parts.length > 2) {
                flags = parts[2]; // src//flags
            } else {
                flags = parts[1];
            }
            if (parts.length > 3) {
                throw new FunctionSpec.BadArgument(a, "bad attribute name <" + s + ">");
            }
        }
        boolean all = false;
        boolean delete = false;
        for (char c : flags.toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case 'g' -> all = true;
                case 'd' -> delete = true;
                default -> throw new FunctionSpec.BadArgument(a, "bad flag <" + c + ">");
            }
        }
        return new Object[] {src, dst, all, delete};
    }


    static ScriptFunction isSet(Arg a) {
        String s = constant(a);
        int slash = s.indexOf('/');
        AvpName avp = avp(a, slash < 0 ? s : s.substring(0, slash));
        boolean empty = false;
        boolean str = false;
        boolean num = false;
        for (char c : (slash < 0 ? "" : s.substring(slash + 1)).toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case 'e' -> empty = true;
                case 'n' -> {
                    if (str) {
                        throw new FunctionSpec.BadArgument(a, "invalid flag combination <" + c + "> and 's|S'");
                    }
                    num = true;
                }
                case 's' -> {
                    if (num) {
                        throw new FunctionSpec.BadArgument(a, "invalid flag combination <" + c + "> and 'n|N'");
                    }
                    str = true;
                }
                default -> throw new FunctionSpec.BadArgument(a, "bad flag <" + c + ">");
            }
        }
        return AvpFunctions.isSet(avp, empty, str, num);
    }
}
