package io.sipway.proxy.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * What {@code kamdbctl create} does before the tables: the database itself, made when it is not
 * there and the server lets the URL's user make it (MariaDB/MySQL: CREATE DATABASE; PostgreSQL:
 * CREATE DATABASE from the {@code postgres} database; SQLite: the file's directory; db_text: the
 * directory). A Redis database number always exists.
 */
public final class DbAdmin {
    private DbAdmin() {}

    /** Makes the database of {@code url} when it is missing; returns what it did, for the user. */
    public static String createDatabase(DbUrl url) throws DbException {
        switch (url.scheme()) {
            case "sqlite", "text" -> {
                Path p = Path.of(url.database()).toAbsolutePath();
                Path dir = url.scheme().equals("text") ? p : p.getParent();
                try {
                    boolean existed = Files.isDirectory(dir);
                    Files.createDirectories(dir);
                    return url.scheme().equals("text")
                            ? (existed ? "directory " + dir + " exists" : "directory " + dir + " created")
                            : (Files.exists(p) ? "database " + p + " exists" : "database " + p + " created");
                } catch (IOException e) {
                    throw new DbException("cannot create " + dir + ": " + e.getMessage(), e);
                }
            }
            case "mysql", "postgres" -> {
                return sqlServer(url);
            }
            default -> {
                return "redis database " + url.database() + " needs no creating";
            }
        }
    }

    private static String sqlServer(DbUrl url) throws DbException {
        boolean mysql = url.scheme().equals("mysql");
        String server = (mysql ? "jdbc:mariadb://" : "jdbc:postgresql://") + hostPort(url, mysql ? 3306 : 5432) + "/";
        Properties props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty(mysql ? "connectTimeout" : "connectTimeout", mysql ? "3000" : "3");
        String name = url.database();
        // the database itself first: the user may be allowed in it and not allowed to create databases
        try (Connection c = DriverManager.getConnection(server + name, props)) {
            return "database " + name + " exists";
        } catch (SQLException e) {
            if (!missingDatabase(e, mysql)) {
                throw new DbException("cannot connect to " + url + ": " + e.getMessage(), e);
            }
        }
        try (Connection c = DriverManager.getConnection(server + (mysql ? "" : "postgres"), props);
             Statement st = c.createStatement()) {
            if (!mysql) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return "database " + name + " exists";
                        }
                    }
                }
            }
            char q = mysql ? '`' : '"';
            st.execute("CREATE DATABASE " + q + name.replace(String.valueOf(q), "") + q);
            return "database " + name + " created";
        } catch (SQLException e) {
            throw new DbException("cannot create database " + name + " on " + url + ": " + e.getMessage(), e);
        }
    }

    /** MySQL's ER_BAD_DB_ERROR (1049), PostgreSQL's invalid_catalog_name (3D000). */
    private static boolean missingDatabase(SQLException e, boolean mysql) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (mysql ? s.getErrorCode() == 1049 : "3D000".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static String hostPort(DbUrl url, int def) {
        String h = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        return h + ":" + (url.port() == 0 ? def : url.port());
    }
}
