package io.sipway.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fixed ports a test's script and messages were written with, each moved to a free port chosen
 * now ({@link FreePorts}). Scripts stay readable with their documented ports (relay.cfg listens on
 * 5060, its UAS on 5070) and run on ports no other test run uses: {@link #script} writes a copy with
 * every stand-alone occurrence of a moved number replaced.
 */
public final class MovedPorts {
    /** A number of 4 or 5 digits not inside a longer number or a dotted address. */
    private static final Pattern NUMBER = Pattern.compile("(?<![0-9.])[0-9]{4,5}(?![0-9])");

    private final Map<Integer, Integer> moved = new LinkedHashMap<>();

    private MovedPorts(int[] fixed) {
        int[] free = FreePorts.udpAndTcp(fixed.length);
        for (int i = 0; i < fixed.length; i++) {
            if (moved.put(fixed[i], free[i]) != null) {
                throw new IllegalArgumentException("port " + fixed[i] + " given twice");
            }
        }
    }

    /** A free port for each of {@code fixed}. */
    public static MovedPorts of(int... fixed) {
        return new MovedPorts(fixed);
    }

    /** The port {@code fixed} was moved to. */
    public int get(int fixed) {
        Integer port = moved.get(fixed);
        if (port == null) {
            throw new IllegalArgumentException("port " + fixed + " was not moved; moved: " + moved.keySet());
        }
        return port;
    }

    /** {@code text} with every moved port number replaced by its new port; other numbers are left alone. */
    public String apply(String text) {
        Matcher m = NUMBER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            Integer port = moved.get(Integer.parseInt(m.group()));
            m.appendReplacement(out, port == null ? m.group() : port.toString());
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Writes {@code source} with its ports moved into {@code dir}, under the same file name, and returns the copy. */
    public Path script(Path source, Path dir) {
        try {
            Path copy = dir.resolve(source.getFileName().toString());
            Files.writeString(copy, apply(Files.readString(source, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ports " + moved;
    }
}
