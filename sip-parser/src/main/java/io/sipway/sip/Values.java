package io.sipway.sip;

/**
 * Splits a comma-list header value ({@code #element}, RFC 3261 7.3.1) at the commas that are not
 * inside a quoted string or angle brackets. Empty elements between commas are skipped.
 */
final class Values {
    private Values() {
    }

    /**
     * Start/end pairs of the elements in {@code buf[from, to)}, each trimmed of LWS, from index 1
     * on; index 0 holds how many ints after it are used (2 per element).
     */
    static int[] split(byte[] buf, int from, int to, int base) {
        int[] spans = new int[9];
        int n = 1;
        int elementStart = from;
        int p = from;
        while (true) {
            int e = p >= to ? to : nextComma(buf, p, to, base);
            int s = elementStart;
            int t = e;
            while (s < t && Bytes.isLws(buf[s])) {
                s++;
            }
            while (t > s && Bytes.isLws(buf[t - 1])) {
                t--;
            }
            if (s < t) {
                if (n + 2 > spans.length) {
                    spans = java.util.Arrays.copyOf(spans, spans.length * 2 - 1);
                }
                spans[n++] = s;
                spans[n++] = t;
            }
            if (e >= to) {
                break;
            }
            p = e + 1;
            elementStart = p;
        }
        spans[0] = n - 1;
        return spans;
    }

    /** Position of the next top-level comma at or after {@code p}, or {@code to}. */
    private static int nextComma(byte[] buf, int p, int to, int base) {
        boolean angle = false;
        while (p < to) {
            byte b = buf[p];
            if (b == '"') {
                p = afterQuoted(buf, p, to, base);
                continue;
            }
            if (b == '<') {
                angle = true;
            } else if (b == '>') {
                angle = false;
            } else if (b == ',' && !angle) {
                return p;
            }
            p++;
        }
        return to;
    }

    private static int afterQuoted(byte[] buf, int open, int to, int base) {
        int p = open + 1;
        while (p < to) {
            byte b = buf[p];
            if (b == '"') {
                return p + 1;
            }
            p += b == '\\' ? 2 : 1;
        }
        throw new SipParseException("unterminated quoted string", open - base);
    }
}
