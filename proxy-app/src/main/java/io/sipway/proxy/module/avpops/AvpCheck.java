package io.sipway.proxy.module.avpops;

import io.sipway.cfg.Arg;
import io.sipway.cfg.PosixRegex;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * avp_check(name, "op/value[/flags]") as avpops_impl.c's ops_check_avp does it: each value of the
 * first argument (the first AVP, every one with {@code g}; or one pseudo-variable's value) against each
 * value of the second (a constant {@code i:N}, {@code s:text} or {@code text}; a pseudo-variable; every
 * value of an AVP); 1 at the first pair that passes, -1 when none does or the AVP is missing. Values of
 * different types (integer, string) never pass.
 *
 * <p>Strings: {@code eq}/{@code ne} exact (ignoring case with {@code i}); {@code lt le gt ge} compare
 * ignoring case always (strncasecmp); {@code re} a POSIX extended expression searched in the value,
 * ignoring case, {@code ^ $} at each line; {@code fm} a shell pattern (fnmatch; case-sensitive even with
 * {@code i}, as Kamailio 5.6.3 is built). Integers: {@code eq ne lt le gt ge}, and {@code and or xor} pass when the result is not 0.
 * An operator that does not fit the type passes nothing.
 *
 * <p>Not here: iterating an {@code $xavp(...[*])} (refused at load).
 */
final class AvpCheck {
    enum Op { EQ, NE, LT, LE, GT, GE, RE, FM, AND, OR, XOR }

    private final Op op;
    private final boolean all;
    private final boolean ignoreCase;
    /** The constant value (Long, String, or a compiled Pattern for re), or null. */
    private final Object constant;
    private final AvpName valueAvp;
    private final ValueSource valuePv;

    private AvpCheck(Op op, boolean all, boolean ignoreCase, Object constant, AvpName valueAvp, ValueSource valuePv) {
        this.op = op;
        this.all = all;
        this.ignoreCase = ignoreCase;
        this.constant = constant;
        this.valueAvp = valueAvp;
        this.valuePv = valuePv;
    }

    /** parse_check_value over the second argument, written as text. */
    static AvpCheck parse(String s, Arg a) {
        int slash = s.indexOf('/');
        if (slash != 2 && slash != 3) {
            throw new IllegalArgumentException("bad check \"" + s + "\": expected op/value[/flags]");
        }
        String opText = s.substring(0, slash).toLowerCase(Locale.ROOT);
        Op op = switch (opText.length() == 3 ? opText : opText.substring(0, 2)) {
            case "eq" -> Op.EQ;
            case "ne" -> Op.NE;
            case "lt" -> Op.LT;
            case "le" -> Op.LE;
            case "gt" -> Op.GT;
            case "ge" -> Op.GE;
            case "re" -> Op.RE;
            case "fm" -> Op.FM;
            case "and" -> Op.AND;
            case "or" -> Op.OR;
            case "xor" -> Op.XOR;
            default -> throw new IllegalArgumentException("unknown operation <" + opText + "> in \"" + s + "\"");
        };
        String rest = s.substring(slash + 1);
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("bad check \"" + s + "\": no value");
        }
        String value;
        String flags;
        AvpName avp = null;
        ValueSource pv = null;
        Object constant = null;
        if (rest.charAt(0) == '$') {
            int end = AvpName.end(rest);
            value = rest.substring(0, end);
            flags = rest.substring(end);
            if (AvpName.isAvp(value)) {
                avp = AvpName.parse(value);
            } else {
                pv = AvpArgs.pv(a, value);
            }
        } else {
            int end = rest.indexOf('/');
            value = end < 0 ? rest : rest.substring(0, end);
            flags = end < 0 ? "" : rest.substring(end);
            constant = AvpArgs.intStr(value);
        }
        boolean all = false;
        boolean ci = false;
        if (!flags.isEmpty()) {
            if (flags.charAt(0) != '/' || flags.length() == 1) {
                throw new IllegalArgumentException("bad check \"" + s + "\": flags expected after the value");
            }
            for (char c : flags.substring(1).toCharArray()) {
                switch (c) {
                    case 'g', 'G' -> all = true;
                    case 'i', 'I' -> ci = true;
                    default -> throw new IllegalArgumentException("unknown flag <" + c + "> in \"" + s + "\"");
                }
            }
        }
        if (op == Op.RE && constant instanceof String re) {
            constant = PosixRegex.compile(re, Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
        }
        if (op == Op.FM && constant != null && !(constant instanceof String)) {
            throw new IllegalArgumentException("fast_match operation requires string value or avp name/alias");
        }
        return new AvpCheck(op, all, ci, constant, avp, pv);
    }

    /** The function over its first argument: an AVP, or any other pseudo-variable. */
    ScriptFunction over(AvpName srcAvp, ValueSource srcPv) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            List<Object> sources = new ArrayList<>();
            if (srcAvp != null) {
                List<Xavps.Item> items = AvpList.named(m, srcAvp.name());
                if (items.isEmpty()) {
                    return -1;
                }
                for (Xavps.Item i : all ? items : items.subList(0, 1)) {
                    sources.add(i.value());
                }
            } else {
                sources.add(pvValue(srcPv, ctx));
            }
            for (Object v : sources) {
                List<Object> against;
                if (valueAvp != null) {
                    List<Xavps.Item> items = AvpList.named(m, valueAvp.name());
                    if (items.isEmpty()) {
                        return -1;
                    }
                    against = new ArrayList<>();
                    items.forEach(i -> against.add(i.value()));
                } else if (valuePv != null) {
                    against = List.of(pvValue(valuePv, ctx));
                } else {
                    against = List.of(constant);
                }
                for (Object c : against) {
                    if (passes(v, c)) {
                        return 1;
                    }
                }
            }
            return -1;
        };
    }

    /** A pseudo-variable's value as Kamailio reads one: $null is the string "<null>". */
    private static Object pvValue(ValueSource pv, ScriptContext ctx) {
        Object v = pv.get(ctx);
        return v == null ? "<null>" : v;
    }

    boolean passes(Object v, Object c) {
        boolean vInt = AvpList.isInt(v);
        boolean cInt = AvpList.isInt(c);
        if (vInt != cInt) {
            return false; // "value types don't match"
        }
        if (vInt) {
            long a = AvpList.intOf(v);
            long b = AvpList.intOf(c);
            return switch (op) {
                case EQ -> a == b;
                case NE -> a != b;
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
                case AND -> (a & b) != 0;
                case OR -> (a | b) != 0;
                case XOR -> (a ^ b) != 0;
                default -> false;
            };
        }
        String a = String.valueOf(v);
        return switch (op) {
            case EQ -> ignoreCase ? a.equalsIgnoreCase(text(c)) : a.equals(text(c));
            case NE -> !(ignoreCase ? a.equalsIgnoreCase(text(c)) : a.equals(text(c)));
            case LT -> lower(a).compareTo(lower(text(c))) < 0;
            case LE -> lower(a).compareTo(lower(text(c))) <= 0;
            case GT -> lower(a).compareTo(lower(text(c))) > 0;
            case GE -> lower(a).compareTo(lower(text(c))) >= 0;
            case RE -> regex(c) instanceof Pattern p && p.matcher(a).find();
            // avpops_impl.c passes FNM_CASEFOLD only #ifdef FNM_CASEFOLD, which Kamailio's build does not define
            // there: Kamailio 5.6.3 matches case-sensitively whatever the i flag says
            case FM -> Fnmatch.matches(text(c), a, false);
            default -> false;
        };
    }

    private static Object regex(Object c) {
        if (c instanceof Pattern p) {
            return p;
        }
        try {
            return PosixRegex.compile(String.valueOf(c), Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
        } catch (IllegalArgumentException e) {
            return null; // "bad re": this value passes nothing
        }
    }

    private static String text(Object c) {
        return c instanceof Pattern p ? p.pattern() : String.valueOf(c);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
