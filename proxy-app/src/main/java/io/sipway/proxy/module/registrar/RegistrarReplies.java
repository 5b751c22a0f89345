package io.sipway.proxy.module.registrar;

import io.sipway.proxy.location.Binding;
import java.util.List;

/**
 * What save() answers, as Kamailio 5.6's registrar writes it (reply.c; checked against Kamailio
 * 5.6.3 with its default script and usrloc db_mode 0):
 *
 * <ul>
 * <li>200 OK lists every binding of the AoR in one Contact header, in usrloc's order (see
 *     {@link RegistrarModule}), values joined by {@code ", "}:
 *     {@code <uri>[;q=Q];expires=SECONDS_LEFT[;received="URI"][;+sip.instance="I"][;reg-id=N]};
 *     other Contact parameters are not kept; no Contact header when there is no binding.</li>
 * <li>An error answers with the code and phrase of its rerrno entry and a
 *     {@code P-Registrar-Error} header naming it ({@link Error}), after the Contact header of the
 *     AoR's bindings when it has some (update_contacts fails, build_contact still runs).</li>
 * </ul>
 */
final class RegistrarReplies {
    private RegistrarReplies() {
    }

    /** registrar's rerrno values Sipway can meet, with their reply code and P-Registrar-Error text. */
    enum Error {
        AOR_PARSE(400, "Error while parsing AOR"),
        INVALID_Q(400, "Invalid q param in contact"),
        PARSE_EXPIRES(400, "Expires parse error"),
        PARSE_CONTACT(400, "Contact parse error"),
        STAR_EXPIRES(400, "* used in contact and expires is not zero"),
        STAR_MIXED(400, "* used in contact and more than 1 contact"),
        TOO_MANY(503, "Too many registered contacts"),
        /** usrloc could not write (db_mode 3, the database down): a new contact, a changed one, a removal. */
        UL_INSERT(500, "usrloc_contact_insert failed"),
        UL_UPDATE(500, "usrloc_contact_update failed"),
        UL_DELETE(500, "usrloc_record_delete failed"),
        /** path_mode 2 and a REGISTER with a Path but without Supported: path. */
        PATH_UNSUP(420, "No support for found Path indicated"),
        /** outbound_mode 2 (required) and a Supported header without outbound. */
        OB_UNSUP(421, "No support for Outbound indicated", "Require: outbound\r\nSupported: outbound\r\n"),
        /** outbound_mode 0 and Require: outbound. */
        OB_REQD(420, "No support for Outbound on server", "Unsupported: outbound\r\n"),
        /** regid_mode 0: the UA uses outbound (reg-id) but the edge proxy's Path has no ;ob. */
        OB_UNSUP_EDGE(439, "No support for Outbound on edge proxy");

        final int code;
        final String info;
        /** Header lines reg_send_reply adds before the error's own (Require, Supported, Unsupported). */
        final String before;

        Error(int code, String info) {
            this(code, info, "");
        }

        Error(int code, String info, String before) {
            this.code = code;
            this.info = info;
            this.before = before;
        }

        /** The reason phrase registrar gives its codes (MSG_400, MSG_503...). */
        String reason() {
            return switch (code) {
                case 400 -> "Bad Request";
                case 420 -> "Bad Extension";
                case 421 -> "Extension Required";
                case 439 -> "First Hop Lacks Outbound Support";
                case 503 -> "Service Unavailable";
                default -> "Server Internal Error";
            };
        }

        String header() {
            return before + "P-Registrar-Error: " + info + "\r\n";
        }
    }

    /** The Contact header of a 200 listing {@code bindings} at {@code now}; "" when there are none. */
    static String contacts(List<Binding> bindings, long now) {
        if (bindings.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder(64 * bindings.size()).append("Contact: ");
        for (int i = 0; i < bindings.size(); i++) {
            Binding b = bindings.get(i);
            if (i > 0) {
                h.append(", ");
            }
            h.append('<').append(b.contact()).append('>');
            if (b.qThousandths() >= 0) {
                h.append(";q=").append(q(b.qThousandths()));
            }
            h.append(";expires=").append(b.expiresIn(now));
            if (b.received() != null) {
                h.append(";received=\"").append(b.received()).append('"');
            }
            if (b.instance() != null) {
                h.append(";+sip.instance=\"").append(b.instance()).append('"');
            }
            if (b.regId() > 0) {
                h.append(";reg-id=").append(b.regId());
            }
        }
        return h.append("\r\n").toString();
    }

    /** A q in thousandths as Kamailio's q2str writes it: 1, 0, or 0. and up to three digits without trailing zeros. */
    static String q(int thousandths) {
        if (thousandths >= 1000) {
            return "1";
        }
        if (thousandths <= 0) {
            return "0";
        }
        String digits = String.format("%03d", thousandths);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return "0." + digits.substring(0, end);
    }
}
