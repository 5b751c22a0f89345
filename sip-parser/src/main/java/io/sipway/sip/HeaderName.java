package io.sipway.sip;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The header fields Sipway knows by type. A header's name is turned into one of these once, when
 * the message is framed, from its long or compact form in any letter case (RFC 3261 7.3.3 and the
 * IANA compact forms of extensions); every later lookup compares ordinals, never strings.
 * Anything else is {@link #OTHER} and is found by its name.
 *
 * <p>The first eight (Via .. Content-Length) are what a proxy reads on every message; the message
 * remembers where the first of each is (see {@code SipMessage.firstSeen}), so keep them first.
 */
public enum HeaderName {
    VIA("Via", 'v', true),
    FROM("From", 'f', false),
    TO("To", 't', false),
    CALL_ID("Call-ID", 'i', false),
    CSEQ("CSeq", (char) 0, false),
    MAX_FORWARDS("Max-Forwards", (char) 0, false),
    ROUTE("Route", (char) 0, true),
    CONTENT_LENGTH("Content-Length", 'l', false),
    CONTACT("Contact", 'm', true),
    RECORD_ROUTE("Record-Route", (char) 0, true),
    PATH("Path", (char) 0, true),
    CONTENT_TYPE("Content-Type", 'c', false),
    CONTENT_ENCODING("Content-Encoding", 'e', true),
    EXPIRES("Expires", (char) 0, false),
    SUPPORTED("Supported", 'k', true),
    REQUIRE("Require", (char) 0, true),
    PROXY_REQUIRE("Proxy-Require", (char) 0, true),
    SUBJECT("Subject", 's', false),
    EVENT("Event", 'o', false),
    ALLOW_EVENTS("Allow-Events", 'u', true),
    REFER_TO("Refer-To", 'r', false),
    REFERRED_BY("Referred-By", 'b', false),
    SESSION_EXPIRES("Session-Expires", 'x', false),
    ACCEPT_CONTACT("Accept-Contact", 'a', true),
    REJECT_CONTACT("Reject-Contact", 'j', true),
    REQUEST_DISPOSITION("Request-Disposition", 'd', true),
    IDENTITY("Identity", 'y', false),
    IDENTITY_INFO("Identity-Info", 'n', false),
    ALLOW("Allow", (char) 0, true),
    AUTHORIZATION("Authorization", (char) 0, false),
    PROXY_AUTHORIZATION("Proxy-Authorization", (char) 0, false),
    WWW_AUTHENTICATE("WWW-Authenticate", (char) 0, false),
    PROXY_AUTHENTICATE("Proxy-Authenticate", (char) 0, false),
    USER_AGENT("User-Agent", (char) 0, false),
    SERVER("Server", (char) 0, false),
    /** Any header field not listed above; look it up by name. */
    OTHER(null, (char) 0, false);

    private static final HeaderName[] VALUES = values();
    private static final HeaderName[] BY_COMPACT = new HeaderName[128];
    /** Known names bucketed by (length, lower-cased first letter) so that a lookup compares at most a few names. */
    private static final HeaderName[][] BY_LENGTH_AND_LETTER = new HeaderName[32 * 32][];

    static {
        for (HeaderName h : VALUES) {
            if (h.compact != 0) {
                BY_COMPACT[h.compact] = h;
            }
            if (h.canonical == null) {
                continue;
            }
            int key = bucket(h.lowerBytes.length, h.lowerBytes[0]);
            HeaderName[] old = BY_LENGTH_AND_LETTER[key];
            HeaderName[] grown = old == null ? new HeaderName[1] : java.util.Arrays.copyOf(old, old.length + 1);
            grown[grown.length - 1] = h;
            BY_LENGTH_AND_LETTER[key] = grown;
        }
    }

    private final String canonical;
    private final char compact;
    private final boolean commaList;
    private final byte[] lowerBytes;
    /** The lower-case name as three little-endian words, zero-padded: compared word by word. */
    private final long w0;
    private final long w1;
    private final long w2;

    HeaderName(String canonical, char compact, boolean commaList) {
        this.canonical = canonical;
        this.compact = compact;
        this.commaList = commaList;
        this.lowerBytes = canonical == null ? null : canonical.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[3 * 8];
        if (lowerBytes != null) {
            System.arraycopy(lowerBytes, 0, padded, 0, lowerBytes.length);
        }
        this.w0 = Bytes.longLE(padded, 0);
        this.w1 = Bytes.longLE(padded, 8);
        this.w2 = Bytes.longLE(padded, 16);
    }

    /**
     * OR-ing 0x20 into every byte lower-cases the letters; for the other token characters it can
     * only turn a name into one that no known name matches ({@code '-'} stays {@code '-'}, and the
     * byte that would become {@code '-'}, CR, is no token character).
     */
    private static final long LOWER = 0x2020202020202020L;
    private static final int LONGEST = 3 * 8 - 1;

    private static long mask(int bytes) {
        return bytes >= 8 ? -1L : bytes <= 0 ? 0L : (1L << (8 * bytes)) - 1;
    }

    /** The long form as RFC 3261 spells it, e.g. {@code Call-ID}; {@code null} for {@link #OTHER}. */
    public String canonicalName() {
        return canonical;
    }

    /** The compact form (e.g. {@code 'v'} for Via), or 0 when the header has none. */
    public char compactForm() {
        return compact;
    }

    /**
     * True when the header's grammar is a comma-separated list ({@code #element}), so one header
     * line may carry several values (Via, Contact, Route, ...).
     */
    public boolean isCommaList() {
        return commaList;
    }

    /** The type of a header name given as text, long or compact, any case. */
    public static HeaderName of(String name) {
        byte[] b = name.trim().getBytes(StandardCharsets.UTF_8);
        return of(b, 0, b.length);
    }

    /** The type of the header name in {@code buf[from, to)}: no allocation. */
    static HeaderName of(byte[] buf, int from, int to) {
        int len = to - from;
        if (len == 1) {
            int c = buf[from] | 0x20;
            return c < 128 && BY_COMPACT[c] != null ? BY_COMPACT[c] : OTHER;
        }
        if (len <= 0 || len > LONGEST) {
            return OTHER;
        }
        HeaderName[] candidates = BY_LENGTH_AND_LETTER[bucket(len, buf[from])];
        if (candidates == null) {
            return OTHER;
        }
        if (from + 3 * 8 <= buf.length) {
            // Whole words at a time: a byte-by-byte compare of every name costs a mispredicted
            // branch per name and was a third of the framing time.
            long a = (Bytes.longLE(buf, from) | LOWER) & mask(len);
            long b = (Bytes.longLE(buf, from + 8) | LOWER) & mask(len - 8);
            long c = (Bytes.longLE(buf, from + 16) | LOWER) & mask(len - 16);
            for (HeaderName h : candidates) {
                if (a == h.w0 && b == h.w1 && c == h.w2) {
                    return h;
                }
            }
            return OTHER;
        }
        for (HeaderName h : candidates) {
            if (Bytes.equalsIgnoreCaseLower(buf, from, h.lowerBytes)) {
                return h;
            }
        }
        return OTHER;
    }

    private static int bucket(int len, byte first) {
        return len * 32 + ((first | 0x20) & 31);
    }

    static HeaderName byOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
