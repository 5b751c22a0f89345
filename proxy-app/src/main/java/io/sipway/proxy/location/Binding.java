package io.sipway.proxy.location;

import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;

/**
 * One registered contact of an address of record (usrloc's ucontact): where requests for the AoR
 * go, and how to reach it when the Contact itself names nothing reachable (the {@code received}
 * URI nathelper fills in, the socket and connection the REGISTER came over).
 *
 * @param contact      the Contact URI as registered
 * @param received     the URI the REGISTER really came from (received_avp), or null
 * @param path         the Path header values, comma-joined, or null
 * @param expiresAt    when it expires, epoch milliseconds
 * @param q            the Contact's q (-1 when none was given)
 * @param callId       the REGISTER's Call-ID
 * @param cseq         the REGISTER's CSeq number
 * @param branchFlags  the branch flags set when it was saved (nat_bflag...)
 * @param userAgent    the User-Agent header, or null
 * @param socket       the local socket the REGISTER arrived on
 * @param protocol     the protocol it came over (WS and WSS told apart from their tcp and tls listeners)
 * @param connectionId the stream connection it came over, 0 for UDP
 * @param ruid         a unique id of this binding
 * @param lastModified when it was last saved, epoch milliseconds
 * @param instance     the Contact's +sip.instance (RFC 5626), without its quotes, or null
 * @param regId        the Contact's reg-id (RFC 5626), 0 when none
 * @param flags        usrloc's contact flags: {@link #MEMORY_ONLY} when save() had flag 0x01 (never written to a database)
 */
public record Binding(String contact, String received, String path, long expiresAt, float q, String callId, long cseq,
                      long branchFlags, String userAgent, SendSocket socket, Protocol protocol, int connectionId, String ruid,
                      long lastModified, String instance, int regId, int flags) {
    /** usrloc's FL_MEM: the binding stays in memory, whatever db_mode says. */
    public static final int MEMORY_ONLY = 1;

    public boolean memoryOnly() {
        return (flags & MEMORY_ONLY) != 0;
    }

    /** The q as usrloc keeps it: thousandths, -1 when the Contact gave none (Kamailio's Q_UNSPECIFIED). */
    public int qThousandths() {
        return q < 0 ? -1 : Math.round(q * 1000);
    }

    /** Seconds left at {@code now} (never negative). */
    public long expiresIn(long now) {
        return Math.max(0, (expiresAt - now + 999) / 1000);
    }
}
