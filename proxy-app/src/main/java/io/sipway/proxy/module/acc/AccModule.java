package io.sipway.proxy.module.acc;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.FunctionSpec;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import java.time.Clock;

/**
 * acc (https://kamailio.org/docs/modules/5.6.x/modules/acc.html): accounting to the log, as
 * Kamailio's default script sets it up ({@link Accounting}: which transactions, when; {@link
 * AccRecord}: the line) and to a database ({@link AccDb}: db_flag, db_missed_flag, acc_db_request).
 * The RADIUS, Diameter and CDR backends are not here: their parameters are refused, naming them.
 */
public final class AccModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;

    private AccModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("acc", "https://kamailio.org/docs/modules/5.6.x/modules/acc.html");
        Accounting acc = new Accounting(core, Clock.systemUTC());
        String flag = "a message flag (0..31; -1: off): ";
        b.param("log_flag", INT, "-1", flag + "a transaction with it is logged when its final reply goes upstream (2xx; "
                + "negative ones with failed_transaction_flag too)");
        b.param("log_missed_flag", INT, "-1", flag + "an INVITE with it that fails is logged as a missed call, once per setting");
        b.param("failed_transaction_flag", INT, "-1", flag + "negative final replies of log_flag transactions are logged too");
        b.param("failed_filter", STR, "", "codes (\"404,486\") whose failed transactions are not logged");
        b.param("acc_prepare_flag", INT, "-1", flag + "the transaction is followed though no accounting flag is set yet");
        b.param("acc_prepare_always", INT, "0", "every transaction is followed, as with acc_prepare_flag");
        b.param("early_media", INT, "0", "a provisional reply with a body is logged too");
        b.param("reason_from_hf", INT, "0", "the reason logged is the reply's Reason header when it has one");
        b.param("log_extra", STR, "", "name=$pv;... fields each record ends with");
        b.param("log_level", INT, "1", "the level records are logged at (1: L_NOTICE); printed when debug= reaches it");
        b.param("log_facility", STR, "LOG_DAEMON", "the syslog facility of the records");
        b.param("time_mode", INT, "0", "1: time_exten=usec, 2: time_attr=s.ms, 3/4: time_attr=time_format (local/UTC) after the timestamp");
        b.param("time_attr", STR, "time_attr", "the name of the time_mode 2..4 field");
        b.param("time_exten", STR, "time_exten", "the name of the time_mode 1 field");
        b.param("time_format", STR, "%Y-%m-%d %H:%M:%S", "the strftime format of time_mode 3 and 4");
        String db = "database: ";
        b.param("db_url", STR, "", db + "where db_flag and db_missed_flag records and acc_db_request() go (none: the db flags are off)");
        b.param("db_flag", INT, "-1", flag + "as log_flag, a row in db_table_acc");
        b.param("db_missed_flag", INT, "-1", flag + "as log_missed_flag, a row in db_table_missed_calls");
        b.param("db_table_acc", STR, "acc", db + "the table of db_flag records");
        b.param("db_table_missed_calls", STR, "missed_calls", db + "the table of db_missed_flag records");
        b.param("db_extra", STR, "", db + "name=$pv;... columns each row has beside the core ones");
        for (String c : java.util.List.of("method", "from_tag", "to_tag", "callid", "sip_code", "sip_reason", "time")) {
            b.param(AccDb.Settings.columnParam(c), STR, c, db + "the name of the " + c + " column");
        }
        b.paramWithoutEffect("db_insert_mode", INT, "0", "the flag records are always inserted by acc's writer thread, "
                + "never on the thread that ends the transaction (as mode 2, async insert)", "0", "1", "2");
        b.paramOnly("report_ack", INT, "0", "ACKs are not accounted", "0");
        b.paramOnly("report_cancels", INT, "0", "CANCELs are not accounted", "0");
        b.paramOnly("detect_direction", INT, "0", "From and To are never swapped for requests going upstream", "0");
        b.paramWithoutEffect("clone_msg", INT, "1", "the request is read where it is kept; nothing is cloned", "1");
        b.fn("acc_log_request", 1, 1, ANY, args -> {
            Format comment = Format.of(args.get(0));
            return ctx -> acc.logRequest((MsgContext) ctx, comment.apply(ctx));
        }).check(a -> {
            if (a.get(0).isConstant() && a.get(0).constantString().isEmpty()) {
                throw new FunctionSpec.BadArgument(a.get(0), "first parameter is empty");
            }
        }).summary("logs a \"request accounted\" record of the request: \"code reason\" or a reason alone");
        b.fn("acc_db_request", 2, 2, ANY, args -> {
            Format comment = Format.of(args.get(0));
            Format table = Format.of(args.get(1));
            return ctx -> acc.dbRequest((MsgContext) ctx, comment.apply(ctx), table.apply(ctx));
        }).check(a -> {
            if (a.get(0).isConstant() && a.get(0).constantString().isEmpty()) {
                throw new FunctionSpec.BadArgument(a.get(0), "first parameter is empty");
            }
        }).mayWait().summary("inserts a row of the request into the table: \"code reason\" or a reason alone; -1 when the insert fails");
        b.onStart((script, host) -> {
            acc.settings(AccSettings.of(script, host::pvFromText));
            AccDb.Settings dbSettings = AccDb.Settings.of(script, host::pvFromText);
            if (dbSettings != null) {
                AccDb accDb;
                try {
                    accDb = new AccDb(core, core.databases().get(dbSettings.url()), dbSettings);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("modparam(\"acc\", \"db_url\"): " + e.getMessage(), e);
                }
                core.onClose(accDb::close);
                acc.db(accDb);
            }
            core.hooks().observeTransactions(acc);
        });
        return b.build();
    }
}
