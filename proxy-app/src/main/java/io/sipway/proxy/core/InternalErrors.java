package io.sipway.proxy.core;

/**
 * Kamailio's internal errors (error.h) as the replies sl_reply_error makes of them (err2reason_phrase
 * in error.c): a code and a reason that ends with the error's number and the module's signature,
 * e.g. "500 I'm terribly sorry, server error occurred (1/SL)".
 */
public final class InternalErrors {
    public static final int E_UNSPEC = -1;
    public static final int E_OUT_OF_MEM = Core.E_OUT_OF_MEM;

    private InternalErrors() {
    }

    /** The reply code for internal error {@code error} (a negative E_* value). */
    public static int code(int error) {
        return switch (error) {
            case -477, -478, -400, -479, -487 -> -error;
            case -9, -13, -15, -16, -17, -18 -> 400;
            default -> 500;
        };
    }

    /** The reason phrase for internal error {@code error}, signed by {@code signature} ("SL", "TM"). */
    public static String reason(int error, String signature) {
        String text = switch (error) {
            case -477 -> "Unfortunately error on sending to next hop occurred";
            case -478 -> "Unresolvable destination";
            case -400 -> "Bad Request";
            case -479 -> "Regretfully, we were not able to process the URI";
            case -9 -> "Transaction tuple incomplete";
            case -13 -> "Bad To";
            case -11 -> "Error in external logic";
            case -12 -> "Forking capacity exceeded";
            case -15 -> "Invalid character in q parameter";
            case -16 -> "Empty q parameter";
            case -17 -> "Q parameter too big";
            case -18 -> "Decimal part missing in q";
            case -487 -> "Transaction canceled";
            case E_OUT_OF_MEM -> "Internal processing error";
            case 0 -> "No error";
            default -> "I'm terribly sorry, server error occurred";
        };
        return text + " (" + -error + "/" + signature + ")";
    }
}
