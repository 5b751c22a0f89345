package io.sipway.sip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A SIP request or response framed by {@link SipParser}. The start line and the place and type of
 * every header line are known; a header's inner structure is parsed the first time someone asks
 * for it and kept. Malformed content of a header surfaces as a {@link SipParseException} from its
 * accessor (or from {@link #validate()}, which parses everything at once).
 *
 * <p>The original bytes stay untouched: {@link #edit()} builds a new message from them, copying
 * every header it does not change byte for byte. Not thread-safe; a message belongs to the thread
 * that handles it.
 */
public final class SipMessage {
    private static final int NOT_PARSED = -2;
    /** Per header: (type ordinal << 24) | (lineStart - start), valueStart, valueEnd. */
    private static final int FIELDS = 3;
    private static final int OFFSET_MASK = 0xFF_FFFF;

    private final byte[] buf;
    private final int start;
    private final int firstLine;

    private boolean request;
    private SipMethod method;
    /** Request: the method. Response: the status code (methodStart) and nothing else. */
    private int methodStart;
    private int methodEnd;
    /** Request: the Request-URI. Response: the reason phrase. */
    private int uriStart;
    private int uriEnd;

    private int[] headers = new int[FIELDS * 16];
    /**
     * Where the first header of each of the types with ordinals 0..7 (Via, From, To, Call-ID,
     * CSeq, Max-Forwards, Route, Content-Length: what a proxy looks up on every message) is, one byte
     * each: 0 none, else index + 1; 255 means "at 254 or later", so the lookup scans from there.
     */
    private long firstSeen;
    /** One cursor serves every typed view of this message (views are parsed one at a time). */
    private Cursor cursor;
    private int headerCount;
    private int headersEnd;
    private boolean endOfHeaders;
    /** Where the first line ending in a bare LF ends, or -1 (all CRLF). */
    private int bareLf = -1;
    private int bodyStart;
    private int bodyLength;
    private int contentLength;
    private int bytesAfterHeaders;

    private SipUri requestUri;
    private Via topVia;
    private List<Via> vias;
    private Address from;
    private Address to;
    private CSeq cseq;
    private String callId;
    private int maxForwards = NOT_PARSED;
    private List<Address> routes;
    private List<Address> recordRoutes;
    private List<Address> contacts;
    private List<Address> paths;

    SipMessage(byte[] buf, int start, int firstLine) {
        this.buf = buf;
        this.start = start;
        this.firstLine = firstLine;
    }

    // ---- filled in by SipParser ------------------------------------------------------------

    void setRequestLine(SipMethod method, int methodStart, int methodEnd, int uriStart, int uriEnd) {
        this.request = true;
        this.method = method;
        this.methodStart = methodStart;
        this.methodEnd = methodEnd;
        this.uriStart = uriStart;
        this.uriEnd = uriEnd;
    }

    void setStatusLine(int statusCode, int reasonStart, int reasonEnd) {
        this.request = false;
        this.methodStart = statusCode;
        this.uriStart = reasonStart;
        this.uriEnd = reasonEnd;
    }

    void addHeader(int lineStart, int valueStart, int valueEnd, HeaderName type) {
        int at = headerCount * FIELDS;
        if (at == headers.length) {
            headers = Arrays.copyOf(headers, headers.length * 2);
        }
        int ordinal = type.ordinal();
        headers[at] = (ordinal << 24) | (lineStart - start);
        headers[at + 1] = valueStart;
        headers[at + 2] = valueEnd;
        if (ordinal < 8) {
            int shift = ordinal * 8;
            if (((firstSeen >>> shift) & 0xff) == 0) {
                firstSeen |= (long) Math.min(headerCount + 1, 255) << shift;
            }
        }
        headerCount++;
    }

    /** The line end found at {@code eol} (CR of a CRLF, or a bare LF, which {@link #validate()} refuses). */
    void noteLineEnd(int eol) {
        if (bareLf < 0 && buf[eol] == Bytes.LF) {
            bareLf = eol;
        }
    }

    /** Where the header lines end: the empty line, or the end of a datagram that has none ({@code terminated} false). */
    void setHeadersEnd(int offset, boolean terminated) {
        this.headersEnd = offset;
        this.endOfHeaders = terminated;
    }

    void setBody(int bodyStart, int bodyLength, int contentLength, int bytesAfterHeaders) {
        this.bodyStart = bodyStart;
        this.bodyLength = bodyLength;
        this.contentLength = contentLength;
        this.bytesAfterHeaders = bytesAfterHeaders;
    }

    int lineStartAt(int i) {
        return start + (headers[i * FIELDS] & OFFSET_MASK);
    }

    /** Where header i's line ends, its CRLF included. */
    int lineEndAt(int i) {
        return i + 1 < headerCount ? lineStartAt(i + 1) : headersEnd;
    }

    int valueStartAt(int i) {
        return headers[i * FIELDS + 1];
    }

    int valueEndAt(int i) {
        return headers[i * FIELDS + 2];
    }

    HeaderName typeAt(int i) {
        return HeaderName.byOrdinal(headers[i * FIELDS] >>> 24);
    }

    int headersEnd() {
        return headersEnd;
    }

    int firstLineStart() {
        return firstLine;
    }

    /** End of the start line, its CRLF included. */
    int firstLineEnd() {
        return headerCount > 0 ? lineStartAt(0) : headersEnd;
    }

    /** What error offsets are relative to: the start of the message's bytes. */
    int offsetBase() {
        return start;
    }

    /** Where the first line ending in a bare LF ends, or -1. */
    int bareLfAt() {
        return bareLf;
    }

    byte[] buffer() {
        return buf;
    }

    int uriStartOffset() {
        return uriStart;
    }

    int uriEndOffset() {
        return uriEnd;
    }

    // ---- start line -------------------------------------------------------------------------

    public boolean isRequest() {
        return request;
    }

    public boolean isResponse() {
        return !request;
    }

    /**
     * The method of a request; for a response the method of its CSeq.
     *
     * @throws SipParseException for a response without a (well-formed) CSeq
     */
    public SipMethod method() {
        return request ? method : responseCSeq().method();
    }

    /** The method name as written: the request line's, or for a response the CSeq's. */
    public String methodName() {
        if (!request) {
            return responseCSeq().methodName();
        }
        return method == SipMethod.OTHER ? Bytes.string(buf, methodStart, methodEnd) : method.name();
    }

    private CSeq responseCSeq() {
        CSeq c = cseq();
        if (c == null) {
            throw new SipParseException("response without CSeq has no method", headersEnd - start);
        }
        return c;
    }

    /** The Request-URI as written, or null for a response. */
    public String requestUriString() {
        return request ? Bytes.string(buf, uriStart, uriEnd) : null;
    }

    /** The parsed Request-URI, or null for a response. */
    public SipUri requestUri() {
        if (request && requestUri == null) {
            requestUri = SipUri.parse(cursor(uriStart, uriEnd), uriStart, uriEnd);
        }
        return requestUri;
    }

    /** The status code of a response, 0 for a request. */
    public int statusCode() {
        return request ? 0 : methodStart;
    }

    /** The reason phrase of a response (may be empty), or null for a request. */
    public String reasonPhrase() {
        return request ? null : Bytes.string(buf, uriStart, uriEnd);
    }

    // ---- headers in general -----------------------------------------------------------------

    /** The number of header fields (lines after unfolding; a comma list on one line is one field). */
    public int headerCount() {
        return headerCount;
    }

    /** The name of header field i as written (e.g. {@code v} or {@code VIA}). */
    public String headerName(int i) {
        checkIndex(i);
        int s = lineStartAt(i);
        int e = s;
        while (Bytes.isToken(buf[e])) {
            e++;
        }
        return Bytes.string(buf, s, e);
    }

    /** The type of header field i. */
    public HeaderName headerType(int i) {
        checkIndex(i);
        return typeAt(i);
    }

    /** The value of header field i, trimmed, folded lines kept as written. */
    public String headerValue(int i) {
        checkIndex(i);
        return Bytes.string(buf, valueStartAt(i), valueEndAt(i));
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= headerCount) {
            throw new IndexOutOfBoundsException("header " + i + " of " + headerCount);
        }
    }

    /** The value of the first header field with this name (long or compact, any case), or null. */
    public String header(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : headerValue(i);
    }

    /** The value of the first header field of this type, or null. */
    public String header(HeaderName type) {
        int i = indexOf(type, 0);
        return i < 0 ? null : headerValue(i);
    }

    /**
     * Every value of the header fields with this name, in order; the values of comma-list headers
     * (Via, Contact, Route, ...) are split at top-level commas.
     */
    public List<String> headers(String name) {
        HeaderName type = HeaderName.of(name);
        List<String> out = new ArrayList<>();
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            if (type.isCommaList()) {
                int[] spans = Values.split(buf, valueStartAt(i), valueEndAt(i), start);
                for (int k = 1; k <= spans[0]; k += 2) {
                    out.add(Bytes.string(buf, spans[k], spans[k + 1]));
                }
            } else {
                out.add(headerValue(i));
            }
        }
        return out;
    }

    /** How many header fields have this type. */
    public int count(HeaderName type) {
        int n = 0;
        for (int i = 0; i < headerCount; i++) {
            if (headers[i * FIELDS] >>> 24 == type.ordinal()) {
                n++;
            }
        }
        return n;
    }

    public boolean hasHeader(String name) {
        return indexOf(name, 0) >= 0;
    }

    /** Index of the first header field of this type at or after {@code from}, or -1. */
    int indexOf(HeaderName type, int from) {
        int ordinal = type.ordinal();
        if (from == 0 && ordinal < 8) {
            int seen = (int) (firstSeen >>> (ordinal * 8)) & 0xff;
            if (seen == 0) {
                return -1;
            }
            if (seen < 255) {
                return seen - 1;
            }
            from = 254;
        }
        for (int i = from; i < headerCount; i++) {
            if (headers[i * FIELDS] >>> 24 == ordinal) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first header field with this name at or after {@code from}, or -1. */
    int indexOf(String name, int from) {
        HeaderName type = HeaderName.of(name);
        if (type != HeaderName.OTHER) {
            return indexOf(type, from);
        }
        String lower = name.trim().toLowerCase(Locale.ROOT);
        for (int i = from; i < headerCount; i++) {
            if (typeAt(i) == HeaderName.OTHER) {
                int s = lineStartAt(i);
                int e = s;
                while (Bytes.isToken(buf[e])) {
                    e++;
                }
                if (Bytes.regionEqualsIgnoreCase(buf, s, e, lower)) {
                    return i;
                }
            }
        }
        return -1;
    }

    // ---- typed views ------------------------------------------------------------------------

    Cursor cursor(int from, int to) {
        if (cursor == null) {
            cursor = new Cursor(buf, from, to, start);
        }
        return cursor.reset(from, to);
    }

    /** The first Via value, or null when there is no Via. Only that value is parsed. */
    public Via topVia() {
        if (topVia == null) {
            int i = indexOf(HeaderName.VIA, 0);
            if (i < 0) {
                return null;
            }
            int vs = valueStartAt(i);
            int ve = valueEndAt(i);
            topVia = Via.parse(cursor(vs, ve), vs, ve);
        }
        return topVia;
    }

    /** Every Via value, top first. */
    public List<Via> vias() {
        if (vias == null) {
            List<Via> list = new ArrayList<>(4);
            for (int i = indexOf(HeaderName.VIA, 0); i >= 0; i = indexOf(HeaderName.VIA, i + 1)) {
                int ve = valueEndAt(i);
                Cursor c = cursor(valueStartAt(i), ve);
                while (true) {
                    list.add(Via.parse(c, c.pos, ve));
                    if (c.pos >= ve) {
                        break;
                    }
                    c.pos++; // the comma
                }
            }
            vias = Collections.unmodifiableList(list);
            if (!list.isEmpty() && topVia == null) {
                topVia = list.get(0);
            }
        }
        return vias;
    }

    /** The From address, or null when absent. */
    public Address from() {
        if (from == null) {
            from = single(HeaderName.FROM);
        }
        return from;
    }

    /** The To address, or null when absent. */
    public Address to() {
        if (to == null) {
            to = single(HeaderName.TO);
        }
        return to;
    }

    /** The From tag, or null. */
    public String fromTag() {
        Address a = from();
        return a == null ? null : a.tag();
    }

    /** The To tag, or null. */
    public String toTag() {
        Address a = to();
        return a == null ? null : a.tag();
    }

    private Address single(HeaderName type) {
        int i = indexOf(type, 0);
        if (i < 0) {
            return null;
        }
        int ve = valueEndAt(i);
        Cursor c = cursor(valueStartAt(i), ve);
        Address a = Address.parse(c, valueStartAt(i), ve, false, type.canonicalName());
        if (c.pos < ve) {
            throw c.error(type.canonicalName() + " must have one value (unquoted ',' found)");
        }
        return a;
    }

    /** The Call-ID, or null when absent. */
    public String callId() {
        if (callId == null) {
            int i = indexOf(HeaderName.CALL_ID, 0);
            if (i < 0) {
                return null;
            }
            int vs = valueStartAt(i);
            int ve = valueEndAt(i);
            checkCallId(vs, ve);
            callId = Bytes.string(buf, vs, ve);
        }
        return callId;
    }

    /** callid = word [ "@" word ] (RFC 3261 25.1). */
    private void checkCallId(int vs, int ve) {
        if (vs == ve) {
            throw new SipParseException("empty Call-ID", vs - start);
        }
        boolean at = false;
        for (int p = vs; p < ve; p++) {
            byte b = buf[p];
            if (b == '@' && !at && p > vs && p + 1 < ve) {
                at = true;
            } else if (!Bytes.isWordChar(b)) {
                throw new SipParseException("invalid character " + Cursor.describe(b & 0xff) + " in Call-ID", p - start);
            }
        }
    }

    /** The CSeq, or null when absent. */
    public CSeq cseq() {
        if (cseq == null) {
            int i = indexOf(HeaderName.CSEQ, 0);
            if (i < 0) {
                return null;
            }
            cseq = CSeq.parse(cursor(valueStartAt(i), valueEndAt(i)), valueStartAt(i), valueEndAt(i));
        }
        return cseq;
    }

    /** Max-Forwards (0..255), or -1 when absent. */
    public int maxForwards() {
        if (maxForwards == NOT_PARSED) {
            int i = indexOf(HeaderName.MAX_FORWARDS, 0);
            if (i < 0) {
                maxForwards = -1;
            } else {
                Cursor c = cursor(valueStartAt(i), valueEndAt(i));
                long v = c.digits("Max-Forwards", 10);
                c.expectEnd("Max-Forwards");
                if (v > 255) {
                    throw new SipParseException("Max-Forwards above 255", valueStartAt(i) - start);
                }
                maxForwards = (int) v;
            }
        }
        return maxForwards;
    }

    /** Route values, top first (empty when none). */
    public List<Address> routes() {
        if (routes == null) {
            routes = addresses(HeaderName.ROUTE, false);
        }
        return routes;
    }

    /**
     * The first Route value, or null when there is none. Only that value is parsed: what
     * loose routing (RFC 3261 16.4, Kamailio's loose_route) looks at.
     */
    public Address topRoute() {
        if (routes != null) {
            return routes.isEmpty() ? null : routes.get(0);
        }
        int i = indexOf(HeaderName.ROUTE, 0);
        if (i < 0) {
            return null;
        }
        int vs = valueStartAt(i);
        int ve = valueEndAt(i);
        Address a = Address.parse(cursor(vs, ve), vs, ve, false, "Route");
        checkNameAddr(HeaderName.ROUTE, a);
        return a;
    }

    /** Record-Route values, top first (empty when none). */
    public List<Address> recordRoutes() {
        if (recordRoutes == null) {
            recordRoutes = addresses(HeaderName.RECORD_ROUTE, false);
        }
        return recordRoutes;
    }

    /** Path values (RFC 3327), top first (empty when none). */
    public List<Address> paths() {
        if (paths == null) {
            paths = addresses(HeaderName.PATH, false);
        }
        return paths;
    }

    /** Contact values (empty when none); a {@code *} Contact is one wildcard address. */
    public List<Address> contacts() {
        if (contacts == null) {
            List<Address> list = addresses(HeaderName.CONTACT, true);
            if (list.size() > 1) {
                for (Address a : list) {
                    if (a.isWildcard()) {
                        throw new SipParseException("Contact '*' mixed with other contacts",
                                valueStartAt(indexOf(HeaderName.CONTACT, 0)) - start);
                    }
                }
            }
            contacts = list; // cached only once known to be well-formed
        }
        return contacts;
    }

    /** True when the message has the wildcard Contact {@code *}. */
    public boolean isContactWildcard() {
        List<Address> c = contacts();
        return c.size() == 1 && c.get(0).isWildcard();
    }

    private List<Address> addresses(HeaderName type, boolean wildcardAllowed) {
        int i = indexOf(type, 0);
        if (i < 0) {
            return List.of();
        }
        List<Address> list = new ArrayList<>(2);
        for (; i >= 0; i = indexOf(type, i + 1)) {
            int ve = valueEndAt(i);
            Cursor c = cursor(valueStartAt(i), ve);
            while (true) {
                Address a = Address.parse(c, c.pos, ve, wildcardAllowed, type.canonicalName());
                checkNameAddr(type, a);
                list.add(a);
                if (c.pos >= ve) {
                    break;
                }
                c.pos++; // the comma
            }
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * Route, Record-Route and Path values are name-addr only (RFC 3261 25.1 route-param, RFC 3327):
     * without brackets {@code ;lr} would read as a header parameter and loose routing would go wrong.
     */
    private void checkNameAddr(HeaderName type, Address a) {
        if (!a.isNameAddr() && (type == HeaderName.ROUTE || type == HeaderName.RECORD_ROUTE || type == HeaderName.PATH)) {
            throw new SipParseException(type.canonicalName() + " value must be in angle brackets (name-addr)",
                    valueStartAt(indexOf(type, 0)) - start);
        }
    }

    /** The Content-Length header's value, or -1 when the message has none. */
    public int contentLength() {
        return contentLength;
    }

    /**
     * Whether the header lines were closed by an empty line. Only a datagram may lack it (Kamailio
     * takes such a message: its script runs, a transaction cannot be made and sanity's check 128
     * answers "400 Content-Length Body Failure"); {@link #validate()} refuses it.
     */
    public boolean hasEndOfHeaders() {
        return endOfHeaders;
    }

    /**
     * How many bytes followed the header block: the body, plus in a datagram what lay past
     * Content-Length (discarded: not in {@link #body()}). Kamailio's sanity check 128 compares this,
     * not the body, with Content-Length.
     */
    public int bytesAfterHeaders() {
        return bytesAfterHeaders;
    }

    /** The Content-Type value as written (media type and parameters), or null. */
    public String contentType() {
        int i = indexOf(HeaderName.CONTENT_TYPE, 0);
        if (i < 0) {
            return null;
        }
        Cursor c = cursor(valueStartAt(i), valueEndAt(i));
        c.token("Content-Type type");
        c.expectSeparator('/', "in Content-Type"); // SLASH = SWS "/" SWS
        c.token("Content-Type subtype");
        Params.checkHeaderParams(c, "Content-Type");
        c.expectEnd("Content-Type");
        return headerValue(i);
    }

    /**
     * The Expires header in seconds, or -1 when absent. RFC 3261 20.19 allows 0..2**32-1; a larger
     * number is refused.
     */
    public long expires() {
        int i = indexOf(HeaderName.EXPIRES, 0);
        if (i < 0) {
            return -1;
        }
        Cursor c = cursor(valueStartAt(i), valueEndAt(i));
        long v = c.digits("Expires", 10);
        c.expectEnd("Expires");
        if (v > 0xFFFF_FFFFL) {
            throw new SipParseException("Expires above 2**32-1", valueStartAt(i) - start);
        }
        return v;
    }

    /** Option tags of every Supported header (empty when none). */
    public List<String> supported() {
        return optionTags(HeaderName.SUPPORTED);
    }

    /** Option tags of every Require header (empty when none). */
    public List<String> require() {
        return optionTags(HeaderName.REQUIRE);
    }

    /** Option tags of every Proxy-Require header (empty when none). */
    public List<String> proxyRequire() {
        return optionTags(HeaderName.PROXY_REQUIRE);
    }

    private List<String> optionTags(HeaderName type) {
        List<String> tags = new ArrayList<>(2);
        for (int i = indexOf(type, 0); i >= 0; i = indexOf(type, i + 1)) {
            int[] spans = Values.split(buf, valueStartAt(i), valueEndAt(i), start);
            for (int k = 1; k <= spans[0]; k += 2) {
                Cursor c = cursor(spans[k], spans[k + 1]);
                c.skipLws();
                int s = c.token("option tag of " + type.canonicalName());
                int e = c.pos;
                c.expectEnd("option tag of " + type.canonicalName());
                tags.add(Bytes.string(buf, s, e));
            }
        }
        return tags;
    }

    // ---- body and bytes ---------------------------------------------------------------------

    /** The body length in bytes (0 when none). */
    public int bodyLength() {
        return bodyLength;
    }

    /** A copy of the body. */
    public byte[] body() {
        return Arrays.copyOfRange(buf, bodyStart, bodyStart + bodyLength);
    }

    int bodyStart() {
        return bodyStart;
    }

    /** The length of the message from its start line to the end of its body (leading CRLFs and extra datagram bytes excluded). */
    public int length() {
        return bodyStart + bodyLength - firstLine;
    }

    /** The message as bytes, exactly as received (without leading CRLFs and bytes past the body). */
    public byte[] toBytes() {
        return Arrays.copyOfRange(buf, firstLine, bodyStart + bodyLength);
    }

    /**
     * Parses everything a proxy may look at: the Request-URI, every Via, From, To, Call-ID, CSeq,
     * Max-Forwards, Contact, Route, Record-Route, Path, Content-Type, Expires, Supported, Require
     * and Proxy-Require. Also checks the rules across headers: the headers every request and
     * response needs (Via, From, To, Call-ID, CSeq), headers that must appear once, and that a
     * request's CSeq method is its method.
     *
     * @return this message
     * @throws SipParseException at the first fault
     */
    public SipMessage validate() {
        MessageValidation.check(this);
        return this;
    }

    /** Starts an edit; the message itself is not changed. */
    public MessageEditor edit() {
        return new MessageEditor(this);
    }

    /** The message as text (UTF-8), for logs and tests. */
    @Override
    public String toString() {
        return new String(buf, firstLine, length(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
