package io.sipway.proxy.module.acc;

import io.sipway.proxy.core.MsgContext;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * One accounting record as acc's log backend prints it (acc.c, acc_log_request):
 * {@code ACC: transaction answered: timestamp=<s>;method=<CSeq method>;from_tag=..;to_tag=..;
 * call_id=..;code=..;reason=..[;<log_extra name>=<value>...]} and a newline. Values are written
 * as they are, an absent one as nothing after the '='.
 */
final class AccRecord {
    static final String ANSWERED = "ACC: transaction answered: ";
    static final String MISSED = "ACC: call missed: ";
    static final String REQUEST = "ACC: request accounted: ";

    private AccRecord() {
    }

    /**
     * The record's text.
     *
     * @param req    the request (with the script's changes; $ru the branch's) the fields and log_extra are read from
     * @param toTag  the To tag: the reply's, else the request's, else for a missed call the local one (or null)
     * @param code   the reply's code as text, or null (acc_log_request without a code)
     * @param reason the reply's reason phrase
     */
    static String line(AccSettings s, String text, MsgContext req, String toTag, String code, String reason, Instant now) {
        StringBuilder b = new StringBuilder(256).append(text).append("timestamp=").append(now.getEpochSecond());
        time(s, b, now);
        b.append(";method=").append(req.msg.cseq() == null ? "" : req.msg.cseq().methodName());
        b.append(";from_tag=").append(orEmpty(req.msg.fromTag()));
        b.append(";to_tag=").append(orEmpty(toTag));
        b.append(";call_id=").append(orEmpty(req.msg.callId()));
        b.append(";code=").append(orEmpty(code));
        b.append(";reason=").append(orEmpty(reason));
        for (AccSettings.Extra e : s.extras()) {
            Object v = e.value().get(req);
            b.append(';').append(e.name()).append('=').append(v == null ? "" : v.toString());
        }
        return b.append('\n').toString();
    }

    /** time_mode 1: ";time_exten=<usec>", 2: ";time_attr=<s.mmm>", 3 and 4: ";time_attr=<time_format, local or UTC>". */
    private static void time(AccSettings s, StringBuilder b, Instant now) {
        long micros = now.getNano() / 1000;
        switch (s.timeMode()) {
            case 1 -> b.append(';').append(s.timeExten()).append('=').append(micros);
            case 2 -> b.append(';').append(s.timeAttr()).append('=')
                    .append(String.format(Locale.ROOT, "%.3f", now.getEpochSecond() + micros / 1e6));
            case 3, 4 -> {
                String t = s.timeFormat().format(now.getEpochSecond(), s.timeMode() == 3 ? ZoneId.systemDefault() : ZoneOffset.UTC);
                b.append(';').append(s.timeAttr()).append('=').append(t == null ? "" : t);
            }
            default -> {
                // 0: the timestamp alone
            }
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
