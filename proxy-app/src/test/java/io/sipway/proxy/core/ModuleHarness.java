package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.Modules;
import io.sipway.proxy.module.FunctionExport;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.core.CoreModule;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.SipParserConfig;
import io.sipway.tm.TmSettings;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.ConnectionTable;
import io.sipway.transport.ListenSpec;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import io.sipway.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The module functions of the export tables (Modules) on a real UDP socket, for the *ModuleTest classes: bind
 * a call as loading a script does (the arity, then the function's fixup), run it
 * on a parsed message, read pseudo-variables, load and run whole scripts, and receive the replies
 * the proxy sends on a client socket.
 */
final class ModuleHarness implements AutoCloseable {
    static final String MODULES = "loadmodule \"sl.so\"\nloadmodule \"tm.so\"\nloadmodule \"rr.so\"\n"
            + "loadmodule \"textops.so\"\nloadmodule \"siputils.so\"\nloadmodule \"sanity.so\"\n"
            + "loadmodule \"pv.so\"\nloadmodule \"xlog.so\"\nloadmodule \"tmx.so\"\nloadmodule \"kex.so\"\n"
            + "loadmodule \"corex.so\"\nloadmodule \"maxfwd.so\"\nloadmodule \"registrar.so\"\n"
            + "loadmodule \"usrloc.so\"\nloadmodule \"nathelper.so\"\nloadmodule \"xhttp.so\"\n"
            + "loadmodule \"websocket.so\"\n";

    final Core core = new Core();
    private final List<ModuleExports> tables = Modules.tables(core);
    final ModuleHost host = new ModuleHost(tables, new CoreModule(core));
    private final Transport transport;
    private TransactionLayer tm;
    private final DatagramSocket client;
    private final SendSocket local;

    ModuleHarness() {
        try {
            transport = Transport.start(List.of(ListenSpec.parse("udp:127.0.0.1:" + freeUdpPort())),
                    new ConnectionTable(false, false), SipParserConfig.defaults(), null, (bytes, from) -> { });
            client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            client.setSoTimeout(2000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        local = transport.sockets().get(0);
        core.addAlias("proxy.example.com");
        load("request_route { exit; }");
    }

    /** A UDP port free a moment ago (listen= refuses port 0). */
    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    /** Compiles a script against the host (the module lines added) and makes it the running one (its modparams apply). */
    CompiledScript load(String cfg) {
        ScriptLoader.Result r = ScriptLoader.loadText(MODULES + cfg, "test.cfg", Path.of("."), Map.of(), k -> null, host);
        assertThat(r.ok()).as(r.diagnostics().render()).isTrue();
        if (tm != null) {
            tm.close();
        }
        tm = new TransactionLayer(transport, TmSettings.defaults(), new FailureRoutes());
        core.attach(transport, tm, r.script());
        return r.script();
    }

    /** The diagnostics of a script that must not load. */
    String loadErrors(String cfg) {
        ScriptLoader.Result r = ScriptLoader.loadText(MODULES + cfg, "test.cfg", Path.of("."), Map.of(), k -> null, host);
        assertThat(r.ok()).as("the script should not load").isFalse();
        return r.diagnostics().render();
    }

    /** Runs the request_route of a script loaded with {@link #load} on the message. */
    void run(CompiledScript script, MsgContext ctx) {
        script.entry(Ast.RouteType.REQUEST, null).run(ctx);
    }

    static String resource(String name) {
        try (InputStream in = ModuleHarness.class.getResourceAsStream("/messages/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test message " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message from src/test/resources/messages, as received from the client socket over UDP. */
    MsgContext msg(String resource) {
        return parse(resource(resource));
    }

    /** A message given as text (CRLF line ends), as received from the client socket over UDP. */
    MsgContext parse(String text) {
        SipMessage m = SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
        ReceiveInfo from = new ReceiveInfo(Protocol.UDP, (InetSocketAddress) client.getLocalSocketAddress(), local, 0);
        MsgContext ctx = new MsgContext(m, from);
        if (m.isRequest()) {
            ctx.replyTo = core.replyDestination(m, from);
        } else {
            ctx.reply = m;
        }
        return ctx;
    }

    /** The same message received from another source address. */
    MsgContext parseFrom(String text, InetSocketAddress source) {
        SipMessage m = SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
        ReceiveInfo from = new ReceiveInfo(Protocol.UDP, source, local, 0);
        MsgContext ctx = new MsgContext(m, from);
        if (!m.isRequest()) {
            ctx.reply = m;
        }
        return ctx;
    }

    /** A call bound as loading a script binds it: the argument count, then the function's fixup. */
    ScriptFunction bind(String name, Object... args) {
        List<Arg> list = new ArrayList<>();
        for (Object a : args) {
            list.add(a instanceof Arg arg ? arg : Arg.constant(a, a instanceof String ? "\"" + a + "\"" : String.valueOf(a))
                    .withPvCompiler(this::pvFromText));
        }
        FunctionExport f = tables.stream().map(t -> t.functions().get(name)).filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow(() -> new AssertionError("no module exports " + name));
        if (!f.takes(list.size())) {
            throw new IllegalArgumentException(f.arityProblem(list.size()));
        }
        return f.fixup().bind(list);
    }

    /** A pseudo-variable written inside a string argument, as the script's compiler resolves it (null: stays text). */
    private io.sipway.cfg.ValueSource pvFromText(String text) {
        try {
            return pvNamed(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    long call(String name, MsgContext ctx, Object... args) {
        return bind(name, args).invoke(ctx);
    }

    /** A pseudo-variable written as {@code $name} or {@code $name(inner)}, read on the message. */
    Object pv(String text, MsgContext ctx) {
        return pvNamed(text).get(ctx);
    }

    private Pv pvNamed(String text) {
        String body = text.substring(1);
        String index = null;
        if (body.startsWith("(") && body.endsWith("])")) { // $(name(inner)[index])
            int open = body.lastIndexOf('[');
            index = body.substring(open + 1, body.length() - 2);
            body = body.substring(1, open);
        }
        int paren = body.indexOf('(');
        PvName n = paren < 0 ? new PvName(body, null, index)
                : new PvName(body.substring(0, paren), body.substring(paren + 1, body.length() - 1), index);
        Pv pv = n.name().equals("shv") ? host.sharedVariable(n.inner()) : host.pseudoVariable(n);
        if (pv == null) {
            throw new IllegalArgumentException("unknown pseudo-variable " + text);
        }
        return pv;
    }

    /** The next datagram the proxy sent to the client socket, parsed. */
    SipMessage reply() {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            client.receive(p);
        } catch (IOException e) {
            throw new AssertionError("no reply received: " + e);
        }
        return SipParser.parse(Arrays.copyOf(buf, p.getLength()));
    }

    /** Asserts nothing arrives at the client socket for a while. */
    void noReply() {
        try {
            client.setSoTimeout(300);
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            client.receive(p);
            throw new AssertionError("unexpected datagram: " + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
        } catch (SocketTimeoutException expected) {
            // nothing sent
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                client.setSoTimeout(2000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        if (tm != null) {
            tm.close();
        }
        transport.close();
        client.close();
    }
}
