package io.sipway.proxy.cli;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.DbAdmin;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbUrl;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.Where;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sipway db}: what Kamailio's kamdbctl and kamctl do to a database, for the db_url a script
 * names: {@code create} (kamdbctl create: the database and Kamailio's standard tables),
 * {@code add-user} and {@code rm-user} (kamctl add / rm: a subscriber row).
 */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "Create Kamailio's database and tables (kamdbctl create), add and remove subscribers (kamctl add, rm).",
        subcommands = {DbCommand.Create.class, DbCommand.AddUser.class, DbCommand.RmUser.class})
final class DbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command's body: the database of URL open, its errors printed as kamctl prints them. */
    abstract static class OnDatabase implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "URL", description = "The db_url, e.g. mysql://kamailio:kamailiorw@localhost/kamailio,"
                + " postgres://..., sqlite:///var/lib/kamailio/kamailio.db, text:///var/lib/kamailio/db, redis://127.0.0.1:6379/1"
                + " (db_redis with its documented keys for version, location and subscriber, and Sipway's copy of the tables).")
        String url;

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                DbUrl parsed = DbUrl.parse(url);
                try (Databases dbs = new Databases(2)) {
                    return run(parsed, dbs.get(url), out, err);
                }
            } catch (DbException | IllegalArgumentException e) {
                err.println("ERROR: " + e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int run(DbUrl url, Database db, PrintWriter out, PrintWriter err) throws DbException;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create the database when it is missing (and the server lets the user), then Kamailio 5.6's standard"
                    + " tables with their version rows, as kamdbctl create does. Tables that exist are left as they are.")
    static final class Create extends OnDatabase {
        @Override
        int run(DbUrl url, Database db, PrintWriter out, PrintWriter err) throws DbException {
            out.println(DbAdmin.createDatabase(url));
            Schema.create(db);
            out.println(url.scheme().equals("redis")
                    ? "db_redis stores no tables: its schema gives their columns and versions (" + url + ")"
                    : "Kamailio's standard tables are in " + url);
            return 0;
        }
    }

    @Command(name = "add-user", mixinStandardHelpOptions = true,
            description = "Add a subscriber as kamctl add does: username, domain, password, ha1 = MD5(user:domain:password),"
                    + " ha1b = MD5(user@domain:domain:password).")
    static final class AddUser extends OnDatabase {
        @Parameters(index = "1", paramLabel = "USER@DOMAIN")
        String user;

        @Parameters(index = "2", paramLabel = "PASSWORD")
        String password;

        @Override
        int run(DbUrl url, Database db, PrintWriter out, PrintWriter err) throws DbException {
            String[] ud = userDomain(user);
            if (exists(db, ud)) {
                err.println("ERROR: user '" + user + "' already exists");
                return 1;
            }
            if (db.query("dbaliases", List.of("id"), Where.eq("alias_username", ud[0]).andEq("alias_domain", ud[1]), null).size() > 0) {
                err.println("ERROR: user '" + user + "' already exists as alias");
                return 1;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("username", ud[0]);
            row.put("domain", ud[1]);
            row.put("ha1", md5(ud[0] + ":" + ud[1] + ":" + password));
            row.put("ha1b", md5(ud[0] + "@" + ud[1] + ":" + ud[1] + ":" + password));
            row.put("password", password); // kamctl's default STORE_PLAINTEXT_PW=1
            db.insert("subscriber", row);
            out.println("new user '" + user + "' added");
            return 0;
        }
    }

    @Command(name = "rm-user", mixinStandardHelpOptions = true,
            description = "Remove a subscriber as kamctl rm does: its group memberships (grp), its aliases (dbaliases) and its"
                    + " subscriber row. (kamctl rm also asks the running Kamailio to drop the user's contacts: use"
                    + " sipway rpc ul.rm location USER@DOMAIN.)")
    static final class RmUser extends OnDatabase {
        @Parameters(index = "1", paramLabel = "USER@DOMAIN")
        String user;

        @Override
        int run(DbUrl url, Database db, PrintWriter out, PrintWriter err) throws DbException {
            String[] ud = userDomain(user);
            if (!exists(db, ud)) {
                err.println("ERROR: non-existent user '" + user + "'");
                return 1;
            }
            deleteIfTable(db, "grp", Where.eq("username", ud[0]).andEq("domain", ud[1]));
            deleteIfTable(db, "dbaliases", Where.eq("username", ud[0]).andEq("domain", ud[1]));
            db.delete("subscriber", Where.eq("username", ud[0]).andEq("domain", ud[1]));
            out.println("user '" + user + "' removed");
            return 0;
        }

        /** kamctl ignores these deletes' errors (a database made without the group or alias_db tables). */
        private static void deleteIfTable(Database db, String table, Where where) {
            try {
                db.delete(table, where);
            } catch (DbException e) {
                // no such table: nothing to remove
            }
        }
    }

    private static boolean exists(Database db, String[] ud) throws DbException {
        return db.query("subscriber", List.of("id"), Where.eq("username", ud[0]).andEq("domain", ud[1]), null).size() > 0;
    }

    private static String[] userDomain(String user) {
        int at = user.lastIndexOf('@');
        if (at <= 0 || at == user.length() - 1) {
            throw new IllegalArgumentException("'" + user + "' is not USER@DOMAIN");
        }
        return new String[] {user.substring(0, at), user.substring(at + 1)};
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
