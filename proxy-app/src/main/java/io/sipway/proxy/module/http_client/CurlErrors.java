package io.sipway.proxy.module.http_client;

import java.util.Map;

/**
 * libcurl's error codes as http_client returns them (below 100) and their texts, as libcurl 7.88's
 * curl_easy_strerror words them ({@code $curlerror(N)}). The codes Sipway's client gives are
 * {@link #UNSUPPORTED_PROTOCOL}, {@link #URL_MALFORMAT}, {@link #COULDNT_RESOLVE_HOST},
 * {@link #COULDNT_CONNECT}, {@link #OPERATION_TIMEDOUT}, {@link #SSL_CONNECT_ERROR},
 * {@link #TOO_MANY_REDIRECTS}, {@link #GOT_NOTHING} and {@link #RECV_ERROR}.
 */
final class CurlErrors {
    static final int UNSUPPORTED_PROTOCOL = 1;
    static final int URL_MALFORMAT = 3;
    static final int COULDNT_RESOLVE_HOST = 6;
    static final int COULDNT_CONNECT = 7;
    static final int OPERATION_TIMEDOUT = 28;
    static final int SSL_CONNECT_ERROR = 35;
    static final int TOO_MANY_REDIRECTS = 47;
    static final int GOT_NOTHING = 52;
    static final int RECV_ERROR = 56;

    private static final Map<Integer, String> TEXTS = Map.ofEntries(
            Map.entry(0, "No error"),
            Map.entry(1, "Unsupported protocol"),
            Map.entry(2, "Failed initialization"),
            Map.entry(3, "URL using bad/illegal format or missing URL"),
            Map.entry(4, "A requested feature, protocol or option was not found built-in in this libcurl due to a build-time decision."),
            Map.entry(5, "Couldn't resolve proxy name"),
            Map.entry(6, "Couldn't resolve host name"),
            Map.entry(7, "Couldn't connect to server"),
            Map.entry(8, "Weird server reply"),
            Map.entry(9, "Access denied to remote resource"),
            Map.entry(10, "FTP: The server failed to connect to data port"),
            Map.entry(11, "FTP: unknown PASS reply"),
            Map.entry(12, "FTP: Accepting server connect has timed out"),
            Map.entry(13, "FTP: unknown PASV reply"),
            Map.entry(14, "FTP: unknown 227 response format"),
            Map.entry(15, "FTP: can't figure out the host in the PASV response"),
            Map.entry(16, "Error in the HTTP2 framing layer"),
            Map.entry(17, "FTP: couldn't set file type"),
            Map.entry(18, "Transferred a partial file"),
            Map.entry(19, "FTP: couldn't retrieve (RETR failed) the specified file"),
            Map.entry(21, "Quote command returned error"),
            Map.entry(22, "HTTP response code said error"),
            Map.entry(23, "Failed writing received data to disk/application"),
            Map.entry(25, "Upload failed (at start/before it took off)"),
            Map.entry(26, "Failed to open/read local data from file/application"),
            Map.entry(27, "Out of memory"),
            Map.entry(28, "Timeout was reached"),
            Map.entry(30, "FTP: command PORT failed"),
            Map.entry(31, "FTP: command REST failed"),
            Map.entry(33, "Requested range was not delivered by the server"),
            Map.entry(34, "Internal problem setting up the POST"),
            Map.entry(35, "SSL connect error"),
            Map.entry(36, "Couldn't resume download"),
            Map.entry(37, "Couldn't read a file:// file"),
            Map.entry(38, "LDAP: cannot bind"),
            Map.entry(39, "LDAP: search failed"),
            Map.entry(41, "A required function in the library was not found"),
            Map.entry(42, "Operation was aborted by an application callback"),
            Map.entry(43, "A libcurl function was given a bad argument"),
            Map.entry(45, "Failed binding local connection end"),
            Map.entry(47, "Number of redirects hit maximum amount"),
            Map.entry(48, "An unknown option was passed in to libcurl"),
            Map.entry(49, "Malformed option provided in a setopt"),
            Map.entry(52, "Server returned nothing (no headers, no data)"),
            Map.entry(53, "SSL crypto engine not found"),
            Map.entry(54, "Can not set SSL crypto engine as default"),
            Map.entry(55, "Failed sending data to the peer"),
            Map.entry(56, "Failure when receiving data from the peer"),
            Map.entry(58, "Problem with the local SSL certificate"),
            Map.entry(59, "Couldn't use specified SSL cipher"),
            Map.entry(60, "SSL peer certificate or SSH remote key was not OK"),
            Map.entry(61, "Unrecognized or bad HTTP Content or Transfer-Encoding"),
            Map.entry(63, "Maximum file size exceeded"),
            Map.entry(64, "Requested SSL level failed"),
            Map.entry(65, "Send failed since rewinding of the data stream failed"),
            Map.entry(66, "Failed to initialise SSL crypto engine"),
            Map.entry(67, "Login denied"),
            Map.entry(68, "TFTP: File Not Found"),
            Map.entry(69, "TFTP: Access Violation"),
            Map.entry(70, "Disk full or allocation exceeded"),
            Map.entry(71, "TFTP: Illegal operation"),
            Map.entry(72, "TFTP: Unknown transfer ID"),
            Map.entry(73, "Remote file already exists"),
            Map.entry(74, "TFTP: No such user"),
            Map.entry(77, "Problem with the SSL CA cert (path? access rights?)"),
            Map.entry(78, "Remote file not found"),
            Map.entry(79, "Error in the SSH layer"),
            Map.entry(80, "Failed to shut down the SSL connection"),
            Map.entry(81, "Socket not ready for send/recv"),
            Map.entry(82, "Failed to load CRL file (path? access rights?, format?)"),
            Map.entry(83, "Issuer check against peer certificate failed"),
            Map.entry(84, "FTP: The server did not accept the PRET command."),
            Map.entry(85, "RTSP CSeq mismatch or invalid CSeq"),
            Map.entry(86, "RTSP session error"),
            Map.entry(87, "Unable to parse FTP file list"),
            Map.entry(88, "Chunk callback failed"),
            Map.entry(89, "The max connection limit is reached"),
            Map.entry(90, "SSL public key does not match pinned public key"),
            Map.entry(91, "SSL server certificate status verification FAILED"),
            Map.entry(92, "Stream error in the HTTP/2 framing layer"),
            Map.entry(93, "API function called from within callback"),
            Map.entry(94, "An authentication function returned an error"),
            Map.entry(95, "HTTP/3 error"),
            Map.entry(96, "QUIC connection error"),
            Map.entry(97, "proxy handshake error"),
            Map.entry(98, "SSL Client Certificate required"),
            Map.entry(99, "Unrecoverable error in select/poll"));

    private CurlErrors() {
    }

    /** What $curlerror(code) reads: curl's text, "HTTP result code" above 99, "Bad CURL error code" outside 0..999. */
    static String text(int code) {
        if (code < 0 || code > 999) {
            return "Bad CURL error code";
        }
        if (code > 99) {
            return "HTTP result code";
        }
        return TEXTS.getOrDefault(code, "Unknown error");
    }
}
