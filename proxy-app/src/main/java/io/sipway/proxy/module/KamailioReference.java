package io.sipway.proxy.module;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kamailio 5.6's names (functions, parameters, pseudo-variables) for the modules Sipway knows of (kamailio-5.6.txt beside this class): only
 * so that a script using a function or parameter Kamailio has and Sipway does not is told so, rather
 * than "unknown". Nothing here runs; the export tables are what Sipway implements.
 */
final class KamailioReference {
    private static final Map<String, String> FUNCTIONS = new HashMap<>();
    private static final Set<String> PARAMS = new HashSet<>();
    private static final Map<String, String> PVS = new HashMap<>();
    private static final Set<String> TRANSFORMATIONS = new HashSet<>();

    static {
        try (InputStream in = KamailioReference.class.getResourceAsStream("kamailio-5.6.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] w = line.split(" ");
                if (w.length != 3) {
                    continue; // comments
                }
                if (w[0].equals("function")) {
                    FUNCTIONS.putIfAbsent(w[2], w[1]);
                } else if (w[0].equals("transformation")) {
                    TRANSFORMATIONS.add(w[2]);
                } else if (w[0].equals("pv")) {
                    PVS.putIfAbsent(w[2], w[1]);
                } else if (w[0].equals("param")) {
                    PARAMS.add(w[1] + " " + w[2]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KamailioReference() {
    }

    /** The module ({@code "core"} for the core) of a Kamailio function, or null when Kamailio has none of that name. */
    static String moduleOfFunction(String name) {
        return FUNCTIONS.get(name);
    }

    /** Whether Kamailio has that transformation ({@code sock.host}). */
    static boolean hasTransformation(String name) {
        return TRANSFORMATIONS.contains(name);
    }

    /** The module of a Kamailio pseudo-variable (its name without {@code $}), or null. */
    static String moduleOfPv(String name) {
        return PVS.get(name);
    }

    /** Whether Kamailio's module (or the core: {@code "core"}) has that parameter. */
    static boolean hasParameter(String module, String name) {
        return PARAMS.contains(module + " " + name);
    }
}
