package io.sipway.proxy.core;

import java.util.Locale;

/**
 * How Sipway names itself in the headers of what it writes, in Kamailio's layout: Kamailio 5.6.3
 * sends {@code Server: kamailio (5.6.3 (x86_64/linux))} on its own replies and the same body in
 * {@code User-Agent} on requests it makes itself (core's server_header / user_agent_header
 * defaults: NAME " (" VERSION " (" ARCH "/" OS "))"). Sipway puts its own name and version there.
 */
public final class Signature {
    private Signature() {
    }

    /** The version of the running build (the jar's manifest), or "development build" outside a jar. */
    public static String version() {
        String v = Signature.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** The body both headers share: {@code sipway (<version> (<arch>/<os>))}. */
    public static String text() {
        return "sipway (" + version() + " (" + arch() + "/" + System.getProperty("os.name").toLowerCase(Locale.ROOT) + "))";
    }

    /** The default server_header line. */
    public static String serverHeader() {
        return "Server: " + text();
    }

    /** The default user_agent_header line. */
    public static String userAgentHeader() {
        return "User-Agent: " + text();
    }

    /** The CPU as uname -m names it (the JVM says amd64 for x86_64). */
    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("amd64") ? "x86_64" : a;
    }
}
