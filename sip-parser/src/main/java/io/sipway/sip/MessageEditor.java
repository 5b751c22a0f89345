package io.sipway.sip;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Changes a proxy makes to a message before sending it on, recorded and applied at once by
 * {@link #toBytes()}: one new array, every untouched header copied byte for byte, Content-Length
 * made to match the body. The original message is not changed. Like Kamailio's lumps, changes are
 * anchored to the original header lines, so they can be made in any order.
 *
 * <p>Header values given here are checked for CR, LF and NUL (no header injection, CWE-113).
 */
public final class MessageEditor {
    private static final byte[] CRLF = {'\r', '\n'};

    private final SipMessage msg;
    private final byte[] buf;
    /** Per original header: null = keep, REMOVED = drop, other = the new whole line. */
    private final byte[][] replaced;
    /** Per original header: how many leading values {@link #removeFirstValue} took off it. */
    private final int[] valuesRemoved;
    /** Lines inserted before original header i (index headerCount = after the last header). */
    private final byte[][][] inserted;
    private byte[] requestUri;
    private byte[] body;

    private static final byte[] REMOVED = new byte[0];

    MessageEditor(SipMessage msg) {
        this.msg = msg;
        this.buf = msg.buffer();
        this.replaced = new byte[msg.headerCount()][];
        this.valuesRemoved = new int[msg.headerCount()];
        this.inserted = new byte[msg.headerCount() + 1][][];
    }

    /** Adds a Via value on top of the others (RFC 3261 16.6 step 8). */
    public MessageEditor prependVia(String value) {
        int at = msg.indexOf(HeaderName.VIA, 0);
        insert(at < 0 ? 0 : at, line("Via", value));
        return this;
    }

    /** Adds a Record-Route value on top of the others (RFC 3261 16.6 step 4). */
    public MessageEditor addRecordRoute(String value) {
        int at = msg.indexOf(HeaderName.RECORD_ROUTE, 0);
        insert(at < 0 ? 0 : at, line("Record-Route", value));
        return this;
    }

    /**
     * Adds a Route header with a path vector (the Path values a registrar saved, RFC 3327 section
     * 5.3) where Kamailio 5.6.3 puts it: before the first Route header, else before the first Via
     * of the request as received, i.e. right under the Via {@link #prependVia} added when that was
     * called first (lines inserted at one place keep the order of the calls), else before all others.
     */
    public MessageEditor addPathAsRoute(String path) {
        int at = msg.indexOf(HeaderName.ROUTE, 0);
        if (at < 0) {
            at = msg.indexOf(HeaderName.VIA, 0);
        }
        insert(Math.max(at, 0), line("Route", path));
        return this;
    }

    /** Adds a header field before all others. */
    public MessageEditor addFirst(String name, String value) {
        insert(0, line(name, value));
        return this;
    }

    /** Adds a header field after all others. */
    public MessageEditor append(String name, String value) {
        insert(msg.headerCount(), line(name, value));
        return this;
    }

    /** Removes every header field with this name (long or compact, any case); returns how many. */
    public int remove(String name) {
        checkNotContentLength(name);
        int n = 0;
        for (int i = msg.indexOf(name, 0); i >= 0; i = msg.indexOf(name, i + 1)) {
            if (replaced[i] != REMOVED) {
                replaced[i] = REMOVED;
                n++;
            }
        }
        return n;
    }

    /**
     * Removes the first value of the first header field of this type: the whole field when it
     * holds one value, else just that value (e.g. the top Route of {@code Route: <a>, <b>}).
     * Returns false when there is no such header.
     */
    public boolean removeFirstValue(HeaderName type) {
        for (int i = msg.indexOf(type, 0); i >= 0; i = msg.indexOf(type, i + 1)) {
            if (replaced[i] == REMOVED) {
                continue;
            }
            if (replaced[i] != null && valuesRemoved[i] == 0) {
                throw new IllegalStateException(type.canonicalName() + " was set in this edit; remove it by name");
            }
            int vs = msg.valueStartAt(i);
            int ve = msg.valueEndAt(i);
            if (!type.isCommaList()) {
                replaced[i] = REMOVED; // one value per field: a comma inside belongs to the value
                return true;
            }
            int[] spans = Values.split(buf, vs, ve, msg.firstLineStart());
            int removed = ++valuesRemoved[i];
            if (spans[0] <= 2 * removed) {
                replaced[i] = REMOVED;
            } else {
                // keep the name and what follows the removed values, as written
                int ls = msg.lineStartAt(i);
                int restFrom = spans[1 + 2 * removed];
                byte[] line = new byte[(vs - ls) + (ve - restFrom) + 2];
                System.arraycopy(buf, ls, line, 0, vs - ls);
                System.arraycopy(buf, restFrom, line, vs - ls, ve - restFrom);
                line[line.length - 2] = '\r';
                line[line.length - 1] = '\n';
                replaced[i] = line;
            }
            return true;
        }
        return false;
    }

    /**
     * Sets a header field: the first one with this name gets the new value in its place, any
     * others are removed; when there is none, the field is appended.
     */
    public MessageEditor set(String name, String value) {
        checkNotContentLength(name);
        byte[] line = line(name, value);
        int first = msg.indexOf(name, 0);
        if (first < 0) {
            insert(msg.headerCount(), line);
            return this;
        }
        remove(name);
        replaced[first] = line;
        return this;
    }

    /** Replaces the Request-URI (requests only). */
    public MessageEditor setRequestUri(String uri) {
        if (!msg.isRequest()) {
            throw new IllegalStateException("a response has no Request-URI");
        }
        SipUri parsed = SipUri.parse(uri);
        if (parsed.isSip() && parsed.headers() != null) {
            throw new IllegalArgumentException("a SIP Request-URI must not have a headers component (RFC 3261 19.1.1): " + uri);
        }
        requestUri = uri.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Replaces the body; Content-Length follows it. */
    public MessageEditor setBody(byte[] newBody) {
        body = newBody.clone();
        return this;
    }

    private void insert(int before, byte[] line) {
        byte[][] list = inserted[before];
        if (list == null) {
            inserted[before] = new byte[][] {line};
        } else {
            list = Arrays.copyOf(list, list.length + 1);
            list[list.length - 1] = line;
            inserted[before] = list;
        }
    }

    private static void checkNotContentLength(String name) {
        if (HeaderName.of(name) == HeaderName.CONTENT_LENGTH) {
            throw new IllegalArgumentException("Content-Length is set from the body, not by hand");
        }
    }

    private static byte[] line(String name, String value) {
        if (HeaderName.of(name) == HeaderName.CONTENT_LENGTH) {
            throw new IllegalArgumentException("Content-Length is set from the body, not by hand");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch > 127 || !Bytes.isToken(ch)) {
                throw new IllegalArgumentException("header name is not a token: " + name);
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                throw new IllegalArgumentException("header value must not contain CR, LF or NUL: " + name);
            }
        }
        return (name + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The edited message as one new array. */
    public byte[] toBytes() {
        int bodyLen = body != null ? body.length : msg.bodyLength();
        int count = msg.headerCount();
        // Content-Length: keep the last original field when its value is right, else write one.
        int clIndex = -1;
        for (int i = count - 1; i >= 0; i--) {
            if (msg.typeAt(i) == HeaderName.CONTENT_LENGTH && replaced[i] != REMOVED) {
                clIndex = i;
                break;
            }
        }
        byte[] clLine = null;
        if (clIndex < 0 || msg.contentLength() != bodyLen) {
            String name = clIndex < 0 ? "Content-Length" : msg.headerName(clIndex);
            clLine = (name + ": " + bodyLen + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        int size = startLineSize();
        for (int i = 0; i <= count; i++) {
            if (inserted[i] != null) {
                for (byte[] l : inserted[i]) {
                    size += l.length;
                }
            }
            if (i < count) {
                if (i == clIndex && clLine != null) {
                    size += clLine.length;
                } else {
                    size += lineSize(i);
                }
            }
        }
        if (clIndex < 0) {
            size += clLine.length;
        }
        size += 2 + bodyLen;

        byte[] out = new byte[size];
        int p = writeStartLine(out);
        for (int i = 0; i <= count; i++) {
            if (inserted[i] != null) {
                for (byte[] l : inserted[i]) {
                    System.arraycopy(l, 0, out, p, l.length);
                    p += l.length;
                }
            }
            if (i == count) {
                break;
            }
            if (i == clIndex && clLine != null) {
                System.arraycopy(clLine, 0, out, p, clLine.length);
                p += clLine.length;
            } else if (replaced[i] == null) {
                int ls = msg.lineStartAt(i);
                int len = msg.lineEndAt(i) - ls;
                System.arraycopy(buf, ls, out, p, len);
                p += len;
            } else if (replaced[i] != REMOVED) {
                System.arraycopy(replaced[i], 0, out, p, replaced[i].length);
                p += replaced[i].length;
            }
        }
        if (clIndex < 0) {
            System.arraycopy(clLine, 0, out, p, clLine.length);
            p += clLine.length;
        }
        System.arraycopy(CRLF, 0, out, p, 2);
        p += 2;
        if (body != null) {
            System.arraycopy(body, 0, out, p, bodyLen);
        } else {
            System.arraycopy(buf, msg.bodyStart(), out, p, bodyLen);
        }
        return out;
    }

    private int lineSize(int i) {
        if (replaced[i] == null) {
            return msg.lineEndAt(i) - msg.lineStartAt(i);
        }
        return replaced[i].length;
    }

    private int startLineSize() {
        int original = msg.firstLineEnd() - msg.firstLineStart();
        if (requestUri == null) {
            return original;
        }
        return original - (msg.uriEndOffset() - msg.uriStartOffset()) + requestUri.length;
    }

    private int writeStartLine(byte[] out) {
        int s = msg.firstLineStart();
        int e = msg.firstLineEnd();
        if (requestUri == null) {
            System.arraycopy(buf, s, out, 0, e - s);
            return e - s;
        }
        int us = msg.uriStartOffset();
        int ue = msg.uriEndOffset();
        int p = 0;
        System.arraycopy(buf, s, out, p, us - s);
        p += us - s;
        System.arraycopy(requestUri, 0, out, p, requestUri.length);
        p += requestUri.length;
        System.arraycopy(buf, ue, out, p, e - ue);
        return p + e - ue;
    }
}
