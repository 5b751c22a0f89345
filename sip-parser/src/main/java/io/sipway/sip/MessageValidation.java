package io.sipway.sip;

import java.util.List;

/**
 * {@link SipMessage#validate()}: RFC 3261 held to the letter, beyond what the parser itself
 * refuses. The parser reads what Kamailio's core reads (bare LF line ends, a datagram without the
 * empty line, a short body, any CSeq number); these rules are kept apart so a caller that must be
 * strict asks for them.
 */
final class MessageValidation {
    /** RFC 3261 8.1.1: the header fields every request (and every response) carries. */
    private static final HeaderName[] REQUIRED = {
        HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ
    };
    /** Header fields whose grammar allows one value only, so a second field is an error. */
    private static final HeaderName[] SINGLE = {
        HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.MAX_FORWARDS,
        HeaderName.CONTENT_TYPE, HeaderName.EXPIRES
    };

    private MessageValidation() {
    }

    /** @throws SipParseException at the first fault, its offset relative to the message's start */
    static void check(SipMessage m) {
        int base = m.offsetBase();
        if (m.isRequest()) {
            SipUri uri = m.requestUri();
            if ((uri.scheme() == SipUri.Scheme.SIP || uri.scheme() == SipUri.Scheme.SIPS) && uri.headers() != null) {
                throw new SipParseException("Request-URI must not have a headers component", m.uriStartOffset() - base);
            }
        }
        framing(m, base);
        for (HeaderName required : REQUIRED) {
            if (m.indexOf(required, 0) < 0) {
                throw new SipParseException("missing required header " + required.canonicalName(), m.headersEnd() - base);
            }
        }
        for (HeaderName once : SINGLE) {
            int first = m.indexOf(once, 0);
            if (first >= 0 && m.indexOf(once, first + 1) >= 0) {
                throw new SipParseException(once.canonicalName() + " appears more than once",
                        m.lineStartAt(m.indexOf(once, first + 1)) - base);
            }
        }
        m.vias();
        m.from();
        m.to();
        m.callId();
        cseq(m, base);
        m.from().uri();
        m.to().uri();
        m.maxForwards();
        for (List<Address> list : List.of(m.contacts(), m.routes(), m.recordRoutes(), m.paths())) {
            for (Address a : list) {
                a.uri();
            }
        }
        m.contentType();
        m.expires();
        m.supported();
        m.require();
        m.proxyRequire();
    }

    /** What a datagram may carry and Kamailio's core takes: a bare LF, no empty line, a short body. */
    private static void framing(SipMessage m, int base) {
        if (m.bareLfAt() >= 0) {
            throw new SipParseException("line ends with LF without CR (RFC 3261 7: lines end in CRLF)", m.bareLfAt() - base);
        }
        if (!m.hasEndOfHeaders()) {
            throw new SipParseException("message ends before the empty line that closes the headers", m.headersEnd() - base);
        }
        if (m.contentLength() > m.bodyLength()) {
            throw new SipParseException("body shorter than Content-Length (" + m.bodyLength() + " of " + m.contentLength() + " bytes)",
                    m.bodyStart() + m.bodyLength() - base);
        }
    }

    /** CSeq as RFC 3261 writes it (a 32-bit number), its method the request's. */
    private static void cseq(SipMessage m, int base) {
        CSeq cs = m.cseq();
        int at = m.indexOf(HeaderName.CSEQ, 0);
        int vs = m.valueStartAt(at);
        int ve = m.valueEndAt(at);
        cs.checkRfc3261(m.cursor(vs, ve), vs, ve);
        if (m.isRequest() && !(cs.method() == m.method()
                && (m.method() != SipMethod.OTHER || m.methodName().equals(cs.methodName())))) {
            throw new SipParseException("CSeq method " + cs.methodName() + " does not match the request method "
                    + m.methodName(), vs - base);
        }
    }
}
