package io.sipway.proxy.module;

import io.sipway.cfg.ScriptHost;

/** Kamailio's lexer refuses an IPv4 address with an octet above 255 anywhere in a global's value ({@code listen=udp:300.1.2.3}). */
final class Ipv4Octets {
    private Ipv4Octets() {
    }

    static ScriptHost.ValueProblem problem(String raw) {
        if (raw == null) {
            return null;
        }
        int i = 0;
        char quote = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                }
                i++;
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                i++;
                continue;
            }
            if (Character.isDigit(c) && (i == 0 || !wordChar(raw.charAt(i - 1)))) {
                int end = i;
                while (end < raw.length() && (Character.isDigit(raw.charAt(end)) || raw.charAt(end) == '.')) {
                    end++;
                }
                String run = raw.substring(i, end);
                if ((end == raw.length() || !wordChar(raw.charAt(end))) && run.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                    for (String octet : run.split("\\.")) {
                        if (octet.length() > 3 || Integer.parseInt(octet) > 255) {
                            return new ScriptHost.ValueProblem("invalid IPv4 address '" + run + "'", i);
                        }
                    }
                }
                i = end;
                continue;
            }
            i++;
        }
        return null;
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }
}
