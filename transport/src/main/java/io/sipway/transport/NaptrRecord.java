package io.sipway.transport;

/**
 * One NAPTR record (RFC 3403) as ENUM reads it (RFC 3761): order and preference, the flags, the
 * services ({@code E2U+sip}), the substitution expression ({@code !^.*$!sip:info@example.com!}) and the
 * replacement name. {@link SipResolver#naptr} answers them.
 */
public record NaptrRecord(int order, int preference, String flags, String services, String regexp, String replacement) {
}
