package io.sipway.transport;

import java.nio.file.Path;

/**
 * TLS configuration for one role (a listening socket, or outgoing connections), mirroring the
 * parameters of a Kamailio tls module domain ({@code tls.cfg} / {@code modparam("tls", ...)}).
 *
 * <table>
 *   <caption>Kamailio parameter to component</caption>
 *   <tr><th>Kamailio</th><th>here</th></tr>
 *   <tr><td>{@code certificate}</td><td>{@link #certificate()}: PEM, leaf first, optional chain</td></tr>
 *   <tr><td>{@code private_key}</td><td>{@link #privateKey()}: PEM, PKCS#8 or traditional</td></tr>
 *   <tr><td>{@code ca_list}</td><td>{@link #caList()}: PEM, trusted CA certificates</td></tr>
 *   <tr><td>{@code verify_certificate} (server domain)</td><td>{@link #verifyClient()}</td></tr>
 *   <tr><td>{@code require_certificate} (server domain)</td>
 *       <td>{@link #requireClientCertificate()}</td></tr>
 *   <tr><td>{@code verify_certificate} (client domain)</td><td>{@link #verifyServer()}</td></tr>
 *   <tr><td>{@code tls_method} ({@code method} in tls.cfg), {@code cipher_list} (server domain)</td>
 *       <td>{@link #profile()}</td></tr>
 * </table>
 *
 * <p>Defaults follow Kamailio: nothing is verified unless asked for. One deliberate difference:
 * Kamailio ignores {@code require_certificate} unless {@code verify_certificate} is also on;
 * here {@link #requireClientCertificate()} implies verification (a certificate that is required but
 * not checked would be pointless).
 *
 * <p>Immutable; the {@code with...} methods return copies. Paths are not read here: the files are
 * loaded, and errors reported naming the file, by {@link TlsContexts}.
 *
 * @param certificate PEM certificate (chain) file; required for a server, optional for a client
 *     (then it is the client certificate); {@code null} together with {@code privateKey}
 * @param privateKey PEM private key file matching {@code certificate}; {@code null} exactly when
 *     {@code certificate} is
 * @param caList PEM file of trusted CA certificates, or {@code null}
 * @param verifyClient server: request a client certificate and verify it against {@code caList}
 *     when one is sent (a connection without one is still accepted)
 * @param requireClientCertificate server: fail the handshake unless the client sends a certificate
 *     that verifies against {@code caList}
 * @param verifyServer client: verify the server's certificate chain against {@code caList} (or
 *     the JVM's default trust store when {@code caList} is null); off means any certificate is
 *     accepted, as in Kamailio's default client domain
 * @param profile server: the protocols and cipher suites offered, in the server's order of
 *     preference (which decides); a client offers the JSSE defaults of TLS 1.2 and 1.3
 */
public record TlsSettings(
        Path certificate,
        Path privateKey,
        Path caList,
        boolean verifyClient,
        boolean requireClientCertificate,
        boolean verifyServer,
        TlsProfile profile) {

    public TlsSettings {
        java.util.Objects.requireNonNull(profile, "profile");
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException(
                    "tls: certificate and private_key go together (certificate="
                            + certificate + ", private_key=" + privateKey + ")");
        }
    }

    /** The settings with the default profile (TLSv1.2+, every suite of the profile). */
    public TlsSettings(Path certificate, Path privateKey, Path caList, boolean verifyClient, boolean requireClientCertificate,
                       boolean verifyServer) {
        this(certificate, privateKey, caList, verifyClient, requireClientCertificate, verifyServer, TlsProfile.defaults());
    }

    /** Settings for a listener: its certificate and key, no client verification. */
    public static TlsSettings server(Path certificate, Path privateKey) {
        if (certificate == null || privateKey == null) {
            throw new IllegalArgumentException("tls: a server needs a certificate and a private_key");
        }
        return new TlsSettings(certificate, privateKey, null, false, false, false);
    }

    /** Settings for outgoing connections: no client certificate, server not verified. */
    public static TlsSettings client() {
        return new TlsSettings(null, null, null, false, false, false);
    }

    /** Copy with a client certificate and key (mutual TLS); both non-null, or both null for none. */
    public TlsSettings withCertificate(Path certificate, Path privateKey) {
        return new TlsSettings(certificate, privateKey, caList, verifyClient,
                requireClientCertificate, verifyServer, profile);
    }

    public TlsSettings withCaList(Path caList) {
        return new TlsSettings(certificate, privateKey, caList, verifyClient,
                requireClientCertificate, verifyServer, profile);
    }

    public TlsSettings withVerifyClient(boolean verifyClient) {
        return new TlsSettings(certificate, privateKey, caList, verifyClient,
                requireClientCertificate, verifyServer, profile);
    }

    public TlsSettings withRequireClientCertificate(boolean requireClientCertificate) {
        return new TlsSettings(certificate, privateKey, caList, verifyClient,
                requireClientCertificate, verifyServer, profile);
    }

    public TlsSettings withVerifyServer(boolean verifyServer) {
        return new TlsSettings(certificate, privateKey, caList, verifyClient,
                requireClientCertificate, verifyServer, profile);
    }

    /** Copy with the protocols and suites a server offers ({@code tls_method}, {@code cipher_list}). */
    public TlsSettings withProfile(TlsProfile profile) {
        return new TlsSettings(certificate, privateKey, caList, verifyClient, requireClientCertificate, verifyServer, profile);
    }

    /** True when a server built from these settings checks client certificates at all. */
    public boolean checksClientCertificates() {
        return verifyClient || requireClientCertificate;
    }
}
