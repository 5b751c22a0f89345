package io.sipway.proxy.module.avpops;

import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import io.sipway.proxy.module.pv.SubstExpression;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * avpops' functions over the AVPs in memory, as avpops_impl.c runs them (return codes included):
 * avp_delete, avp_copy, avp_pushto, avp_op, avp_subst, is_avp_set, avp_print. Their arguments are read
 * once at load ({@link AvpopsModule}); these are what runs per message.
 */
final class AvpFunctions {
    private static final Logger LOG = LoggerFactory.getLogger("avpops");

    private AvpFunctions() {
    }

    /** Which names a flags-only avp_delete("s"), ("i"), ("a") matches: string names, integer ids, any. */
    enum NameType { ANY, STR, INT;
        boolean matches(String name) {
            return this == ANY || (this == INT) == name.startsWith("i:");
        }
    }

    /** avp_delete: the newest value of the AVP (every one with /g); or every AVP of a name type. 1 when some went, else -1. */
    static ScriptFunction delete(AvpName avp, NameType type, boolean all) {
        return ctx -> {
            Xavps avps = ((MsgContext) ctx).avps();
            int n = 0;
            for (Xavps.Item i : avps.items()) {
                if (avp != null ? i.name().equals(avp.name()) : type.matches(i.name())) {
                    avps.remove(i);
                    n++;
                    if (!all && avp != null) {
                        break;
                    }
                }
            }
            return n > 0 ? 1 : -1;
        };
    }

    /**
     * avp_copy(src, dst/flags): the newest value (every one with g, which reverses their order) added
     * under the new name, cast with n (to an integer: digits only, else -1) or s (to a string), the
     * source removed with d.
     */
    static ScriptFunction copy(AvpName src, AvpName dst, boolean all, boolean delete, boolean toInt, boolean toStr) {
        return ctx -> {
            Xavps avps = ((MsgContext) ctx).avps();
            List<Xavps.Item> items = AvpList.named((MsgContext) ctx, src.name());
            int n = 0;
            for (Xavps.Item i : items) {
                Object v = i.value();
                if (v instanceof String s && toInt) {
                    Long num = AvpList.str2int(s);
                    if (num == null) {
                        LOG.error("cannot convert str to int");
                        return -1;
                    }
                    v = num;
                } else if (AvpList.isInt(v) && toStr) {
                    v = AvpList.text(v);
                }
                avps.add(dst.name(), v);
                n++;
                if (delete) {
                    avps.remove(i);
                }
                if (!all) {
                    break;
                }
            }
            return n > 0 ? 1 : -1;
        };
    }

    /** Where avp_pushto writes: the R-URI (whole, user or host), the destination URI, a new branch. */
    enum PushTo { RURI, RURI_USER, RURI_HOST, DURI, BRANCH }

    /**
     * avp_pushto(dest, src[/g]): each value pushed; with several values into the R-URI, the R-URI as it
     * was is appended as a branch before the next one is written (serial values become branches).
     * An integer pushed to $du or $br is an error (-1), as is a missing AVP.
     */
    static ScriptFunction pushTo(PushTo dest, Pv userOrHost, AvpName srcAvp, ValueSource srcPv, boolean all) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            List<Object> values;
            if (srcAvp != null) {
                List<Xavps.Item> items = AvpList.named(m, srcAvp.name());
                if (items.isEmpty()) {
                    return -1;
                }
                values = (all ? items : items.subList(0, 1)).stream().map(Xavps.Item::value).toList();
            } else {
                Object v = srcPv.get(ctx);
                values = List.of(v == null ? "<null>" : v);
            }
            int n = 0;
            for (Object v : values) {
                String val = AvpList.text(v);
                switch (dest) {
                    case RURI, RURI_USER, RURI_HOST -> {
                        if (n > 0) {
                            m.branches.add(new String[] {m.requestUri(), m.du});
                        }
                        if (dest == PushTo.RURI) {
                            m.ruri = val;
                        } else {
                            userOrHost.set(ctx, val);
                        }
                    }
                    case DURI -> {
                        if (AvpList.isInt(v)) {
                            return -1;
                        }
                        m.du = val.isEmpty() ? null : val;
                    }
                    case BRANCH -> {
                        if (AvpList.isInt(v)) {
                            return -1;
                        }
                        m.branches.add(new String[] {val, null});
                    }
                }
                n++;
            }
            return 1;
        };
    }

    enum Arith { ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, NOT }

    /**
     * avp_op(src[/dst], "op/value[/flags]"): every integer value of src (whatever g says, as
     * ops_op_avp walks them) combined with every integer value of the operand, each result added on
     * top of dst (src when not given); d removes the source values. -1 when src has no integer value
     * (but {@code not}, which ignores it), or the operand is missing or a string.
     */
    static ScriptFunction op(AvpName src, AvpName dst, Arith op, Long constant, AvpName valueAvp, ValueSource valuePv,
                             boolean delete) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            Xavps avps = m.avps();
            List<Xavps.Item> items = AvpList.named(m, src.name());
            if (items.isEmpty()) {
                return -1;
            }
            List<Xavps.Item> ints = items.stream().filter(i -> AvpList.isInt(i.value())).toList();
            if (ints.isEmpty() && op != Arith.NOT) {
                return -1;
            }
            String to = dst != null ? dst.name() : src.name();
            int rounds = ints.isEmpty() ? 1 : ints.size();
            for (int r = 0; r < rounds; r++) {
                Xavps.Item item = ints.isEmpty() ? null : ints.get(r);
                long a = item == null ? 0 : AvpList.intOf(item.value());
                List<Long> operands;
                if (valueAvp != null) {
                    operands = AvpList.named(m, valueAvp.name()).stream().filter(i -> AvpList.isInt(i.value()))
                            .map(i -> AvpList.intOf(i.value())).toList();
                    if (operands.isEmpty()) {
                        return -1;
                    }
                } else if (valuePv != null) {
                    Object v = valuePv.get(ctx);
                    if (!AvpList.isInt(v)) {
                        LOG.error("dst value is str");
                        return -1;
                    }
                    operands = List.of(AvpList.intOf(v));
                } else {
                    operands = List.of(constant);
                }
                for (long b : operands) {
                    avps.add(to, apply(op, a, b));
                }
                if (delete && item != null) {
                    avps.remove(item);
                }
            }
            return 1;
        };
    }

    static long apply(Arith op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                if (b == 0) {
                    LOG.error("division by 0");
                    yield 0;
                }
                yield a / b;
            }
            case MOD -> {
                if (b == 0) {
                    LOG.error("modulo by 0");
                    yield 0;
                }
                yield a % b;
            }
            case AND -> a & b;
            case OR -> a | b;
            case XOR -> a ^ b;
            case NOT -> ~b;
        };
    }

    /**
     * avp_subst(src[/dst][/flags], subst): the substitution applied to the newest string value (every
     * one with g); each result that matched is added on top of dst, and the source value removed when
     * d is given or there is no dst (it is replaced). 1 when one was substituted, else -1.
     */
    static ScriptFunction subst(AvpName src, AvpName dst, boolean all, boolean delete, Function<ScriptContext, SubstExpression> se) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            List<Xavps.Item> items = AvpList.named(m, src.name());
            if (items.isEmpty()) {
                return -1;
            }
            SubstExpression e = se.apply(ctx);
            if (e == null) {
                return -1;
            }
            Xavps avps = m.avps();
            String to = dst != null ? dst.name() : src.name();
            int n = 0;
            for (Xavps.Item i : items) {
                if (!(i.value() instanceof String s)) {
                    continue;
                }
                String out = e.apply(s, ctx);
                // apply gives the input itself when nothing matched (subst_str's NULL), null for an empty match
                if (out == null || out == s) {
                    continue;
                }
                avps.add(to, out);
                n++;
                if (delete || dst == null) {
                    avps.remove(i);
                }
                if (!all) {
                    break;
                }
            }
            return n > 0 ? 1 : -1;
        };
    }

    /**
     * is_avp_set(name[/flags]): 1 when the AVP has a value; with e, s or n, when the value at the
     * written index (the newest one; a negative index counts as 0) is empty (an empty string or 0), a
     * string, or an integer.
     */
    static ScriptFunction isSet(AvpName avp, boolean empty, boolean str, boolean num) {
        boolean any = !empty && !str && !num;
        int index = avp.index() == null || avp.index() < 0 ? 0 : avp.index();
        return ctx -> {
            List<Xavps.Item> items = AvpList.named((MsgContext) ctx, avp.name());
            if (items.size() <= index) {
                return -1;
            }
            if (any) {
                return 1;
            }
            Object v = items.get(index).value();
            if (str && AvpList.isInt(v) || num && !AvpList.isInt(v)) {
                return -1;
            }
            if (empty) {
                return AvpList.isInt(v) ? (AvpList.intOf(v) == 0 ? 1 : -1) : (String.valueOf(v).isEmpty() ? 1 : -1);
            }
            return 1;
        };
    }

    /** avp_print(): every AVP of the message to the log at INFO, newest first (a debugging aid). */
    static ScriptFunction print() {
        return ctx -> {
            for (Xavps.Item i : ((MsgContext) ctx).avps().items()) {
                boolean intName = i.name().startsWith("i:");
                LOG.info("avp: {}=<{}>{}", intName ? "id" : "name", intName ? i.name().substring(2) : i.name(),
                        AvpList.isInt(i.value()) ? " val_int=<" + i.value() + ">"
                                : " val_str=<" + i.value() + " / " + String.valueOf(i.value()).length() + ">");
            }
            return 1;
        };
    }
}
