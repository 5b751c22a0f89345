package io.sipway.proxy;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.acc.AccModule;
import io.sipway.proxy.module.alias_db.AliasDbModule;
import io.sipway.proxy.module.auth.AuthModule;
import io.sipway.proxy.module.auth_db.AuthDbModule;
import io.sipway.proxy.module.cfg_rpc.CfgRpcModule;
import io.sipway.proxy.module.core.CoreModule;
import io.sipway.proxy.module.corex.CorexModule;
import io.sipway.proxy.module.counters.CountersModule;
import io.sipway.proxy.module.ctl.CtlModule;
import io.sipway.proxy.module.db_mysql.DbMysqlModule;
import io.sipway.proxy.module.db_postgres.DbPostgresModule;
import io.sipway.proxy.module.db_redis.DbRedisModule;
import io.sipway.proxy.module.db_sqlite.DbSqliteModule;
import io.sipway.proxy.module.db_text.DbTextModule;
import io.sipway.proxy.module.debugger.DebuggerModule;
import io.sipway.proxy.module.dialog.DialogModule;
import io.sipway.proxy.module.dispatcher.DispatcherModule;
import io.sipway.proxy.module.domain.DomainModule;
import io.sipway.proxy.module.htable.HtableModule;
import io.sipway.proxy.module.http_client.HttpClientModule;
import io.sipway.proxy.module.ipops.IpopsModule;
import io.sipway.proxy.module.jansson.JanssonModule;
import io.sipway.proxy.module.jsonrpcs.JsonRpcServer;
import io.sipway.proxy.module.jsonrpcs.JsonrpcsModule;
import io.sipway.proxy.module.kex.KexModule;
import io.sipway.proxy.module.maxfwd.MaxfwdModule;
import io.sipway.proxy.module.mqueue.MqueueModule;
import io.sipway.proxy.module.nathelper.NathelperModule;
import io.sipway.proxy.module.outbound.OutboundModule;
import io.sipway.proxy.module.path.PathModule;
import io.sipway.proxy.module.permissions.PermissionsModule;
import io.sipway.proxy.module.pike.PikeModule;
import io.sipway.proxy.module.pv.PvModule;
import io.sipway.proxy.module.registrar.RegistrarModule;
import io.sipway.proxy.module.rr.RrModule;
import io.sipway.proxy.module.rtimer.RtimerModule;
import io.sipway.proxy.module.sanity.SanityModule;
import io.sipway.proxy.module.siptrace.SiptraceModule;
import io.sipway.proxy.module.siputils.SiputilsModule;
import io.sipway.proxy.module.sl.SlModule;
import io.sipway.proxy.module.sqlops.SqlopsModule;
import io.sipway.proxy.module.statistics.StatisticsModule;
import io.sipway.proxy.module.stun.StunModule;
import io.sipway.proxy.module.textops.TextopsModule;
import io.sipway.proxy.module.textopsx.TextopsxModule;
import io.sipway.proxy.module.tls.TlsModule;
import io.sipway.proxy.module.tm.TmModule;
import io.sipway.proxy.module.topoh.TopohModule;
import io.sipway.proxy.module.tsilo.TsiloModule;
import io.sipway.proxy.module.tmx.TmxModule;
import io.sipway.proxy.module.uac.UacModule;
import io.sipway.proxy.module.usrloc.UsrlocModule;
import io.sipway.proxy.module.websocket.WebsocketModule;
import io.sipway.proxy.module.xhttp.XhttpModule;
import io.sipway.proxy.module.xlog.XlogModule;
import io.sipway.proxy.module.xmlrpc.XmlrpcModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every Kamailio module Sipway has, as its export table over one core: adding a module is adding
 * its package and one line here. Check mode ({@code sipway -c}), the running proxy, {@code sipway
 * modules} and docs/MODULES.md all come from {@link #host(Core)} and {@link #tables(Core)}.
 */
public final class Modules {
    private Modules() {
    }

    /** The tables, the core's first, then the modules by name. */
    public static List<ModuleExports> tables(Core core) {
        List<ModuleExports> all = new ArrayList<>();
        JsonRpcServer rpc = new JsonRpcServer(() -> all); // jsonrpc_dispatch() calls every table's RPC commands
        all.addAll(List.of(new CoreModule(core).exports(),
                AccModule.exports(core),
                AliasDbModule.exports(core),
                AuthModule.exports(core),
                io.sipway.proxy.module.avpops.AvpopsModule.exports(core),
                AuthDbModule.exports(core),
                CfgRpcModule.exports(core),
                CorexModule.exports(core),
                CountersModule.exports(core),
                CtlModule.exports(core),
                DbMysqlModule.exports(core),
                DbPostgresModule.exports(core),
                DbRedisModule.exports(core),
                DbSqliteModule.exports(core),
                DbTextModule.exports(core),
                DebuggerModule.exports(core),
                DialogModule.exports(core),
                io.sipway.proxy.module.dialplan.DialplanModule.exports(core),
                DispatcherModule.exports(core),
                DomainModule.exports(core),
                io.sipway.proxy.module.enum_.EnumModule.exports(core),
                io.sipway.proxy.module.exec.ExecModule.exports(core),
                HtableModule.exports(core),
                HttpClientModule.exports(core),
                IpopsModule.exports(core),
                JanssonModule.exports(),
                io.sipway.proxy.module.json.JsonModule.exports(),
                JsonrpcsModule.exports(core, rpc),
                KexModule.exports(core),
                MaxfwdModule.exports(core),
                MqueueModule.exports(core),
                NathelperModule.exports(core),
                OutboundModule.exports(core),
                PathModule.exports(core),
                PermissionsModule.exports(core),
                PikeModule.exports(core),
                PvModule.exports(core),
                RegistrarModule.exports(core),
                RrModule.exports(core),
                RtimerModule.exports(core),
                io.sipway.proxy.module.rtpengine.RtpengineModule.exports(core),
                io.sipway.proxy.module.rtpproxy.RtpproxyModule.exports(core),
                SanityModule.exports(core),
                io.sipway.proxy.module.sdpops.SdpopsModule.exports(),
                SiptraceModule.exports(core),
                SiputilsModule.exports(core),
                SlModule.exports(core),
                SqlopsModule.exports(core),
                StatisticsModule.exports(core),
                StunModule.exports(core),
                TextopsModule.exports(core),
                TextopsxModule.exports(core),
                TlsModule.exports(core),
                TmModule.exports(core),
                TopohModule.exports(core),
                TsiloModule.exports(core),
                TmxModule.exports(core),
                UacModule.exports(core),
                io.sipway.proxy.module.utils.UtilsModule.exports(),
                UsrlocModule.exports(core),
                WebsocketModule.exports(core),
                XhttpModule.exports(core),
                XlogModule.exports(core),
                XmlrpcModule.exports(core, rpc)));
        return Collections.unmodifiableList(all);
    }

    /** The script host over every table, for loading a script against this core. */
    public static ModuleHost host(Core core) {
        return new ModuleHost(tables(core), new CoreModule(core));
    }
}
