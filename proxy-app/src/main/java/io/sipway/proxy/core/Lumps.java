package io.sipway.proxy.core;

import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamailio's lumps, for Sipway: the text edits textops and nathelper make to the received message
 * ({@link TextEdits}), applied when a branch or a reply is built.
 */
public final class Lumps {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.textops");

    private Lumps() {
    }

    /** One edit of the received text: bytes [start, end) give way to {@code insert} (start == end: an insertion). */
    public record Edit(int start, int end, byte[] insert) {
        public boolean isInsertion() {
            return start == end;
        }

        /** Whether both cannot be applied: they replace common bytes, or one inserts strictly inside what the other replaces. */
        public boolean overlaps(Edit o) {
            if (isInsertion() && o.isInsertion()) {
                return false;
            }
            if (isInsertion()) {
                return o.start < start && start < o.end;
            }
            if (o.isInsertion()) {
                return start < o.start && o.start < end;
            }
            return start < o.end && o.start < end;
        }
    }

    /**
     * The text edits of one request (Kamailio's lumps on the received message), made by the rewrite
     * functions and applied when a branch is built.
     *
     * <p>Offsets are byte offsets into the request as received, from its start line to the end of
     * its body; the searches run on those bytes read as ISO-8859-1, so that a match's offsets are
     * byte offsets whatever the bytes are (a pattern matches bytes, as glibc's regexec does in the C
     * locale). Inserted text is UTF-8.
     *
     * <p>Order when applied: by offset; at the same offset, insertions before a replacement that
     * starts there, then in the order they were made. An edit that overlaps one made before is
     * refused ({@link #add}).
     */
    public static final class TextEdits {
        private static final Comparator<Edit> ORDER =
                Comparator.comparingInt(Edit::start).thenComparing(e -> !e.isInsertion()); // a stable sort keeps call order

        /** The request as received. */
        private final SipMessage received;
        private final byte[] original;
        /** The same bytes as chars (ISO-8859-1): what the expressions search. */
        public final String text;
        /** Where the header fields begin, after the start line: where Kamailio's searches start (get_header). */
        public final int headersStart;
        /** Where the body begins (the text's length when there is none). */
        public final int bodyStart;
        private final List<Edit> edits;
        /** The rewritten request, parsed, for {@link #edits} as they were when it was made. */
        private SipMessage rewritten;
        private int rewrittenCount = -1;

        public TextEdits(SipMessage received) {
            this.received = received;
            this.original = received.toBytes();
            this.text = new String(original, StandardCharsets.ISO_8859_1);
            int nl = text.indexOf('\n');
            this.headersStart = nl < 0 ? text.length() : nl + 1;
            this.bodyStart = original.length - received.bodyLength();
            this.edits = new ArrayList<>(4);
        }

        private TextEdits(TextEdits o) {
            this.received = o.received;
            this.original = o.original;
            this.text = o.text;
            this.headersStart = o.headersStart;
            this.bodyStart = o.bodyStart;
            this.edits = new ArrayList<>(o.edits);
        }

        /** A copy that takes edits of its own (failure_route starts from request_route's edits). */
        public TextEdits copy() {
            return new TextEdits(this);
        }

        public boolean isEmpty() {
            return edits.isEmpty();
        }

        /** A matcher over the headers and body (or the body only); null without a pattern, or for the body of a message without one. */
        public Matcher matcher(Pattern p, boolean body) {
            if (p == null || (body && bodyStart == text.length())) {
                return null; // "message body has zero length"
            }
            return p.matcher(text).region(body ? bodyStart : headersStart, text.length());
        }

        /** Where the line after the header field starting at {@code line} begins (continuation lines included). */
        public int fieldEnd(int line) {
            int p = line;
            while (true) {
                int nl = text.indexOf('\n', p);
                if (nl < 0) {
                    return text.length();
                }
                p = nl + 1;
                if (p >= text.length() || (text.charAt(p) != ' ' && text.charAt(p) != '\t')) {
                    return p;
                }
            }
        }

        /** Where the empty line that ends the headers begins (after the last header field). */
        public int headersEnd() {
            int body = scanHeaders(text, headersStart, null, null);
            if (body >= 3 && text.startsWith("\r\n", body - 2) && text.charAt(body - 3) == '\n') {
                return body - 2; // CRLF CRLF
            }
            if (body >= 2 && text.charAt(body - 1) == '\n' && text.charAt(body - 2) == '\n') {
                return body - 1; // LF LF
            }
            return body; // no empty line: the headers run to the end
        }

        /** Where the first header field of this name (long or compact form, any case) begins, or -1. */
        public int headerLine(String name) {
            return scanHeaders(text, headersStart, HeaderName.of(name), name);
        }

        /**
         * Records the edits of one call, all or none: 1, or -1 when one of them overlaps an edit
         * made before (Kamailio would keep both and drop one of them when building the message).
         */
        public long add(String function, List<Edit> batch) {
            for (Edit e : batch) {
                for (Edit old : edits) {
                    if (e.overlaps(old)) {
                        LOG.warn("{}: refused: it would change bytes {}..{} of the request, which an earlier rewrite"
                                + " changes ({}..{}); returns -1", function, e.start, e.end, old.start, old.end);
                        return -1;
                    }
                }
            }
            edits.addAll(batch);
            return 1;
        }

        /**
         * Deletes bytes [start, end) as Kamailio's overlapping deletion lumps end up (sdpops: a codec's
         * lines, then its whole stream): what no edit touches yet is deleted, what one does stays as
         * that edit made it, and an insertion inside stays; never refused.
         */
        public void deleteUncovered(int start, int end) {
            List<Edit> before = new ArrayList<>(edits);
            before.sort(java.util.Comparator.comparingInt(Edit::start));
            int from = start;
            for (Edit old : before) {
                if (old.isInsertion()) {
                    if (old.start > from && old.start < end) {
                        edits.add(new Edit(from, old.start, new byte[0])); // cut at it: it stays between the two
                        from = old.start;
                    }
                } else if (old.end > from && old.start < end) {
                    if (old.start > from) {
                        edits.add(new Edit(from, old.start, new byte[0]));
                    }
                    from = Math.max(from, old.end);
                }
            }
            if (from < end) {
                edits.add(new Edit(from, end, new byte[0]));
            }
        }

        /**
         * The request with the edits applied and Content-Length set to the new body's length,
         * parsed: what the header edits of the branch then work on. They see the rewritten headers
         * (where Kamailio's act on the received ones): remove_hf also takes out a header of that
         * name that insert_hf put in, loose_route's Route removal takes the first Route as
         * rewritten. When the rewritten text does not parse, the request as received (the
         * rewrites are lost, and the log says so).
         */
        public SipMessage rewritten() {
            if (rewritten != null && rewrittenCount == edits.size()) {
                return rewritten;
            }
            byte[] bytes = withContentLength(applied());
            try {
                rewritten = SipParser.parse(bytes);
            } catch (RuntimeException e) {
                LOG.error("the request as textops rewrote it does not parse ({}); it goes on without those rewrites", e.getMessage());
                rewritten = received;
            }
            rewrittenCount = edits.size();
            return rewritten;
        }

        private byte[] applied() {
            Edit[] sorted = edits.toArray(new Edit[0]);
            Arrays.sort(sorted, ORDER);
            ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + 128);
            int pos = 0;
            for (Edit e : sorted) {
                out.write(original, pos, e.start - pos);
                out.writeBytes(e.insert);
                pos = e.end;
            }
            out.write(original, pos, original.length - pos);
            return out.toByteArray();
        }

        /** The message with its (first) Content-Length value set to the length of the body that follows the headers. */
        private byte[] withContentLength(byte[] bytes) {
            String t = new String(bytes, StandardCharsets.ISO_8859_1);
            int line = scanHeaders(t, headersStart, HeaderName.CONTENT_LENGTH, null);
            if (line < 0) {
                return bytes; // none: the body runs to the end (UDP); the branch's editor writes one
            }
            String length = Integer.toString(bytes.length - scanHeaders(t, headersStart, null, null));
            int vs = t.indexOf(':', line) + 1;
            while (vs < t.length() && (t.charAt(vs) == ' ' || t.charAt(vs) == '\t')) {
                vs++;
            }
            int ve = vs;
            while (ve < t.length() && Character.isDigit(t.charAt(ve))) {
                ve++;
            }
            if (t.substring(vs, ve).equals(length)) {
                return bytes;
            }
            return (t.substring(0, vs) + length + t.substring(ve)).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Walks the header lines of a message text from {@code from} (a line start) to the empty line
     * that ends them. With a type: where the first header field of that type begins (for
     * {@link HeaderName#OTHER}, of that name, any case), or -1. Without one: where the body begins
     * (the text's length when no empty line ends the headers).
     */
    private static int scanHeaders(String text, int from, HeaderName type, String name) {
        int p = from;
        while (p < text.length()) {
            int nl = text.indexOf('\n', p);
            int next = nl < 0 ? text.length() : nl + 1;
            if (text.charAt(p) == '\n' || text.startsWith("\r\n", p)) {
                return type == null ? next : -1;
            }
            char first = text.charAt(p);
            if (type != null && first != ' ' && first != '\t') { // not a folded continuation
                int colon = text.indexOf(':', p);
                if (colon > p && colon < next) {
                    String n = text.substring(p, colon).trim();
                    HeaderName nt = HeaderName.of(n);
                    if (nt == type && (type != HeaderName.OTHER || n.equalsIgnoreCase(name))) {
                        return p;
                    }
                }
            }
            p = next;
        }
        return type == null ? text.length() : -1;
    }

    /** The string as ISO-8859-1 chars of its UTF-8 bytes: text from outside put into the message text. */
    public static String asBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return s;
    }

}
