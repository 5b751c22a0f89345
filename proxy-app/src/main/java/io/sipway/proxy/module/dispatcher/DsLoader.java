package io.sipway.proxy.module.dispatcher;

import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import io.sipway.sip.SipUri;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the destination sets from the list file or the {@code dispatcher} table (Kamailio's
 * ds_load_list, ds_load_db, pack_dest). It resolves host names, so it runs at start or on the
 * module's reload thread, never on an event loop. A destination that cannot be used (a bad URI, a
 * name that does not resolve, a socket that is not ours) is skipped with a warning, or fails the
 * whole load with {@code ds_load_mode=1}; a malformed line fails the file, as in Kamailio.
 */
final class DsLoader {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.dispatcher");

    private final DsSettings settings;
    private final Supplier<List<SendSocket>> sockets;
    private final Random random;

    DsLoader(DsSettings settings, Supplier<List<SendSocket>> sockets, Random random) {
        this.settings = settings;
        this.sockets = sockets;
        this.random = random;
    }

    /** A load that failed: the message says why (Kamailio's log line). */
    static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;

        LoadException(String message) {
            super(message);
        }
    }

    /** ds_load_list: lines {@code setid destination [flags [priority [attrs]]]}, '#' comments. */
    DsLists loadFile() throws LoadException {
        List<String> lines;
        try {
            lines = Files.readAllLines(settings.listFile(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new LoadException("can't open list file [" + settings.listFile() + "]");
        }
        DsLists.Builder b = new DsLists.Builder();
        for (String line : lines) {
            Cursor c = new Cursor(line);
            c.spaces();
            if (c.atEnd() || c.peek() == '#') {
                continue;
            }
            int id = c.digits();
            c.spaces();
            if (c.atEnd() || c.peek() == '#') {
                throw new LoadException("bad line [" + line + "]");
            }
            String uri = c.word(true);
            c.spaces();
            int flags = 0;
            int priority = 0;
            String attrs = null;
            if (!c.atEnd() && c.peek() != '#') {
                flags = c.digits();
                c.spaces();
                if (!c.atEnd() && c.peek() != '#') {
                    priority = c.digits();
                    c.spaces();
                    if (!c.atEnd() && c.peek() != '#') {
                        attrs = c.word(false);
                    }
                }
            }
            add(b, id, uri, flags, priority, attrs);
        }
        return b.build(random);
    }

    /**
     * ds_load_db: the columns the table's version has (1: setid and destination; 2: flags; 3:
     * priority; 4: attrs, and ds_db_extra_attrs' columns appended to them as name=value).
     */
    DsLists loadDb(Database db) throws LoadException {
        DsSettings s = settings;
        try {
            int version = db.tableVersion(s.table());
            if (version < 1 || version > 4) {
                throw new LoadException("invalid table version (found " + version + " , required 1, 2, 3 or 4)"
                        + " (use kamdbctl reinit)");
            }
            List<String> cols = new ArrayList<>(List.of(s.setidCol(), s.destinationCol()));
            if (version >= 2) {
                cols.add(s.flagsCol());
            }
            if (version >= 3) {
                cols.add(s.priorityCol());
            }
            if (version >= 4) {
                cols.add(s.attrsCol());
                s.dbExtraAttrs().forEach(a -> cols.add(a[1]));
            }
            DbResult r = db.query(s.table(), cols, Where.ALL, null);
            if (r.size() == 0) {
                LOG.warn("no dispatching data in the db -- empty destination set");
            }
            DsLists.Builder b = new DsLists.Builder();
            for (int i = 0; i < r.size(); i++) {
                String attrs = version >= 4 ? r.text(i, s.attrsCol()) : null;
                if (version >= 4 && !s.dbExtraAttrs().isEmpty()) {
                    StringBuilder all = new StringBuilder(attrs == null ? "" : attrs);
                    if (all.length() > 0 && all.charAt(all.length() - 1) != ';') {
                        all.append(';');
                    }
                    for (String[] a : s.dbExtraAttrs()) {
                        String v = r.text(i, a[1]);
                        if (v != null && !v.isEmpty()) {
                            all.append(a[0]).append('=').append(v).append(';');
                        }
                    }
                    attrs = all.toString();
                }
                String uri = r.text(i, s.destinationCol());
                add(b, (int) r.number(i, s.setidCol(), 0), uri == null ? "" : uri,
                        version >= 2 ? (int) r.number(i, s.flagsCol(), 0) : 0,
                        version >= 3 ? (int) r.number(i, s.priorityCol(), 0) : 0, attrs);
            }
            return b.build(random);
        } catch (DbException e) {
            throw new LoadException("error while querying database: " + e.getMessage());
        }
    }

    private void add(DsLists.Builder b, int id, String uri, int flags, int priority, String attrs) throws LoadException {
        try {
            b.add(id, destination(uri, flags, priority, attrs));
        } catch (IllegalArgumentException e) {
            LOG.warn("unable to add destination {} to set {} -- skipping: {}", uri, id, e.getMessage());
            if (settings.loadMode() == 1) {
                throw new LoadException("unable to add destination " + uri + " to set " + id + ": " + e.getMessage());
            }
        }
    }

    /** pack_dest: the URI parsed (a missing "sip:" added), its host resolved, its socket found. */
    Destination destination(String uriText, int flags, int priority, String attrsText) {
        String uri = uriText;
        SipUri parsed = parse(uri);
        if (parsed == null && uri.length() > 4 && !uri.startsWith("sip:") && uri.length() < 500) {
            uri = "sip:" + uri;
            parsed = parse(uri);
            if (parsed != null) {
                LOG.info("uri without sip scheme - fixing it: {}", uriText);
            }
        }
        if (parsed == null || parsed.host() == null) {
            throw new IllegalArgumentException("bad uri [" + uriText + "]");
        }
        Destination.Attrs attrs = Destination.Attrs.parse(attrsText, settings.attrsNone());
        SendSocket socket = null;
        if (attrs.sockname() != null && !attrs.sockname().isEmpty()) {
            throw new IllegalArgumentException("non-local socket name <" + attrs.sockname() + "> (Sipway's listeners have no names)");
        } else if (attrs.socket() != null && !attrs.socket().isEmpty()) {
            socket = socket(attrs.socket());
            if (socket == null) {
                throw new IllegalArgumentException("non-local socket <" + attrs.socket() + ">");
            }
        } else if (!settings.defaultSocket().isEmpty()) {
            socket = socket(settings.defaultSocket());
        }
        InetAddress address = null;
        if ((flags & Destination.NO_DNS) == 0 && (settings.dnsMode() & DsSettings.DNS_MODE_INIT) != 0) {
            address = resolve(parsed.host());
        }
        return new Destination(uri, flags, priority, attrs, parsed, address, socket);
    }

    private static SipUri parse(String uri) {
        try {
            return SipUri.parse(uri);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static InetAddress resolve(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress literal = HostAddresses.literal(h);
        if (literal != null) {
            return literal;
        }
        try {
            return InetAddress.getByName(h); // at load only, on the start or reload thread
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("could not resolve " + host + " (missing no-probing flag?!?)");
        }
    }

    /** A listener of ours written as Kamailio writes sockets: {@code proto:host:port}, {@code proto:host}, {@code host:port}. */
    SendSocket socket(String spec) {
        String s = spec.trim();
        Protocol proto = null;
        int colon = s.indexOf(':');
        if (colon > 0) {
            try {
                proto = Protocol.of(s.substring(0, colon));
                s = s.substring(colon + 1);
            } catch (RuntimeException e) {
                proto = null;
            }
        }
        String host = s;
        int port = 0;
        int last = s.lastIndexOf(':');
        if (last > 0 && s.indexOf(']') < last && s.substring(last + 1).matches("\\d+")) {
            host = s.substring(0, last);
            port = Integer.parseInt(s.substring(last + 1));
        }
        InetAddress ip = HostAddresses.literal(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        for (SendSocket sock : sockets.get()) {
            if ((proto == null || sock.protocol() == proto) && (port == 0 || sock.local().getPort() == port)
                    && ip != null && ip.equals(sock.local().getAddress())) {
                return sock;
            }
        }
        return null;
    }

    /** A cursor over one line of the list file, reading it as ds_load_list does. */
    private static final class Cursor {
        private final String line;
        private int i;

        Cursor(String line) {
            this.line = line;
        }

        boolean atEnd() {
            return i >= line.length();
        }

        char peek() {
            return line.charAt(i);
        }

        void spaces() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) {
                i++;
            }
        }

        int digits() {
            int n = 0;
            while (!atEnd() && peek() >= '0' && peek() <= '9') {
                n = n * 10 + (peek() - '0');
                i++;
            }
            return n;
        }

        /** Up to white space (and, for the URI, a '#'). */
        String word(boolean hashEnds) {
            int start = i;
            while (!atEnd() && peek() != ' ' && peek() != '\t' && peek() != '\r' && peek() != '\n'
                    && !(hashEnds && peek() == '#')) {
                i++;
            }
            return line.substring(start, i);
        }
    }
}
